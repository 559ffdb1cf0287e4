// Browser-mode folder picker: the page cannot open the OS folder dialog, so it walks the engine's 'fs:browse' (home
// folder and mounted shares only — [Note: folder picker roots]). A click (or Enter) opens a folder, «Выбрать эту папку»
// returns its path.
import { useCallback, useEffect, useState } from 'react';
import type { BrowseResult } from '../../shared/api.ts';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';

export function FolderPicker({ onChoose, onClose }: { onChoose: (path: string) => void; onClose: () => void }) {
  const { lang, t } = useApp();
  const [view, setView] = useState<BrowseResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = useCallback((path?: string) => {
    call('fs:browse', path === undefined ? {} : { path })
      .then((v) => { setView(v); setError(null); })
      .catch((err: unknown) => setError(errorText(err, lang)));
  }, [lang]);
  useEffect(() => open(), [open]);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
      <div className="modal folder-picker" role="dialog" aria-modal="true" aria-label={t('picker.title')} data-testid="folder-picker">
        <h3>{t('picker.title')}</h3>
        <div className="row">
          <span className="mono grow" data-testid="picker-path">{view?.path ?? t('picker.roots')}</span>
          <button type="button" className="btn btn-small" disabled={!view?.path} onClick={() => open(view?.parent ?? undefined)}>{t('picker.up')}</button>
        </div>
        {error ? <p className="bad" role="alert">{error}</p> : null}
        <ul className="folder-list">
          {view && view.dirs.length === 0 ? <li className="muted">{t('picker.empty')}</li> : null}
          {view?.dirs.map((d) => (
            <li key={d.path}><button type="button" onClick={() => open(d.path)} data-folder={d.name}>📁 {d.name}</button></li>
          ))}
        </ul>
        <p className="muted small">{t('picker.note')}</p>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="button" className="btn btn-primary" disabled={!view?.path} onClick={() => { if (view?.path) onChoose(view.path); }} data-testid="picker-choose">{t('picker.choose')}</button>
        </div>
      </div>
    </div>
  );
}
