// The document grid. AG Grid Community: a well-kept, virtualised data grid (column resize/reorder/sort,
// keyboard navigation, tooltips) — rewriting that by hand would be slower and buggier. The Infinite Row
// Model asks for blocks of rows as the clerk scrolls, so sort/filter/search run in SQLite through
// 'documents:list' and we never load everything (100,000 rows stay fast).
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  CellStyleModule, ColumnApiModule, InfiniteRowModelModule, LocaleModule, ModuleRegistry, RowApiModule, RowSelectionModule,
  ScrollApiModule, TooltipModule, ValidationModule, themeQuartz, type ColDef, type GridApi, type GridOptions, type IDatasource, type ITooltipParams } from 'ag-grid-community';
import type { DocumentFilter, DocumentRow } from '../../shared/api.ts';
import type { Language } from '../../shared/types.ts';
import { hiddenInGridByDefault, INN_FIELDS, PASSPORT_FIELDS } from '../../shared/fields.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { takePrefetchedRows } from '../grid-activity.ts';
import { confirmFromGrid } from '../review-actions.ts';
import { cellHoverText, cellTone, formatDateTime, percent, shownFieldValue } from '../format.ts';
import { docTypeLabel, fieldLabel, reviewLabel, statusLabel, translate } from '../i18n.ts';
import { GridHost } from './GridHost.tsx';
import { COLUMN_STATE_KEY, currentSort, forgetColumnState, toSortSpec, type SortSpec } from './grid-layout.ts';

export type { SortSpec } from './grid-layout.ts';

// Only the features the two grids use; sorting, moving, resizing, pinning and overlays are in the core. AllCommunityModule
// is much more script to parse before the first row can paint. ValidationModule names a missing module in the
// console; development builds only.
ModuleRegistry.registerModules([
  InfiniteRowModelModule, ColumnApiModule, CellStyleModule, TooltipModule, RowSelectionModule, RowApiModule,
  ScrollApiModule, LocaleModule, ...(import.meta.env.DEV ? [ValidationModule] : []),
]);

export const gridTheme = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 12,
  headerFontSize: 12,
  rowHeight: 26,
  headerHeight: 30,
  spacing: 4,
  accentColor: '#2563eb',
  borderColor: '#d9dde3',
  headerBackgroundColor: '#f3f5f8',
  oddRowBackgroundColor: '#fafbfc',
  selectedRowBackgroundColor: '#dbeafe',
  wrapperBorderRadius: 0,
});

/** Every recognised field as a column, passport then INN-only ones (shared names share a column). */
export const FIELD_COLUMNS: string[] = [...PASSPORT_FIELDS, ...INN_FIELDS.filter((f) => !(PASSPORT_FIELDS as readonly string[]).includes(f))];

// Stable prop objects: a new object per render would make AG Grid rebuild its columns on every re-render.
/**
 * Grid header of a field. Passport and INN certificate share the grid's columns; where two fields read the same
 * («Печать» on both) the document type is added, so the column chooser never lists two identical names.
 */
export function gridFieldLabel(lang: Language, name: string): string {
  const label = fieldLabel(lang, name);
  const twins = FIELD_COLUMNS.filter((f) => fieldLabel(lang, f) === label);
  if (twins.length < 2) return label;
  const type = (PASSPORT_FIELDS as readonly string[]).includes(name) ? 'PASSPORT' : 'INN';
  return `${label} (${docTypeLabel(lang, type).toLowerCase()})`;
}

/** Whether the filter hides anything (a quick filter other than «Все», a type, folder, date or search). */
export function isNarrowed(f: DocumentFilter): boolean {
  return f.quick !== 'all' || !!f.search || !!f.types?.length || !!f.statuses?.length || !!f.review?.length || f.folderId !== undefined || f.caseId !== undefined || f.dateFrom !== undefined || f.dateTo !== undefined;
}

export const DEFAULT_COL_DEF: ColDef = { sortable: true, resizable: true, suppressHeaderMenuButton: true };
const ROW_SELECTION = { mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true } as const;
export const LOCALE_TEXT = {
  ru: { noRowsToShow: translate('ru', 'grid.empty'), loadingOoo: translate('ru', 'app.loading') },
  en: { noRowsToShow: translate('en', 'grid.empty'), loadingOoo: translate('en', 'app.loading') },
} as const;
export const rowIdOf = (p: { data: { id: number } }) => String(p.data.id);

type GridProps = {
  filter: DocumentFilter;
  refreshTick: number;
  onOpen: (id: number) => void;
  onSelectionChange: (rows: DocumentRow[]) => void;
  onSortChange: (sort: SortSpec) => void;
  focusId: number | null;
};

