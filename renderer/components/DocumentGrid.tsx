// The document grid. AG Grid Community: a well-kept, virtualised data grid (column resize/reorder/sort,
// keyboard navigation, tooltips) — rewriting that by hand would be slower and buggier. The Infinite Row
// Model asks for blocks of rows as the clerk scrolls, so sort/filter/search run in SQLite through
// 'documents:list' and we never load everything (100,000 rows stay fast).
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AllCommunityModule, ModuleRegistry, themeQuartz, type ColDef, type ColumnState, type GridApi, type GridReadyEvent, type IDatasource, type ITooltipParams, type ICellRendererParams, type SortModelItem } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import type { CaseRow, DocumentFilter, DocumentRow, ListQuery } from '../../shared/api.ts';
import { INN_FIELDS, PASSPORT_FIELDS } from '../../shared/fields.ts';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { cellTone, formatDateTime, formatScore, maskValue, MASKED_FIELDS, percent } from '../format.ts';
import { docTypeLabel, fieldLabel, reviewLabel, statusLabel, translate } from '../i18n.ts';

ModuleRegistry.registerModules([AllCommunityModule]);

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
const DEFAULT_COL_DEF: ColDef = { sortable: true, resizable: true, suppressHeaderMenuButton: true };
const ROW_SELECTION = { mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true } as const;
const LOCALE_TEXT = {
  ru: { noRowsToShow: translate('ru', 'grid.empty'), loadingOoo: translate('ru', 'app.loading') },
  en: { noRowsToShow: translate('en', 'grid.empty'), loadingOoo: translate('en', 'app.loading') },
} as const;
const rowIdOf = (p: { data: { id: number } }) => String(p.data.id);

const COLUMN_STATE_KEY = 'scandesk.grid.columns.v1';
const CASE_COLUMN_STATE_KEY = 'scandesk.cases.columns.v1';

export type SortSpec = ListQuery['sort'];

export function toSortSpec(model: SortModelItem[]): SortSpec {
  return model.slice(0, 3).map((m) => ({ key: m.colId, dir: m.sort }));
}

type GridProps = {
  filter: DocumentFilter;
  refreshTick: number;
  onOpen: (id: number) => void;
  onSelectionChange: (rows: DocumentRow[]) => void;
  onSortChange: (sort: SortSpec) => void;
  focusId: number | null;
};

function loadColumnState(key: string): ColumnState[] | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as ColumnState[]) : null;
  } catch {
    return null;
  }
}

