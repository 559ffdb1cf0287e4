// Grouped by case: one row per person, passport + INN fields side by side, biometry scores, latest export.
// Sorting runs in SQLite over the cases table (review/read.ts CASE_SORT: label, state, verdict, updated), so
// only those columns are sortable; fields and scores live on the documents and are not. Layout and sort
// are remembered like the document grid's.
import { useMemo } from 'react';
import type { ColDef, GridOptions, ICellRendererParams, IDatasource, ITooltipParams } from 'ag-grid-community';
import type { CaseRow, DocumentFilter } from '../../shared/api.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { cellHoverText, cellTone, formatDateTime, formatScore, shownFieldValue } from '../format.ts';
import { caseStateLabel, docTypeLabel, fieldLabel, translate } from '../i18n.ts';
import { LOCALE_TEXT, gridTheme, rowIdOf } from './DocumentGrid.tsx';
import { GridHost } from './GridHost.tsx';
import { toSortSpec } from './grid-layout.ts';

const CASE_COLUMN_STATE_KEY = 'scandesk.cases.columns.v1';
// Not sortable unless a column says so (the server can sort only the case's own columns).
const CASE_DEFAULT_COL_DEF: ColDef = { sortable: false, resizable: true, suppressHeaderMenuButton: true };
const CASE_FIELDS = ['LastName', 'FirstName', 'MiddleName', 'BirthDate', 'Series', 'Number', 'IssueDate', 'IssueId', 'INN.INN', 'INN.LastName', 'INN.BirthDate'];

type Props = { filter: DocumentFilter; refreshTick: number; onOpen: (documentId: number) => void };

export function CaseGrid({ filter, refreshTick, onOpen }: Props) {
  const { lang, settings, toastError } = useApp();
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
        return shownFieldValue(key, v, 'PASSPORT', lang, mask);
      },
      cellClass: (p) => {
        const tone = cellTone(p.data?.fields[key], threshold);
        return tone ? `cell-${tone}` : undefined;
      },
      tooltipValueGetter: (p: ITooltipParams<CaseRow>) => cellHoverText(p.data?.fields[key], lang),
    });
    return [
      { colId: 'label', headerName: translate(lang, 'grid.case'), field: 'label', width: 180, pinned: 'left', sortable: true },
      {
        colId: 'state', headerName: translate(lang, 'grid.caseState'), width: 130, sortable: true,
        valueGetter: (p) => (p.data ? caseStateLabel(lang, p.data.state) : ''),
        cellClass: (p) => (p.data ? `case-state-${p.data.state}` : undefined),
      },
      {
        colId: 'verdict', headerName: translate(lang, 'grid.verdict'), width: 120, sortable: true,
        valueGetter: (p) => (p.data?.verdict ? translate(lang, `verdict.${p.data.verdict}`) : ''),
        cellClassRules: { 'cell-error': (p) => p.data?.verdict === 'rejected', 'cell-warning': (p) => p.data?.verdict === 'review' },
      },
      scoreCol('matchScore', translate(lang, 'grid.match'), settings.matchThreshold),
      scoreCol('livenessScore', translate(lang, 'grid.liveness'), settings.livenessThreshold),
      ...CASE_FIELDS.map(fieldCol),
      {
        colId: 'documents', headerName: translate(lang, 'grid.documents'), width: 220,
        // DOM, not JSX: the grid renders its cells itself (GridHost.tsx). textContent only, never HTML.
        cellRenderer: (p: ICellRendererParams<CaseRow>) => {
          const span = document.createElement('span');
          span.className = 'case-docs';
          for (const d of p.data?.documents ?? []) {
            const chip = document.createElement('button');
            chip.type = 'button';
            chip.className = `chip review-${d.review}`;
            chip.textContent = docTypeLabel(lang, d.type);
            chip.addEventListener('click', () => onOpen(d.id));
            span.append(chip);
          }
          return span;
        },
      },
      {
        colId: 'exportedAt', headerName: translate(lang, 'grid.exported'), width: 115,
        valueGetter: (p) => (p.data?.exportedAt != null ? formatDateTime(p.data.exportedAt, lang) : ''),
        cellClass: (p) => (p.data?.exportedAt != null ? 'cell-exported' : undefined),
      },
      { colId: 'updatedAt', headerName: translate(lang, 'grid.updated'), width: 115, sortable: true, valueGetter: (p) => (p.data ? formatDateTime(p.data.updatedAt, lang) : '') },
    ];
  }, [lang, threshold, mask, settings.matchThreshold, settings.livenessThreshold, onOpen]);

  const datasource = useMemo<IDatasource>(() => ({
    getRows(params) {
      call('cases:list', { offset: params.startRow, limit: Math.min(1000, params.endRow - params.startRow), sort: toSortSpec(params.sortModel), filter })
        .then((res) => params.successCallback(res.rows, res.total))
        .catch((err: unknown) => { params.failCallback(); toastError(err); });
    },
  }), [filter, lang, toastError]);
  const gridOptions: GridOptions<CaseRow> = {
    theme: gridTheme,
    columnDefs,
    defaultColDef: CASE_DEFAULT_COL_DEF,
    rowModelType: 'infinite',
    animateRows: false,
    cacheBlockSize: 100,
    getRowId: rowIdOf,
    tooltipShowDelay: 300,
    localeText: LOCALE_TEXT[lang],
    onRowDoubleClicked: (e) => { const first = e.data?.documents[0]; if (first) onOpen(first.id); },
  };
  return (
    <div className="grid-wrap" data-testid="case-grid">
      {/* localeText is initial-only: a language switch remounts the grid. */}
      <GridHost<CaseRow> key={lang} options={gridOptions} datasource={datasource} layoutKey={CASE_COLUMN_STATE_KEY} refreshTick={refreshTick} />
    </div>
  );
}