/** The grid's columns: the fixed ones, then one per recognised field (plain values + CSS classes, see below). */
function gridColumnDefs(lang: Language, threshold: number, mask: boolean): ColDef<DocumentRow>[] {
  const fixed: ColDef<DocumentRow>[] = [
    { colId: 'fileName', headerName: translate(lang, 'grid.file'), field: 'fileName', width: 170, pinned: 'left', tooltipField: 'fileName' },
    // Not sortable: the server sorts by allowlisted columns (review/query.ts SORT_COLUMNS) and a case label is
    // not one of them — an arrow the server ignores would mislead the clerk.
    { colId: 'caseLabel', headerName: translate(lang, 'grid.case'), field: 'caseLabel', width: 170, sortable: false },
    { colId: 'type', headerName: translate(lang, 'grid.type'), width: 90, valueGetter: (p) => (p.data ? docTypeLabel(lang, p.data.type) : '') },
    {
      // Plain text + CSS classes, not React cell renderers: thousands of cells scroll past per second.
      colId: 'status', headerName: translate(lang, 'grid.status'), width: 150,
      valueGetter: (p) => (p.data ? statusLabel(lang, p.data.status) + (p.data.statusReason ? ` — ${p.data.statusReason}` : '') : ''),
      // Waiting / rejected / duplicate rows show their Russian reason inline and on hover.
      tooltipValueGetter: (p: ITooltipParams<DocumentRow>) => p.data?.statusReason ?? undefined,
      cellClass: (p) => (p.data ? `status-${p.data.status}` : undefined),
    },
    {
      colId: 'review', headerName: translate(lang, 'grid.review'), width: 110,
      valueGetter: (p) => (p.data ? reviewLabel(lang, p.data.review) : ''),
      // Only the state class: a bare 'review' would collide with the screen container's CSS.
      cellClass: (p) => (p.data ? `review-${p.data.review}` : undefined),
    },
    {
      colId: 'minConfidence', headerName: translate(lang, 'grid.minConfidence'), width: 90, type: 'rightAligned',
      valueGetter: (p) => (p.data ? percent(p.data.minConfidence) : ''),
      cellClassRules: { 'cell-low': (p) => p.data?.minConfidence != null && p.data.minConfidence < threshold },
    },
    {
      colId: 'errorCount', headerName: translate(lang, 'grid.errors'), width: 80, type: 'rightAligned',
      valueGetter: (p) => (p.data ? (p.data.errorCount + p.data.warningCount > 0 ? `${p.data.errorCount} / ${p.data.warningCount}` : '') : ''),
      cellClassRules: { 'cell-error': (p) => (p.data?.errorCount ?? 0) > 0, 'cell-warning': (p) => (p.data?.errorCount ?? 0) === 0 && (p.data?.warningCount ?? 0) > 0 },
    },
    {
      colId: 'exportedAt', headerName: translate(lang, 'grid.exported'), width: 115,
      valueGetter: (p) => (p.data?.exportedAt != null ? formatDateTime(p.data.exportedAt, lang) : ''),
      cellClass: (p) => (p.data?.exportedAt != null ? 'cell-exported' : undefined),
    },
    { colId: 'createdAt', headerName: translate(lang, 'grid.created'), width: 120, hide: true, valueGetter: (p) => (p.data ? formatDateTime(p.data.createdAt, lang) : '') },
  ];
  const fields: ColDef<DocumentRow>[] = FIELD_COLUMNS.map((name) => ({
    colId: `field:${name}`,
    headerName: gridFieldLabel(lang, name),
    width: name.startsWith('MRZ') ? 260 : name.startsWith('Has') ? 80 : 120,
    hide: hiddenInGridByDefault(name),
    valueGetter: (p) => {
      const v = p.data?.fields[name]?.v ?? '';
      return p.data ? shownFieldValue(name, v, p.data.type, lang, mask) : v;
    },
    // One function per cell (not one rule per class): this runs for every cell scrolled into view.
    cellClass: (p) => {
      const cell = p.data?.fields[name];
      if (!cell) return undefined;
      if (cell.s === 'corrected') return 'cell-corrected';
      const tone = cellTone(cell, threshold);
      return tone ? `cell-${tone}` : undefined;
    },
    tooltipValueGetter: (p: ITooltipParams<DocumentRow>) => cellHoverText(p.data?.fields[name], lang),
  }));
  return [...fixed, ...fields];
}

