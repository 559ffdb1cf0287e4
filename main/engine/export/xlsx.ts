// XLSX via exceljs' streaming WorkbookWriter: rows are committed (flushed to the zip) as they are written.
// Sheets are written one after another — a sheet's zip entry is buffered in memory until the previous one is
// committed, so interleaving per-type sheets would hold most of a 100k export in RAM.
// Identifiers and dates are text cells with numFmt '@' (Excel keeps "0312", "770123456789", "01.02.2003").
import ExcelJS from 'exceljs';
import type { Language } from '../../../shared/types.ts';
import { neutraliseFormula, type Column, type Unit } from './columns.ts';

const REVIEW_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE08A' } };
/**
 * exceljs keeps every note of a sheet in memory until the sheet is committed (they go to a separate comments
 * part), so notes are capped per sheet; past the cap a cell still gets the fill, and the Замечания sheet plus
 * the JSON export carry every reason.
 */
export const MAX_NOTES_PER_SHEET = 2000;
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };

const MAX_PENDING_ZIP_BYTES = 1024 * 1024;
/** Bytes a sheet's stream has handed to the zip entry that deflate has not consumed yet (exceljs internals, read defensively). */
function pendingZipBytes(ws: ExcelJS.Worksheet): number {
  const pipes = (ws as unknown as { stream?: { pipes?: { _writableState?: { length?: number } }[] } }).stream?.pipes ?? [];
  return pipes.reduce((sum, p) => sum + (p._writableState?.length ?? 0), 0);
}

export type XlsxSheet = { addUnits(units: readonly Unit[]): Promise<void>; commit(): Promise<void> };

export function createXlsxWriter(file: string, opts: { threshold: number; lang: Language }) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = 'ScanDesk';

  function addSheet(name: string, columns: readonly Column[]): XlsxSheet {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c) => ({ key: c.key, width: c.width, style: c.text ? { numFmt: '@' } : {} }));
    if (columns.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    const header = ws.addRow(columns.map((c) => neutraliseFormula(c.header)));
    header.font = { bold: true };
    header.eachCell((cell) => { cell.fill = HEADER_FILL; });
    header.commit();
    let notes = 0;
    return {
      async addUnits(units) {
        for (const unit of units) {
          const row = ws.addRow(columns.map((c) => {
            const v = c.value(unit);
            return typeof v === 'string' ? neutraliseFormula(v) : v;
          }));
          columns.forEach((c, i) => {
            const cell = row.getCell(i + 1);
            if (c.text) cell.numFmt = '@';
            const mark = c.review(unit, opts.threshold, opts.lang);
            if (mark) {
              cell.fill = REVIEW_FILL;
              if (notes < MAX_NOTES_PER_SHEET) {
                cell.note = mark.reason;
                notes++;
              }
            }
          });
          row.commit();
        }
        // exceljs' streaming writer has no backpressure: committed rows pile up in front of the zip compressor
        // (measured: up to 20 MB) unless the event loop gets to run it. Yield until deflate has caught up.
        do await new Promise<void>((resolve) => setImmediate(resolve));
        while (pendingZipBytes(ws) > MAX_PENDING_ZIP_BYTES);
      },
      async commit() {
        await ws.commit();
      },
    };
  }

  return { addSheet, commit: () => wb.commit() };
}