// memo: the App re-renders on every sort/selection/queue push; the grid only cares about its own props.
export const DocumentGrid = memo(function DocumentGrid({ filter, refreshTick, onOpen, onSelectionChange, onSortChange, focusId }: GridProps) {
  const { lang, t, settings, toast } = useApp();
  const apiRef = useRef<GridApi<DocumentRow> | null>(null);
  const [chooserOpen, setChooserOpen] = useState(false);
  const [, forceRender] = useState(0);
  const threshold = settings.confidenceThreshold;
  const mask = settings.maskPassportNumbers;

  const columnDefs = useMemo<ColDef<DocumentRow>[]>(() => {
    const fixed: ColDef<DocumentRow>[] = [
      { colId: 'fileName', headerName: translate(lang, 'grid.file'), field: 'fileName', width: 170, pinned: 'left', tooltipField: 'fileName' },
      { colId: 'caseLabel', headerName: translate(lang, 'grid.case'), field: 'caseLabel', width: 170 },
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
      { colId: 'createdAt', headerName: translate(lang, 'grid.created'), width: 120, hide: true, valueGetter: (p) => (p.data ? formatDateTime(p.data.createdAt, lang) : '') },
    ];
    const fields: ColDef<DocumentRow>[] = FIELD_COLUMNS.map((name) => ({
      colId: `field:${name}`,
      headerName: fieldLabel(lang, name),
      width: name.startsWith('MRZ') ? 260 : name.startsWith('Has') ? 80 : 120,
      hide: name.startsWith('Has') || name === 'Address' || name === 'BirthPlace' || name.startsWith('MRZ') || ['OGRN', 'KPP', 'RegDate', 'RegPlace', 'OrgName'].includes(name),
      valueGetter: (p) => {
        const v = p.data?.fields[name]?.v ?? '';
        return mask && MASKED_FIELDS.has(name) && v ? maskValue(v) : v;
      },
      // One function per cell (not one rule per class): this runs for every cell scrolled into view.
      cellClass: (p) => {
        const cell = p.data?.fields[name];
        if (!cell) return undefined;
        if (cell.s === 'corrected') return 'cell-corrected';
        const tone = cellTone(cell, threshold);
        return tone ? `cell-${tone}` : undefined;
      },
      tooltipValueGetter: (p: ITooltipParams<DocumentRow>) => {
        const cell = p.data?.fields[name];
        if (!cell) return undefined;
        const parts = [cell.c === null ? null : translate(lang, 'grid.confidence', { n: Math.floor(cell.c * 100) })];
        if (cell.f === 'error') parts.push(translate(lang, 'grid.findingError'));
        if (cell.f === 'warning') parts.push(translate(lang, 'grid.findingWarning'));
        return parts.filter(Boolean).join(' · ') || undefined;
      },
    }));
    return [...fixed, ...fields];
  }, [lang, threshold, mask]);

  const datasource = useMemo<IDatasource>(() => ({
    getRows(params) {
      const limit = Math.min(1000, params.endRow - params.startRow);
      call('documents:list', { offset: params.startRow, limit, sort: toSortSpec(params.sortModel), filter })
        .then((res) => {
          params.successCallback(res.rows, res.total);
          if (res.total === 0) apiRef.current?.showNoRowsOverlay();
          else apiRef.current?.hideOverlay();
        })
        .catch((err: unknown) => {
          params.failCallback();
          toast('error', errorText(err, lang));
        });
    },
  }), [filter, lang, toast]);

  useEffect(() => {
    apiRef.current?.setGridOption('datasource', datasource);
  }, [datasource]);

  // Pushed changes: re-query the blocks in view without losing the scroll position.
  const firstTick = useRef(true);
  useEffect(() => {
    if (firstTick.current) {
      firstTick.current = false;
      return;
    }
    apiRef.current?.refreshInfiniteCache();
  }, [refreshTick]);

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

  const saveColumns = useCallback(() => {
    const api = apiRef.current;
    if (!api) return;
    try {
      localStorage.setItem(COLUMN_STATE_KEY, JSON.stringify(api.getColumnState()));
    } catch {
      /* storage full or disabled: layout simply is not remembered */
    }
  }, []);

  const onGridReady = useCallback((e: GridReadyEvent<DocumentRow>) => {
    apiRef.current = e.api;
    const saved = loadColumnState(COLUMN_STATE_KEY);
    if (saved) e.api.applyColumnState({ state: saved, applyOrder: true });
    onSortChange(toSortSpec(e.api.getColumnState().filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0)).map((c) => ({ colId: c.colId, sort: c.sort as 'asc' | 'desc' }))));
    e.api.setGridOption('datasource', datasource);
    forceRender((n) => n + 1);
  }, []);

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
            <button type="button" className="btn btn-small" onClick={() => { api.resetColumnState(); localStorage.removeItem(COLUMN_STATE_KEY); forceRender((n) => n + 1); }}>{t('grid.resetColumns')}</button>
          </div>
        ) : null}
      </div>
      <div className="grid-host">
        <AgGridReact<DocumentRow>
          theme={gridTheme}
          columnDefs={columnDefs}
          defaultColDef={DEFAULT_COL_DEF}
          rowModelType="infinite"
          animateRows={false}
          cacheBlockSize={100}
          maxBlocksInCache={40}
          getRowId={rowIdOf}
          rowSelection={ROW_SELECTION}
          tooltipShowDelay={300}
          localeText={LOCALE_TEXT[lang]}
          onGridReady={onGridReady}
          onRowDoubleClicked={(e) => { if (e.data) onOpen(e.data.id); }}
          onCellKeyDown={(e) => {
            const key = (e.event as KeyboardEvent | null | undefined)?.key;
            if (key === 'Enter' && e.data) onOpen(e.data.id);
          }}
          onSelectionChanged={(e) => onSelectionChange(e.api.getSelectedRows())}
          onSortChanged={(e) => {
            saveColumns();
            onSortChange(toSortSpec(e.api.getColumnState().filter((c) => c.sort).sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0)).map((c) => ({ colId: c.colId, sort: c.sort as 'asc' | 'desc' }))));
          }}
          onColumnMoved={(e) => { if (e.finished) saveColumns(); }}
          onColumnResized={(e) => { if (e.finished) saveColumns(); }}
          onColumnVisible={saveColumns}
        />
      </div>
    </div>
  );
});

