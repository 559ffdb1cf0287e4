// What an export must contain, restated from the database rows (not from the export code), for the export tests:
// a fresh engine + the golden dataset per export, the expected tables, and readers for CSV and XLSX files.
// The words a clerk reads for codes and the shown forms of field values are restated here on purpose, as literal
// Russian/English text, so a broken label table or display rule in the code cannot pass its own check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { exportOptionsSchema, type ExportOptions } from '../../shared/api/export.ts';
import { createEngine } from '../../main/engine/app.ts';
import { exportToFile } from '../../main/engine/export/index.ts';
import type { Db } from '../../main/engine/db/open.ts';
import { DOC_TYPE_LABELS, FIELD_LABELS, INN_FIELDS, PASSPORT_FIELDS, TEXT_LIKE_FIELDS, fieldsOf } from '../../shared/fields.ts';
import type { DocType } from '../../shared/types.ts';
import { insertExportDataset, INN_1, PERSON_1, PERSON_2 } from '../fixtures/golden/export/dataset.ts';

export type Cell = string | number | null;
export type Table = { header: string[]; text: boolean[]; rows: Cell[][] };
type SnapDoc = {
  id: number; fileName: string; caseLabel: string | null; type: DocType; status: string; review: string;
  match: number | null; liveness: number | null; values: Map<string, string | null>; findings: string[];
};
type SnapFinding = { file: string; caseLabel: string | null; type: DocType; field: string | null; severity: string; code: string; messageRu: string; source: string };
export type Snapshot = { docs: SnapDoc[]; findings: SnapFinding[] };

/** A fresh engine + dataset per export, so every file is produced from the same state. */
export async function runExport(tmpRoot: string, name: string, options: Partial<ExportOptions> & Pick<ExportOptions, 'format'>) {
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'run-'));
  const engine = await createEngine({ dataDir: dir, mode: 'test', dbKey: null, autoStart: false });
  try {
    const ids = insertExportDataset(engine.ctx.db);
    const result = await exportToFile(engine.ctx, exportOptionsSchema.parse(options), path.join(dir, name));
    return { ...result, buf: fs.readFileSync(result.file), ids, snap: snapshot(engine.ctx.db) };
  } finally {
    await engine.stop();
  }
}

export function snapshot(db: Db): Snapshot {
  const docs = (db.prepare(`SELECT d.id, d.file_name AS fileName, c.label AS caseLabel, d.doc_type AS type, d.status, d.review_state AS review,
      d.match_score AS match, d.liveness_score AS liveness FROM documents d LEFT JOIN cases c ON c.id = d.case_id ORDER BY d.id`).all() as Omit<SnapDoc, 'values' | 'findings'>[])
    .map((d) => ({
      ...d,
      values: new Map((db.prepare('SELECT name, value FROM fields WHERE document_id = ?').all(d.id) as { name: string; value: string | null }[]).map((f) => [f.name, f.value])),
      findings: (db.prepare(`SELECT message_ru AS m FROM findings WHERE document_id = ? AND severity != 'info' ORDER BY id`).all(d.id) as { m: string }[]).map((f) => f.m),
    }));
  const findings = db.prepare(`SELECT d.file_name AS file, c.label AS caseLabel, d.doc_type AS type, f.field, f.severity, f.code, f.message_ru AS messageRu, f.source
    FROM findings f JOIN documents d ON d.id = f.document_id LEFT JOIN cases c ON c.id = d.case_id ORDER BY f.id`).all() as SnapFinding[];
  return { docs, findings };
}

// ---- The words a clerk reads (restated, see the top comment) ----
export const STATUS_WORDS: Record<string, { ru: string; en: string }> = {
  recognised: { ru: 'Распознан', en: 'Recognised' }, failed: { ru: 'Сбой', en: 'Failed' }, rejected: { ru: 'Отклонён', en: 'Rejected' },
  ignored: { ru: 'Пропущен', en: 'Ignored' }, duplicate: { ru: 'Дубликат', en: 'Duplicate' },
};
export const REVIEW_WORDS: Record<string, { ru: string; en: string }> = {
  pending: { ru: 'Не проверен', en: 'Not reviewed' }, verified: { ru: 'Проверен', en: 'Verified' },
};
const SEVERITY_WORDS: Record<string, string> = { error: 'Ошибка', warning: 'Предупреждение', info: 'Замечание' };
const SOURCE_WORDS: Record<string, string> = { api: 'API', local: 'ScanDesk' };
/** Every code the engine writes for a state, severity or source: none may appear as a cell of a Russian spreadsheet. */
export const RAW_CODES = new Set([
  'seen', 'waiting', 'queued', 'sending', 'processing', 'recognised', 'failed', 'rejected', 'ignored', 'duplicate', 'uncertain', 'cancelled',
  'pending', 'verified', 'postponed', 'ok', 'review', 'error', 'warning', 'info', 'api', 'local', 'true', 'false', 'M', 'F',
]);

