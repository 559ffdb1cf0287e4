// Column mode: verify one field (e.g. IssueId) down many documents. Enter/↓ accepts, typing corrects,
// ↑ goes back, Esc leaves. Uses the current filter and sort; loads one page of 200 rows.
import { useEffect, useRef, useState } from 'react';
import type { DocumentFilter, DocumentRow } from '../../shared/api.ts';
import { FIELD_LABELS } from '../../shared/fields.ts';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { cellTone, percent } from '../format.ts';
import { fieldLabel } from '../i18n.ts';
import type { SortSpec } from './DocumentGrid.tsx';

export function ColumnMode({ filter, sort, onClose }: { filter: DocumentFilter; sort: SortSpec; onClose: () => void }) {
  const { lang, t, settings, toast } = useApp();
  const [field, setField] = useState('IssueId');
  const [rows, setRows] = useState<DocumentRow[]>([]);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [current, setCurrent] = useState(0);
  const inputs = useRef<Map<number, HTMLInputElement>>(new Map());

  useEffect(() => {
    call('documents:list', { offset: 0, limit: 200, sort: sort.length > 0 ? sort : [{ key: `field:${field}`, dir: 'asc' }], filter })
      .then((res) => {
        const withField = res.rows.filter((r) => r.fields[field] !== undefined);
        setRows(withField);
        setDrafts(Object.fromEntries(withField.map((r) => [r.id, r.fields[field]?.v ?? ''])));
        setCurrent(0);
      })
      .catch((err: unknown) => toast('error', errorText(err, lang)));
  }, [field, filter, sort, lang, toast]);

  useEffect(() => { const r = rows[current]; if (r) inputs.current.get(r.id)?.focus(); }, [current, rows]);

  const accept = async (row: DocumentRow) => {
    const draft = drafts[row.id] ?? '';
    const cell = row.fields[field];
    try {
      const d = draft !== (cell?.v ?? '')
        ? await call('documents:set-field', { id: row.id, field, value: draft })
        : await call('documents:accept-field', { id: row.id, field });
      setRows((rs) => rs.map((r) => (r.id === row.id ? d.row : r)));
    } catch (err) {
      toast('error', errorText(err, lang));
    }
  };

  return (
    <div className="screen column-mode" data-testid="column-mode">
      <div className="row">
        <h2>{t('column.title')}</h2>
        <label className="inline">{t('column.field')}
          <select value={field} onChange={(e) => setField(e.target.value)}>
            {Object.keys(FIELD_LABELS).map((f) => <option key={f} value={f}>{fieldLabel(lang, f)}</option>)}
          </select>
        </label>
        <span className="muted">{t('column.hint')}</span>
        <span className="spacer" />
        <button type="button" className="btn" onClick={onClose}>{t('common.close')}</button>
      </div>
      {rows.length === 0 ? <p className="muted">{t('column.empty')}</p> : (
        <table className="table column-table">
          <tbody>
            {rows.map((r, i) => {
              const cell = r.fields[field];
              const tone = cellTone(cell, settings.confidenceThreshold);
              return (
                <tr key={r.id} className={i === current ? 'current' : ''}>
                  <td>{r.caseLabel}</td>
                  <td className="muted">{r.fileName}</td>
                  <td className={tone ? `cell-${tone}` : ''}>
                    <input
                      ref={(el) => { if (el) inputs.current.set(r.id, el); else inputs.current.delete(r.id); }}
                      className="field-input"
                      value={drafts[r.id] ?? ''}
                      onFocus={(e) => { e.currentTarget.select(); setCurrent(i); }}
                      onChange={(e) => setDrafts((d) => ({ ...d, [r.id]: e.target.value }))}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === 'ArrowDown') { e.preventDefault(); void accept(r); setCurrent(Math.min(rows.length - 1, i + 1)); }
                        else if (e.key === 'ArrowUp') { e.preventDefault(); setCurrent(Math.max(0, i - 1)); }
                        else if (e.key === 'Escape') onClose();
                      }}
                    />
                  </td>
                  <td>{percent(cell?.c ?? null)}</td>
                  <td>{cell ? t(`detail.state.${cell.s}`) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
