// Export dialog: format, scope, only verified, rows without data, template, header language → 'export:run' with
// progress. Before the run it shows what the export will hold (export:preview): how many documents, how many of the
// scope are left out for having no data, and — for CSV — that identifiers with a leading zero lose it when a
// spreadsheet opens the file by double-click, with a one-click switch to XLSX.
// The column editor chooses and orders a template's columns and saves them as the clerk's own named template
// (export:save-template); own templates can be changed or deleted, built-ins (default, 1C) are read-only.
// An export always runs a saved template, so the file, the CLI (--template) and the export log agree on what was used.
import { useEffect, useState } from 'react';
import type { DocumentFilter, ExportPreview, ExportScope, ExportTemplate } from '../../shared/api.ts';
import { CSV_PRESETS, EXPORT_FORMATS } from '../../shared/types.ts';
import { COLUMN_GROUPS, columnLabel, isCaseColumn } from '../../shared/export-columns.ts';
import { call, errorText, onEvent, transport } from '../api.ts';
import { useApp } from '../app-context.ts';
import { fieldLabel, templateLabel } from '../i18n.ts';

type Props = { filter: DocumentFilter; selection: number[]; caseId: number | null; onClose: () => void };
type Columns = ExportTemplate['columns'];

const sameColumns = (a: Columns, b: Columns) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The scope the dialog opens with: the grid's current filter, unless several rows were selected on purpose. A single
 * row is selected by merely clicking it, which says nothing about what to export.
 */
export function initialScopeKind(selection: readonly number[]): ExportScope['kind'] {
  return selection.length > 1 ? 'selection' : 'filter';
}

function PreviewNote({ preview, csv, includeUnrecognised, onXlsx }: { preview: ExportPreview | null; csv: boolean; includeUnrecognised: boolean; onXlsx: () => void }) {
  const { lang, t } = useApp();
  if (!preview) return null;
  const zero = preview.leadingZero;
  return (
    <div data-testid="export-preview">
      <p className="muted">
        {t('export.previewCount', { n: preview.documents })}
        {!includeUnrecognised && preview.withoutData > 0 ? <><br />{t('export.withoutData', { n: preview.withoutData })}</> : null}
      </p>
      {csv && zero ? (
        <p className="export-warning" role="alert" data-testid="export-leading-zeros">
          {t('export.leadingZeros', { field: fieldLabel(lang, zero.field), value: zero.value, stripped: zero.value.replace(/^0+(?=\d)/, '') })}{' '}
          <button type="button" className="btn btn-small" onClick={onXlsx}>{t('export.switchToXlsx')}</button>
        </p>
      ) : null}
    </div>
  );
}

