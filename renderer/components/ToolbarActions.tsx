// The review toolbar's actions (right of the filters).
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';

type Props = { onStartReview: () => void; canLocate: boolean; onLocate: () => void; onColumnMode: () => void };

export function ToolbarActions({ onStartReview, canLocate, onLocate, onColumnMode }: Props) {
  const { t, settings, setSettings, toastError } = useApp();
  return (
    <div className="toolbar-actions">
      <button type="button" className="btn btn-small btn-primary" onClick={onStartReview} data-testid="start-review">{t('grid.startReview')}</button>
      <button type="button" className="btn btn-small" disabled={!canLocate} onClick={onLocate}>{t('grid.openLocation')}</button>
      <button type="button" className="btn btn-small" onClick={onColumnMode} data-testid="column-mode-toggle">{t('detail.columnMode')}</button>
      <label className="check small" title={t('detail.onlyAttention')}>
        <input type="checkbox" checked={settings.onlyAttention} onChange={(e) => { call('settings:set', { onlyAttention: e.target.checked }).then(setSettings).catch((err: unknown) => toastError(err)); }} />
        {t('toolbar.onlyAttention')}
      </label>
    </div>
  );
}
