// Remembered grid layout (widths, order, visibility, sort) per grid in localStorage, and the sort as the
// contract's SortSpec. Shared by the document grid and the case grid so both remember the same way.
import type { ColumnState, GridApi, SortModelItem } from 'ag-grid-community';
import type { ListQuery } from '../../shared/api.ts';

export type SortSpec = ListQuery['sort'];

export const COLUMN_STATE_KEY = 'scandesk.grid.columns.v1';
/** The document grid's first request when the app opens (the review screen with every document). Here, not in
 *  DocumentGrid.tsx, so the entry point (main.tsx) can send it without loading AG Grid first. */
export function initialRowsQuery() {
  return { offset: 0, limit: 100, sort: savedSort(COLUMN_STATE_KEY), filter: { quick: 'all' as const } };
}

export function toSortSpec(model: SortModelItem[]): SortSpec {
  return model.slice(0, 3).map((m) => ({ key: m.colId, dir: m.sort }));
}

/** The grid's current sort, in sort-index order. */
export function currentSort(api: GridApi): SortSpec {
  const sorted = api.getColumnState().filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0));
  return toSortSpec(sorted.map((c) => ({ colId: c.colId, sort: c.sort as 'asc' | 'desc' })));
}

function loadColumnState(key: string): ColumnState[] | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as ColumnState[]) : null;
  } catch {
    return null;
  }
}

/** The sort a saved layout holds (what currentSort() gives once it is restored, if its columns still sort). */
export function savedSort(key: string): SortSpec {
  const sorted = (loadColumnState(key) ?? []).filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0));
  return toSortSpec(sorted.map((c) => ({ colId: c.colId, sort: c.sort as 'asc' | 'desc' })));
}

export function saveColumnState(key: string, api: GridApi): void {
  try {
    localStorage.setItem(key, JSON.stringify(api.getColumnState()));
  } catch {
    /* storage full or disabled: the layout simply is not remembered */
  }
}

export function forgetColumnState(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* nothing to forget */
  }
}

/**
 * Applies the saved layout. A saved layout may predate the current columns: a sort on a column that is not
 * (or no longer) sortable would go to the server, be ignored there, and show an arrow that lies — drop it.
 */
export function restoreColumnState(key: string, api: GridApi): void {
  const saved = loadColumnState(key);
  if (!saved) return;
  const sortable = new Set((api.getColumns() ?? []).filter((c) => c.isSortable()).map((c) => c.getColId()));
  const state = saved.map((c) => (c.sort && !sortable.has(c.colId) ? { ...c, sort: null, sortIndex: null } : c));
  api.applyColumnState({ state, applyOrder: true });
}