function ColumnEditor({ template, onSaved, onDeleted, onDirty }: {
  template: ExportTemplate;
  onSaved: (t: ExportTemplate) => void;
  onDeleted: () => void;
  onDirty: (dirty: boolean) => void;
}) {
  const { lang, t, toast, toastError } = useApp();
  const [columns, setColumns] = useState<Columns>(template.columns);
  const [adding, setAdding] = useState('');
  const [name, setName] = useState('');
  useEffect(() => { setColumns(template.columns); setName(''); }, [template]);
  const dirty = !sameColumns(columns, template.columns);
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const move = (i: number, by: -1 | 1) => {
    const next = [...columns];
    const [c] = next.splice(i, 1);
    next.splice(i + by, 0, c!);
    setColumns(next);
  };
  const used = new Set(columns.map((c) => c.key));
  const save = async (asNew: boolean) => {
    try {
      const saved = await call('export:save-template', {
        id: asNew ? `own-${Date.now().toString(36)}` : template.id,
        name: asNew ? name.trim() : template.name,
        columns,
      });
      toast('info', t('export.templateSaved', { name: saved.name }));
      onSaved(saved);
    } catch (err) {
      toastError(err);
    }
  };
  const remove = async () => {
    try {
      await call('export:delete-template', { id: template.id });
      toast('info', t('export.templateDeleted', { name: template.name }));
      onDeleted();
    } catch (err) {
      toastError(err);
    }
  };
  return (
    <details className="column-editor" data-testid="column-editor">
      <summary>{t('export.columnsCustomise', { n: columns.length })}</summary>
      <ol className="column-list" data-testid="column-list">
        {columns.map((c, i) => (
          <li key={c.key} data-key={c.key}>
            <span className="grow">{c.header ?? columnLabel(c.key, lang)}</span>
            <button type="button" className="btn btn-small" aria-label={t('export.columnUp')} title={t('export.columnUp')} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
            <button type="button" className="btn btn-small" aria-label={t('export.columnDown')} title={t('export.columnDown')} disabled={i === columns.length - 1} onClick={() => move(i, 1)}>↓</button>
            <button type="button" className="btn btn-small btn-danger" aria-label={t('export.columnRemove')} title={t('export.columnRemove')} onClick={() => setColumns(columns.filter((_, j) => j !== i))}>×</button>
          </li>
        ))}
      </ol>
      {columns.length === 0 ? <p className="bad">{t('export.noColumns')}</p> : null}
      <div className="row">
        <select className="grow" value={adding} onChange={(e) => setAdding(e.target.value)} aria-label={t('export.columnAdd')} data-testid="column-add">
          <option value="">{t('export.columnAdd')}…</option>
          {COLUMN_GROUPS.map((g) => (
            <optgroup key={g.id} label={t(`export.group.${g.id}`)}>
              {g.keys.filter((k) => !used.has(k)).map((k) => <option key={k} value={k}>{columnLabel(k, lang)}</option>)}
            </optgroup>
          ))}
        </select>
        <button type="button" className="btn" disabled={!adding} onClick={() => { setColumns([...columns, { key: adding }]); setAdding(''); }}>{t('common.add')}</button>
      </div>
      {columns.some((c) => isCaseColumn(c.key)) ? <p className="muted">{t('export.perCase')}</p> : null}
      {template.builtIn ? <p className="muted">{t('export.builtInReadOnly')}</p> : null}
      <div className="row">
        <input className="grow" placeholder={t('export.templateName')} aria-label={t('export.templateName')} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="template-name" />
        <button type="button" className="btn" disabled={!name.trim() || columns.length === 0} onClick={() => void save(true)}>{t('export.saveTemplate')}</button>
      </div>
      {template.builtIn ? null : (
        <div className="row">
          <button type="button" className="btn" disabled={!dirty || columns.length === 0} onClick={() => void save(false)}>{t('export.updateTemplate')}</button>
          <button type="button" className="btn btn-danger" onClick={() => void remove()}>{t('export.deleteTemplate')}</button>
        </div>
      )}
    </details>
  );
}