/** A field's value as the clerk reads it: Пол М/Ж, yes/no as Да/Нет, a passport's department code NNN-NNN. */
export function shownValue(name: string, value: string | null | undefined, type: DocType): string | null {
  if (value === null || value === undefined || value === '') return value ?? null;
  if (name === 'Gender') return ({ M: 'М', F: 'Ж', М: 'М', Ж: 'Ж' } as Record<string, string>)[value] ?? value;
  if (name.startsWith('Has')) return ({ '1': 'Да', true: 'Да', '0': 'Нет', false: 'Нет' } as Record<string, string>)[value] ?? value;
  if (name === 'IssueId' && type === 'PASSPORT' && /^\d{6}$/.test(value)) return `${value.slice(0, 3)}-${value.slice(3)}`;
  return value;
}

const ALL_FIELDS = [...new Set<string>([...PASSPORT_FIELDS, ...INN_FIELDS])];
/** Header of a default-template field column: the INN's own «Печать» says whose it is beside the passport's. */
export const fieldHeader = (f: string) => (f === 'HasSeal' ? 'Печать (ИНН)' : FIELD_LABELS[f]!.ru);
/**
 * The default template: one row per document; a sheet per type keeps only that type's fields (match on passports,
 * liveness on selfies). Documents with data only, unless `all`.
 */
export function expectedDefault(snap: Snapshot, type?: DocType, all = false): Table {
  const fields = type ? ALL_FIELDS.filter((f) => fieldsOf(type).includes(f)) : ALL_FIELDS;
  const cols: [string, boolean, (d: SnapDoc) => Cell][] = [
    ['Файл', false, (d) => d.fileName], ['Дело', false, (d) => d.caseLabel], ['Тип документа', false, (d) => DOC_TYPE_LABELS[d.type].ru],
    ['Статус', false, (d) => STATUS_WORDS[d.status]!.ru], ['Проверка', false, (d) => REVIEW_WORDS[d.review]!.ru],
    ...fields.map((f): [string, boolean, (d: SnapDoc) => Cell] => [fieldHeader(f), TEXT_LIKE_FIELDS.has(f), (d) => shownValue(f, d.values.get(f), d.type)]),
    ...(!type || type === 'PASSPORT' ? [['Совпадение лица', false, (d: SnapDoc) => d.match] as [string, boolean, (d: SnapDoc) => Cell]] : []),
    ...(!type || type === 'SELFIE' ? [['Живость', false, (d: SnapDoc) => d.liveness] as [string, boolean, (d: SnapDoc) => Cell]] : []),
    ['Замечания', false, (d) => (d.findings.length ? d.findings.join('; ') : null)],
  ];
  const docs = snap.docs.filter((d) => (!type || d.type === type) && (all || d.status === 'recognised'));
  return { header: cols.map((c) => c[0]), text: cols.map((c) => c[1]), rows: docs.map((d) => cols.map((c) => c[2](d))) };
}
export function expectedFindings(snap: Snapshot): Table {
  return {
    header: ['Файл', 'Дело', 'Тип документа', 'Поле', 'Серьёзность', 'Код', 'Сообщение', 'Источник'],
    text: Array<boolean>(8).fill(false),
    rows: snap.findings.map((f) => [f.file, f.caseLabel, DOC_TYPE_LABELS[f.type].ru, f.field === null ? null : FIELD_LABELS[f.field]!.ru,
      SEVERITY_WORDS[f.severity]!, f.code, f.messageRu, SOURCE_WORDS[f.source]!]),
  };
}
/** 1C: one row per person, passport + INN merged, department code NNN-NNN. */
export const ONE_C: Table = {
  header: ['ФИО', 'Дата рождения', 'Паспорт серия', 'Паспорт номер', 'Кем выдан', 'Дата выдачи', 'Код подразделения', 'ИНН'],
  text: [false, true, true, true, false, true, true, true],
  rows: [
    [`${PERSON_1.LastName} ${PERSON_1.FirstName} ${PERSON_1.MiddleName}`, PERSON_1.BirthDate, PERSON_1.Series, PERSON_1.Number, PERSON_1.IssuedBy, PERSON_1.IssueDate, '770-001', INN_1.INN],
    [`${PERSON_2.LastName} ${PERSON_2.FirstName} ${PERSON_2.MiddleName}`, PERSON_2.BirthDate, PERSON_2.Series, PERSON_2.Number, PERSON_2.IssuedBy, PERSON_2.IssueDate, PERSON_2.IssueId, null],
  ],
};

