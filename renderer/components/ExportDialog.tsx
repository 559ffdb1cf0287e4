// Export dialog: format, scope, only verified, template, header language → 'export:run' with progress.
import { useEffect, useState } from 'react';
import { CSV_PRESETS, EXPORT_FORMATS, type DocumentFilter, type ExportScope, type ExportTemplate } from '../../shared/api.ts';
import { call, errorText, onEvent, transport } from '../api.ts';
import { useApp } from '../app-context.ts';

type Props = { filter: DocumentFilter; selection: number[]; caseId: number | null; onClose: () => void };

export function ExportDialog({ filter, selection, caseId, onClose }: Props) {
  const { lang, t } = useApp();
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('xlsx');
  const [preset, setPreset] = useState<(typeof CSV_PRESETS)[number]>('excel-ru');
  const [scopeKind, setScopeKind] = useState<ExportScope['kind']>(selection.length > 0 ? 'selection' : 'filter');
  const [onlyVerified, setOnlyVerified] = useState(false);
  const [templates, setTemplates] = useState<ExportTemplate[]>([]);
  const [templateId, setTemplateId] = useState('default');
  const [headerLanguage, setHeaderLanguage] = useState(lang);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<{ exportId: number; fileName: string; rows: number } | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => { call('export:templates', {}).then(setTemplates).catch((err: unknown) => setError(errorText(err, lang))); }, [lang]);
  useEffect(() => onEvent('export:progress', (p) => { setProgress({ done: p.done, total: p.total }); if (p.error) setError(p.error); }), []);

  const scope = (): ExportScope => {
    switch (scopeKind) {
      case 'all': return { kind: 'all' };
      case 'filter': return { kind: 'filter', filter };
      case 'selection': return { kind: 'selection', ids: selection };
      case 'case': return caseId !== null ? { kind: 'case', caseId } : { kind: 'all' };
    }
  };
  const run = async () => {
    setError(null); setResult(null); setProgress({ done: 0, total: 0 });
    try {
      setResult(await call('export:run', { format, csvPreset: preset, scope: scope(), onlyVerified, templateId, headerLanguage }));
    } catch (err) {
      setError(errorText(err, lang));
    }
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
      <div className="modal modal-wide" role="dialog" aria-modal="true" aria-label={t('export.title')} data-testid="export-dialog">
        <h3>{t('export.title')}</h3>
        <div className="form-grid">
          <label>{t('export.format')}
            <select value={format} onChange={(e) => setFormat(e.target.value as typeof format)} autoFocus>
              {EXPORT_FORMATS.map((f) => <option key={f} value={f}>{f.toUpperCase()}</option>)}
            </select>
          </label>
          {format === 'csv' ? (
            <label>{t('export.csvPreset')}
              <select value={preset} onChange={(e) => setPreset(e.target.value as typeof preset)}>
                {CSV_PRESETS.map((p) => <option key={p} value={p}>{t(`export.preset.${p}`)}</option>)}
              </select>
            </label>
          ) : null}
          <label>{t('export.scope')}
            <select value={scopeKind} onChange={(e) => setScopeKind(e.target.value as ExportScope['kind'])}>
              <option value="all">{t('export.scope.all')}</option>
              <option value="filter">{t('export.scope.filter')}</option>
              <option value="selection" disabled={selection.length === 0}>{t('export.scope.selection', { n: selection.length })}</option>
              <option value="case" disabled={caseId === null}>{t('export.scope.case')}</option>
            </select>
          </label>
          <label>{t('export.template')}
            <select value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
              {templates.map((tp) => <option key={tp.id} value={tp.id}>{tp.name}</option>)}
            </select>
          </label>
          <label>{t('export.headerLanguage')}
            <select value={headerLanguage} onChange={(e) => setHeaderLanguage(e.target.value as typeof headerLanguage)}>
              <option value="ru">{t('lang.ru')}</option><option value="en">{t('lang.en')}</option>
            </select>
          </label>
          <label className="check"><input type="checkbox" checked={onlyVerified} onChange={(e) => setOnlyVerified(e.target.checked)} />{t('export.onlyVerified')}</label>
        </div>
        {progress && !result ? <p>{t('export.progress', { done: progress.done, total: progress.total })}</p> : null}
        {result ? (
          <p className="good" data-testid="export-result">
            {t('export.done', { file: result.fileName, n: result.rows })}{' '}
            <button type="button" className="btn btn-small" onClick={() => { call('export:open-folder', { exportId: result.exportId }).then((r) => { if (!r.revealed || transport() === 'web') setFolder(r.path); }).catch((err: unknown) => setError(errorText(err, lang))); }}>{t('export.openFolder')}</button>
          </p>
        ) : null}
        {folder ? <p className="mono">{t('export.folderIs', { path: folder })}</p> : null}
        {error ? <p className="bad" role="alert">{error}</p> : null}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.close')}</button>
          <button type="button" className="btn btn-primary" onClick={() => void run()}>{t('export.run')}</button>
        </div>
      </div>
    </div>
  );
}