/** Grouped by case: one row per person, passport + INN fields side by side, biometry scores. */
export function CaseGrid({ filter, refreshTick, onOpen }: { filter: DocumentFilter; refreshTick: number; onOpen: (documentId: number) => void }) {
  const { lang, settings, toast } = useApp();
  const apiRef = useRef<GridApi<CaseRow> | null>(null);
  const threshold = settings.confidenceThreshold;
  const mask = settings.maskPassportNumbers;
  const columnDefs = useMemo<ColDef<CaseRow>[]>(() => {
    const scoreCol = (colId: 'matchScore' | 'livenessScore', header: string, limit: number): ColDef<CaseRow> => ({
      colId, headerName: header, width: 100, type: 'rightAligned',
      valueGetter: (p) => (p.data ? formatScore(p.data[colId]) : ''),
      cellClassRules: { 'cell-error': (p) => p.data?.[colId] != null && p.data[colId] < limit },
    });
    const fieldCol = (key: string): ColDef<CaseRow> => ({
      colId: `field:${key}`, headerName: fieldLabel(lang, key), width: 120,
      valueGetter: (p) => {
        const v = p.data?.fields[key]?.v ?? '';
        return mask && MASKED_FIELDS.has(key) && v ? maskValue(v) : v;
      },
      cellClassRules: {
        'cell-error': (p) => cellTone(p.data?.fields[key], threshold) === 'error',
        'cell-warning': (p) => cellTone(p.data?.fields[key], threshold) === 'warning',
        'cell-low': (p) => cellTone(p.data?.fields[key], threshold) === 'low',
      },
    });
    return [
      { colId: 'label', headerName: translate(lang, 'grid.case'), field: 'label', width: 180, pinned: 'left' },
      { colId: 'state', headerName: translate(lang, 'grid.caseState'), field: 'state', width: 100 },
      { colId: 'verdict', headerName: translate(lang, 'grid.verdict'), width: 120, valueGetter: (p) => (p.data?.verdict ? translate(lang, `verdict.${p.data.verdict}`) : ''), cellClassRules: { 'cell-error': (p) => p.data?.verdict === 'rejected', 'cell-warning': (p) => p.data?.verdict === 'review' } },
      scoreCol('matchScore', translate(lang, 'grid.match'), settings.matchThreshold),
      scoreCol('livenessScore', translate(lang, 'grid.liveness'), settings.livenessThreshold),
      ...['LastName', 'FirstName', 'MiddleName', 'BirthDate', 'Series', 'Number', 'IssueDate', 'IssueId'].map(fieldCol),
      ...['INN.INN', 'INN.LastName', 'INN.BirthDate'].map(fieldCol),
      {
        colId: 'documents', headerName: translate(lang, 'grid.documents'), width: 220, sortable: false,
        cellRenderer: (p: ICellRendererParams<CaseRow>) => (
          <span className="case-docs">{p.data?.documents.map((d) => (
            <button type="button" key={d.id} className={`chip review-${d.review}`} onClick={() => onOpen(d.id)}>{docTypeLabel(lang, d.type)}</button>
          ))}</span>
        ),
      },
    ];
  }, [lang, threshold, mask, settings.matchThreshold, settings.livenessThreshold, onOpen]);

  const datasource = useMemo<IDatasource>(() => ({
    getRows(params) {
      call('cases:list', { offset: params.startRow, limit: Math.min(1000, params.endRow - params.startRow), sort: toSortSpec(params.sortModel), filter })
        .then((res) => params.successCallback(res.rows, res.total))
        .catch((err: unknown) => { params.failCallback(); toast('error', errorText(err, lang)); });
    },
  }), [filter, lang, toast]);
  useEffect(() => { apiRef.current?.setGridOption('datasource', datasource); }, [datasource]);
  useEffect(() => { apiRef.current?.refreshInfiniteCache(); }, [refreshTick]);

  return (
    <div className="grid-wrap" data-testid="case-grid">
      <div className="grid-host">
        <AgGridReact<CaseRow>
          theme={gridTheme}
          columnDefs={columnDefs}
          defaultColDef={DEFAULT_COL_DEF}
          rowModelType="infinite"
          animateRows={false}
          cacheBlockSize={100}
          getRowId={rowIdOf}
          localeText={LOCALE_TEXT[lang]}
          onGridReady={(e) => {
            apiRef.current = e.api;
            const saved = loadColumnState(CASE_COLUMN_STATE_KEY);
            if (saved) e.api.applyColumnState({ state: saved, applyOrder: true });
            e.api.setGridOption('datasource', datasource);
          }}
          onColumnMoved={(e) => { if (e.finished) localStorage.setItem(CASE_COLUMN_STATE_KEY, JSON.stringify(e.api.getColumnState())); }}
          onColumnResized={(e) => { if (e.finished) localStorage.setItem(CASE_COLUMN_STATE_KEY, JSON.stringify(e.api.getColumnState())); }}
          onRowDoubleClicked={(e) => { const first = e.data?.documents[0]; if (first) onOpen(first.id); }}
        />
      </div>
    </div>
  );
}