// Independent restatement of the OWASP rule, so a broken guard in the code cannot pass its own check.
export const guarded = (v: string | null | undefined) => (v ? (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) : '');

export const PRESETS = {
  'excel-ru': { bom: Buffer.from([0xef, 0xbb, 0xbf]), encoding: 'utf8', delimiter: ';', eol: '\r\n' },
  'excel-utf16': { bom: Buffer.from([0xff, 0xfe]), encoding: 'utf16le', delimiter: '\t', eol: '\r\n' },
  rfc4180: { bom: Buffer.alloc(0), encoding: 'utf8', delimiter: ',', eol: '\n' },
} as const;
export type Preset = keyof typeof PRESETS;
/** A cell as CSV text: Russian presets write decimals with a comma (Excel RU reads "0.91" as a date or text). */
export const csvText = (v: Cell, preset: Preset) => (typeof v === 'number' ? (preset === 'rfc4180' ? String(v) : String(v).replace('.', ',')) : guarded(v));

export function decodeCsv(buf: Buffer, preset: Preset): string[][] {
  const p = PRESETS[preset];
  assert.deepEqual(buf.subarray(0, p.bom.length), p.bom, `${preset}: BOM`);
  if (preset === 'rfc4180') assert.notEqual(buf[0], 0xef, 'rfc4180 has no BOM');
  const text = buf.subarray(p.bom.length).toString(p.encoding);
  assert.ok(text.endsWith(p.eol), `${preset}: record delimiter`);
  if (p.eol === '\n') assert.ok(!text.includes('\r\n'), 'rfc4180 uses LF only');
  return parse(text, { delimiter: p.delimiter, relax_column_count: false }) as string[][];
}

type CellDump = { v: unknown; t: number; fmt?: string; fill?: string; note?: string };
export async function dumpXlsx(file: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb.worksheets.map((ws) => ({
    name: ws.name,
    frozen: ws.views[0]?.state === 'frozen' && (ws.views[0] as { ySplit?: number }).ySplit === 1,
    autoFilter: ws.autoFilter ? JSON.stringify(ws.autoFilter) : null,
    rows: ws.getSheetValues().length - 1,
    cells: Array.from({ length: ws.rowCount }, (_, r) => {
      const row = ws.getRow(r + 1);
      return Array.from({ length: ws.columnCount }, (_, c): CellDump => {
        const cell = row.getCell(c + 1);
        const d: CellDump = { v: cell.value, t: cell.type };
        if (cell.numFmt) d.fmt = cell.numFmt;
        const fill = cell.fill as { fgColor?: { argb?: string } } | undefined;
        if (fill?.fgColor?.argb && r > 0) d.fill = fill.fgColor.argb;
        if (cell.note) d.note = typeof cell.note === 'string' ? cell.note : JSON.stringify(cell.note);
        return d;
      });
    }),
  }));
}

export function assertXlsxSheet(sheet: Awaited<ReturnType<typeof dumpXlsx>>[number], exp: Table) {
  assert.deepEqual(sheet.cells[0]!.map((c) => c.v), exp.header, `${sheet.name}: header`);
  assert.equal(sheet.cells.length, exp.rows.length + 1, `${sheet.name}: row count`);
  exp.rows.forEach((row, r) => row.forEach((v, c) => {
    const cell = sheet.cells[r + 1]![c]!;
    const where = `${sheet.name} row ${r + 1} «${exp.header[c]}»`;
    if (v === null || v === '') assert.ok(cell.v === null || cell.v === '', `${where}: empty, got ${String(cell.v)}`);
    else if (typeof v === 'number') assert.deepEqual([cell.v, cell.t], [v, ExcelJS.ValueType.Number], where);
    else assert.deepEqual([cell.v, cell.t], [guarded(v), ExcelJS.ValueType.String], where);
    if (exp.text[c]) assert.equal(cell.fmt, '@', `${where}: text cell`);
  }));
}
