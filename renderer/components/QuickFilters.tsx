// Quick filters with counts ('documents:counts'), type / folder pickers with counts ('documents:facets'),
// date pickers and free-text search. Everything is a DocumentFilter the engine turns into SQL: the grid
// never filters in the browser.
import { useEffect, useState, type ReactNode } from 'react';
import { whenGridIdle } from '../grid-activity.ts';
import type { DocumentFilter, FacetCounts } from '../../shared/api.ts';
import { QUICK_FILTERS, type QuickFilter } from '../../shared/types.ts';
import type { Folder } from '../../shared/settings.ts';
import { DOC_TYPES, type DocType } from '../../shared/types.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { DateField } from './DateField.tsx';
import { docTypeLabel, quickFilterLabel } from '../i18n.ts';

type Props = {
  filter: DocumentFilter;
  onChange: (f: DocumentFilter) => void;
  refreshTick: number;
  folders: Folder[];
  /** The toolbar's actions, on the filter controls' row (right-aligned). */
  children?: ReactNode;
};

/**
 * Counting 100k rows per filter takes up to a few hundred ms and the engine answers one request at a time: the
 * counts wait until the grid has its rows (grid-activity.ts), and a short delay makes rapid filter clicks cost
 * one count, not one per click.
 */
const COUNTS_DELAY_MS = 300;

export function QuickFilters({ filter, onChange, refreshTick, folders, children }: Props) {
  const { lang, t, toastError } = useApp();
  const [counts, setCounts] = useState<Record<QuickFilter, number> | null>(null);
  const [facets, setFacets] = useState<FacetCounts | null>(null);
  const [search, setSearch] = useState(filter.search ?? '');

  // Counts for the other criteria (type, folder, dates, search) — each button shows what clicking it gives.
  const { quick: _quick, ...rest } = filter;
  const restKey = JSON.stringify(rest);
  useEffect(() => {
    let cancelled = false;
    const h = window.setTimeout(() => {
      whenGridIdle()
        .then(() => (cancelled ? null : call('documents:counts', { filter: { ...(JSON.parse(restKey) as Omit<DocumentFilter, 'quick'>), quick: 'all' } })))
        .then((c) => { if (c && !cancelled) setCounts(c); })
        .catch((err: unknown) => { if (!cancelled) toastError(err); });
    }, COUNTS_DELAY_MS);
    return () => { cancelled = true; window.clearTimeout(h); };
  }, [restKey, refreshTick, lang, toastError]);

  // Picker counts depend on the whole filter (quick filter too): "Паспорт (120)" is what choosing it shows.
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    let cancelled = false;
    const h = window.setTimeout(() => {
      whenGridIdle()
        .then(() => (cancelled ? null : call('documents:facets', { filter: JSON.parse(filterKey) as DocumentFilter })))
        .then((f) => { if (f && !cancelled) setFacets(f); })
        .catch((err: unknown) => { if (!cancelled) toastError(err); });
    }, COUNTS_DELAY_MS);
    return () => { cancelled = true; window.clearTimeout(h); };
  }, [filterKey, refreshTick, lang, toastError]);
  const withCount = (label: string, n: number | undefined) => (n === undefined ? label : `${label} (${n})`);

  // Search is debounced: one query per pause in typing, not per keystroke.
  useEffect(() => {
    if ((filter.search ?? '') === search) return;
    const h = window.setTimeout(() => onChange({ ...filter, search: search.trim() ? search.trim() : undefined }), 250);
    return () => window.clearTimeout(h);
  }, [search, filter, onChange]);

  return (
    <div className="quick-filters" data-testid="quick-filters">
      <div className="chips" role="radiogroup" aria-label={t('filter.all')}>
        {QUICK_FILTERS.map((q) => (
          <button
            key={q}
            type="button"
            role="radio"
            aria-checked={filter.quick === q}
            className={`chip chip-${q}${filter.quick === q ? ' chip-active' : ''}`}
            data-filter={q}
            onClick={() => onChange({ ...filter, quick: q })}
          >
            {quickFilterLabel(lang, q)}
            <span className="chip-count" data-testid={`count-${q}`}>{counts ? counts[q] : '…'}</span>
          </button>
        ))}
      </div>
      <div className="toolbar-row">
      <div className="filter-row">
        <input
          type="search"
          className="search"
          placeholder={t('filter.search')}
          aria-label={t('filter.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="search"
        />
        <select
          aria-label={t('filter.type')}
          value={filter.types?.[0] ?? ''}
          onChange={(e) => onChange({ ...filter, types: e.target.value ? [e.target.value as DocType] : undefined })}
          data-testid="filter-type"
        >
          <option value="">{t('filter.anyType')}</option>
          {DOC_TYPES.map((d) => <option key={d} value={d}>{withCount(docTypeLabel(lang, d), facets?.types[d])}</option>)}
        </select>
        <select
          aria-label={t('filter.folder')}
          data-testid="filter-folder"
          value={filter.folderId ?? ''}
          onChange={(e) => onChange({ ...filter, folderId: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">{t('filter.anyFolder')}</option>
          {folders.map((f) => <option key={f.id} value={f.id}>{withCount(f.path, facets ? (facets.folders.find((x) => x.folderId === f.id)?.count ?? 0) : undefined)}</option>)}
        </select>
        <label className="inline">{t('filter.dateFrom')}
          <DateField valueMs={filter.dateFrom} endOfDay={false} onChange={(ms) => onChange({ ...filter, dateFrom: ms })} testId="date-from" />
        </label>
        <label className="inline">{t('filter.dateTo')}
          <DateField valueMs={filter.dateTo} endOfDay onChange={(ms) => onChange({ ...filter, dateTo: ms })} testId="date-to" />
        </label>
      </div>
      {children}
      </div>
    </div>
  );
}