export function ExportDialog({ filter, selection, caseId, onClose }: Props) {
  const { lang, t } = useApp();
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('xlsx');
  const [preset, setPreset] = useState<(typeof CSV_PRESETS)[number]>('excel-ru');
  const [scopeKind, setScopeKind] = useState<ExportScope['kind']>(initialScopeKind(selection));
  const [onlyVerified, setOnlyVerified] = useState(false);
  const [includeUnrecognised, setIncludeUnrecognised] = useState(false);
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [templates, setTemplates] = useState<ExportTemplate[]>([]);
  const [templateId, setTemplateId] = useState('default');
  const [columnsDirty, setColumnsDirty] = useState(false);
  const [headerLanguage, setHeaderLanguage] = useState(lang);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<{ exportId: number; fileName: string; rows: number } | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadTemplates = (select?: string) => {
    call('export:templates', {})
      .then((list) => { setTemplates(list); if (select) setTemplateId(select); })
      .catch((err: unknown) => setError(errorText(err, lang)));
  };
  useEffect(() => loadTemplates(), [lang]);
  useEffect(() => onEvent('export:progress', (p) => { setProgress({ done: p.done, total: p.total }); if (p.error) setError(p.error); }), []);
  const template = templates.find((tp) => tp.id === templateId);
  // JSON has no columns (every field is written), so unsaved column edits only hold back spreadsheet formats.
  const spreadsheet = format === 'xlsx' || format === 'csv';
  const blocked = spreadsheet && columnsDirty;

  const scope = (): ExportScope => {
    switch (scopeKind) {
      case 'all': return { kind: 'all' };
      case 'filter': return { kind: 'filter', filter };
      case 'selection': return { kind: 'selection', ids: selection };
      case 'case': return caseId !== null ? { kind: 'case', caseId } : { kind: 'all' };
    }
  };
  const scopeKey = JSON.stringify(scope());
  useEffect(() => {
    let live = true;
    call('export:preview', { scope: JSON.parse(scopeKey) as ExportScope, onlyVerified, includeUnrecognised, templateId })
      .then((p) => { if (live) setPreview(p); })
      .catch((err: unknown) => { if (live) { setPreview(null); setError(errorText(err, lang)); } });
    return () => { live = false; };
  }, [scopeKey, onlyVerified, includeUnrecognised, templateId, lang]);
  const run = async () => {
    setError(null); setResult(null); setProgress({ done: 0, total: 0 });
    try {
      setResult(await call('export:run', { format, csvPreset: preset, scope: scope(), onlyVerified, includeUnrecognised, templateId, headerLanguage }));
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
            <select value={templateId} onChange={(e) => setTemplateId(e.target.value)} data-testid="export-template">
              {templates.map((tp) => <option key={tp.id} value={tp.id}>{templateLabel(lang, tp)}</option>)}
            </select>
          </label>
          <label>{t('export.headerLanguage')}
            <select value={headerLanguage} onChange={(e) => setHeaderLanguage(e.target.value as typeof headerLanguage)}>
              <option value="ru">{t('lang.ru')}</option><option value="en">{t('lang.en')}</option>
            </select>
          </label>
          <label className="check"><input type="checkbox" checked={onlyVerified} onChange={(e) => setOnlyVerified(e.target.checked)} />{t('export.onlyVerified')}</label>
          <label className="check"><input type="checkbox" checked={includeUnrecognised} onChange={(e) => setIncludeUnrecognised(e.target.checked)} data-testid="export-include-unrecognised" />{t('export.includeUnrecognised')}</label>
        </div>
        <PreviewNote preview={preview} csv={format === 'csv'} includeUnrecognised={includeUnrecognised} onXlsx={() => setFormat('xlsx')} />
        {!spreadsheet || !template ? null : (
          <ColumnEditor template={template} onDirty={setColumnsDirty} onSaved={(saved) => loadTemplates(saved.id)} onDeleted={() => loadTemplates('default')} />
        )}
        {progress && !result ? <p>{t('export.progress', { done: progress.done, total: progress.total })}</p> : null}
        {result ? (
          <p className="good" data-testid="export-result">
            {t('export.done', { file: result.fileName, n: result.rows })}{' '}
            <button type="button" className="btn btn-small" onClick={() => { call('export:open-folder', { exportId: result.exportId }).then((r) => { if (!r.revealed || transport() === 'web') setFolder(r.path); }).catch((err: unknown) => setError(errorText(err, lang))); }}>{t('export.openFolder')}</button>
          </p>
        ) : null}
        {folder ? <p className="mono">{t('export.folderIs', { path: folder })}</p> : null}
        {error ? <p className="bad" role="alert">{error}</p> : null}
        {blocked ? <p className="muted" data-testid="export-unsaved">{t('export.unsaved')}</p> : null}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.close')}</button>
          <button type="button" className="btn btn-primary" disabled={blocked} onClick={() => void run()}>{t('export.run')}</button>
        </div>
      </div>
    </div>
  );
}
