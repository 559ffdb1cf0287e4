// Column mode: verify one field (e.g. IssueId) down many documents, with the current document's scan
// beside the list. Enter/↓ accepts (typing corrects first), ↑ goes back, PgDn/PgUp change page, Esc leaves.
// Pages of PAGE_SIZE rows come from SQLite in the grid's filter and sort, narrowed to the document types that
// have the field and (by default) to documents not yet verified — so "next page" reaches every document.
import { useEffect, useRef, useState } from 'react';
import type { DocumentDetail, DocumentFilter, DocumentRow } from '../../shared/api.ts';
import { FIELD_LABELS } from '../../shared/fields.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { cellTone, percent } from '../format.ts';
import { fieldLabel } from '../i18n.ts';
import { columnFilter } from '../review-logic.ts';
import type { SortSpec } from './DocumentGrid.tsx';
import { ScanViewer } from './ScanViewer.tsx';

export const COLUMN_PAGE_SIZE = 100;

type Props = { filter: DocumentFilter; sort: SortSpec; onClose: () => void };
type Page = { offset: number; rows: DocumentRow[]; total: number; focus: 'first' | 'last' };

export function ColumnMode({ filter, sort, onClose }: Props) {
  const { lang, t, settings, toastError } = useApp();
  const [field, setField] = useState('IssueId');
  const [skipVerified, setSkipVerified] = useState(true);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [current, setCurrent] = useState(0);
  const focusAfterLoad = useRef<'first' | 'last'>('first');
  const inputs = useRef<Map<number, HTMLInputElement>>(new Map());

  // A new field, filter or option starts again from the first page.
  useEffect(() => { setOffset(0); focusAfterLoad.current = 'first'; }, [field, filter, sort, skipVerified]);

  useEffect(() => {
    const narrowed = columnFilter(filter, field, skipVerified);
    if (!narrowed) {
      setPage({ offset: 0, rows: [], total: 0, focus: 'first' });
      return;
    }
    let cancelled = false;
    const order = sort.length > 0 ? sort : [{ key: `field:${field}`, dir: 'asc' as const }];
    call('documents:list', { offset, limit: COLUMN_PAGE_SIZE, sort: order, filter: narrowed })
      .then((res) => {
        if (cancelled) return;
        const focus = focusAfterLoad.current;
        setPage({ offset, rows: res.rows, total: res.total, focus });
        setDrafts(Object.fromEntries(res.rows.map((r) => [r.id, r.fields[field]?.v ?? ''])));
        setCurrent(focus === 'last' ? Math.max(0, res.rows.length - 1) : 0);
      })
      .catch((err: unknown) => { if (!cancelled) toastError(err); });
    return () => { cancelled = true; };
  }, [field, filter, sort, skipVerified, offset, lang, toastError]);

  const rows = page?.rows ?? [];
  const total = page?.total ?? 0;
  // The range names the rows on screen: while the next page loads it still says which ones these are.
  const shownFrom = page?.offset ?? 0;
  const currentRow = rows[current];
  useEffect(() => { if (currentRow) inputs.current.get(currentRow.id)?.focus(); }, [currentRow]);

  const goPage = (delta: 1 | -1, focus: 'first' | 'last') => {
    const next = offset + delta * COLUMN_PAGE_SIZE;
    if (next < 0 || next >= total) return false;
    focusAfterLoad.current = focus;
    setOffset(next);
    return true;
  };
  const move = (delta: 1 | -1) => {
    const target = current + delta;
    if (target >= 0 && target < rows.length) setCurrent(target);
    else goPage(delta, delta > 0 ? 'first' : 'last');
  };

  const accept = async (row: DocumentRow) => {
    const draft = drafts[row.id] ?? '';
    const cell = row.fields[field];
    try {
      const d = draft !== (cell?.v ?? '')
        ? await call('documents:set-field', { id: row.id, field, value: draft })
        : await call('documents:accept-field', { id: row.id, field });
      setPage((p) => (p ? { ...p, rows: p.rows.map((r) => (r.id === row.id ? d.row : r)) } : p));
    } catch (err) {
      toastError(err);
    }
  };

  return (
    <div className="screen column-mode" data-testid="column-mode">
      <div className="row">
        <h2>{t('column.title')}</h2>
        <label className="inline">{t('column.field')}
          <select value={field} onChange={(e) => setField(e.target.value)} data-testid="column-field">
            {Object.keys(FIELD_LABELS).map((f) => <option key={f} value={f}>{fieldLabel(lang, f)}</option>)}
          </select>
        </label>
        <label className="check small"><input type="checkbox" checked={skipVerified} onChange={(e) => setSkipVerified(e.target.checked)} data-testid="column-skip-verified" />{t('column.skipVerified')}</label>
        <span className="muted">{t('column.hint')}</span>
        <span className="spacer" />
        <button type="button" className="btn" onClick={onClose}>{t('common.close')}</button>
      </div>
      {rows.length === 0 ? <p className="muted">{t('column.empty')}</p> : (
        <div className="column-mode-body">
          <div className="column-mode-list">
            <div className="row column-pager">
              <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => goPage(-1, 'first')}>{t('column.prev')}</button>
              <span data-testid="column-range">{t('column.range', { from: shownFrom + 1, to: shownFrom + rows.length, total })}</span>
              <button type="button" className="btn btn-small" disabled={offset + rows.length >= total} onClick={() => goPage(1, 'first')} data-testid="column-next">{t('column.next')}</button>
            </div>
            <table className="table column-table">
              <tbody>
                {rows.map((r, i) => {
                  const cell = r.fields[field];
                  const tone = cellTone(cell, settings.confidenceThreshold);
                  return (
                    <tr key={r.id} className={i === current ? 'current' : ''} data-document-id={r.id}>
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
                            let handled = true;
                            if (e.key === 'Enter' || e.key === 'ArrowDown') { void accept(r); move(1); }
                            else if (e.key === 'ArrowUp') move(-1);
                            else if (e.key === 'PageDown') goPage(1, 'first');
                            else if (e.key === 'PageUp') goPage(-1, 'first');
                            else if (e.key === 'Escape') onClose();
                            else handled = false;
                            if (handled) e.preventDefault();
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
          </div>
          {currentRow ? <ColumnScan documentId={currentRow.id} /> : null}
        </div>
      )}
    </div>
  );
}

/** The current document's whole scan (PDF pages and TIFF included, via the detail's image info). */
function ColumnScan({ documentId }: { documentId: number }) {
  const { t } = useApp();
  const [image, setImage] = useState<DocumentDetail['image'] | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    setImage(undefined);
    call('documents:get', { id: documentId })
      .then((d) => { if (!cancelled) setImage(d.image); })
      .catch(() => { if (!cancelled) setImage(null); });
    return () => { cancelled = true; };
  }, [documentId]);
  return (
    <div className="column-scan" data-testid="column-scan" data-document-id={documentId} aria-label={t('column.scan')}>
      {image === undefined ? <div className="viewer viewer-empty">{t('app.loading')}</div>
        : image ? <ScanViewer documentId={documentId} mime={image.mime} pages={image.pages} />
          : <div className="viewer viewer-empty">{t('detail.noImage')}</div>}
    </div>
  );
}