// memo: the App re-renders on every sort/selection/queue push; the grid only cares about its own props.
export const DocumentGrid = memo(function DocumentGrid({ filter, refreshTick, onOpen, onSelectionChange, onSortChange, focusId }: GridProps) {
  const { lang, t, settings, toast, toastError } = useApp();
  const apiRef = useRef<GridApi<DocumentRow> | null>(null);
  const [chooserOpen, setChooserOpen] = useState(false);
  const [, forceRender] = useState(0);
  const [noMatch, setNoMatch] = useState(false);
  const threshold = settings.confidenceThreshold;
  const mask = settings.maskPassportNumbers;

  const columnDefs = useMemo(() => gridColumnDefs(lang, threshold, mask), [lang, threshold, mask]);

  const datasource = useMemo<IDatasource>(() => ({
    getRows(params) {
      const limit = Math.min(1000, params.endRow - params.startRow);
      const query = { offset: params.startRow, limit, sort: toSortSpec(params.sortModel), filter };
      (takePrefetchedRows(query) ?? call('documents:list', query))
        .then((res) => {
          params.successCallback(res.rows, res.total);
          // An empty page under a filter or search means «nothing matches», not «no documents yet».
          if (res.total === 0 && isNarrowed(filter)) {
            apiRef.current?.hideOverlay();
            setNoMatch(true);
          } else {
            setNoMatch(false);
            if (res.total === 0) apiRef.current?.showNoRowsOverlay();
            else apiRef.current?.hideOverlay();
          }
        })
        .catch((err: unknown) => {
          params.failCallback();
          toastError(err);
        });
    },
  }), [filter, lang, toastError]);

  // Coming back from the detail panel: keep the opened row in view and focused.
  useEffect(() => {
    const api = apiRef.current;
    if (!api || focusId === null) return;
    const node = api.getRowNode(String(focusId));
    if (node && node.rowIndex !== null) {
      api.ensureIndexVisible(node.rowIndex);
      api.setFocusedCell(node.rowIndex, 'fileName');
    }
  }, [focusId]);

  const onGridReady = useCallback((gridApi: GridApi<DocumentRow>) => {
    apiRef.current = gridApi;
    onSortChange(currentSort(gridApi));
    forceRender((n) => n + 1);
  }, []);

  const gridOptions: GridOptions<DocumentRow> = {
    theme: gridTheme,
    columnDefs,
    defaultColDef: DEFAULT_COL_DEF,
    rowModelType: 'infinite',
    animateRows: false,
    cacheBlockSize: 100,
    maxBlocksInCache: 40,
    // 5 rows drawn beyond each edge instead of 10: fewer rows to build when a block arrives and per scrolled
    // frame (grid bench: scroll p95 50 → 33 ms, first render 2.06 → 1.75 s).
    rowBuffer: 5,
    getRowId: rowIdOf,
    rowSelection: ROW_SELECTION,
    tooltipShowDelay: 300,
    localeText: LOCALE_TEXT[lang],
    onRowDoubleClicked: (e) => { if (e.data) onOpen(e.data.id); },
    onCellKeyDown: (e) => {
      const ev = e.event as KeyboardEvent | null | undefined;
      if (ev?.key !== 'Enter' || !e.data) return;
      const id = e.data.id;
      if (!ev.ctrlKey && !ev.metaKey) {
        onOpen(id);
        return;
      }
      // Ctrl+Enter: a clean document is confirmed in this one keystroke and the focus moves down; else it opens.
      const { rowIndex } = e;
      const colId = 'column' in e ? e.column.getColId() : 'fileName';
      confirmFromGrid(id, { lang, settings, toast })
        .then((r) => {
          if (r === 'open') onOpen(id);
          else if (r === 'confirmed' && rowIndex !== null) e.api.setFocusedCell(rowIndex + 1, colId);
        })
        .catch((err: unknown) => toastError(err));
    },
    onSelectionChanged: (e) => onSelectionChange(e.api.getSelectedRows()),
    onSortChanged: (e) => onSortChange(currentSort(e.api)),
  };

  const api = apiRef.current;
  return (
    <div className="grid-wrap" data-testid="document-grid">
      <div className="grid-tools">
        <button type="button" className="btn btn-small" onClick={() => setChooserOpen((v) => !v)} aria-expanded={chooserOpen} data-testid="column-chooser-toggle">{t('grid.columns')} ▾</button>
        {chooserOpen && api ? (
          <div className="column-chooser" role="dialog" aria-label={t('grid.columns')}>
            {api.getColumns()?.map((col) => (
              <label key={col.getColId()} className="check">
                <input type="checkbox" checked={col.isVisible()} onChange={(ev) => { api.setColumnsVisible([col], ev.target.checked); forceRender((n) => n + 1); }} />
                {col.getColDef().headerName}
              </label>
            ))}
            <button type="button" className="btn btn-small" onClick={() => { api.resetColumnState(); forgetColumnState(COLUMN_STATE_KEY); forceRender((n) => n + 1); }}>{t('grid.resetColumns')}</button>
          </div>
        ) : null}
      </div>
      {noMatch ? <div className="grid-no-match" role="status" data-testid="grid-no-match">{t('grid.noMatch')}</div> : null}
      {/* localeText is initial-only: a language switch remounts the grid (layout and sort are restored from storage). */}
      <GridHost<DocumentRow> key={lang} options={gridOptions} datasource={datasource} layoutKey={COLUMN_STATE_KEY} refreshTick={refreshTick} onReady={onGridReady} />
    </div>
  );
});
