// Export formats against a real SQLite file: golden files per format/preset, round-trips (csv-parse, exceljs,
// zod), and what LibreOffice actually shows when it opens the files (skipped with a reason when soffice is absent).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ExportOptions } from '../../shared/api/export.ts';
import { jsonRecordSchema } from '../../main/engine/export/index.ts';
import { readsOf, resolveColumn } from '../../main/engine/export/columns.ts';
import { createRecordReader, groupByCase, type DocRecord } from '../../main/engine/export/records.ts';
import { ALL_EXPORT_FIELDS, FIXED_COLUMN_LABELS, isCaseColumn } from '../../shared/export-columns.ts';
import { openDatabase } from '../../main/engine/db/open.ts';
import { DOC_TYPE_LABELS, INN_FIELDS, PASSPORT_FIELDS } from '../../shared/fields.ts';
import { insertExportDataset, INN_1, PERSON_1 } from '../fixtures/golden/export/dataset.ts';
import {
  assertXlsxSheet, csvText, decodeCsv, dumpXlsx, expectedDefault, expectedFindings, guarded, ONE_C, PRESETS, runExport as runExportIn,
  type Cell, type Snapshot, type Table,
} from '../helpers/export-tables.ts';

const GOLDEN = path.join(import.meta.dirname, '../fixtures/golden/export');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-export-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

const runExport = (name: string, options: Partial<ExportOptions> & Pick<ExportOptions, 'format'>) => runExportIn(tmpRoot, name, options);

function checkGolden(name: string, content: Buffer | string) {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    fs.writeFileSync(file, content);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${name} missing — run with UPDATE_GOLDEN=1 and review it`);
  assert.deepEqual(Buffer.from(content), fs.readFileSync(file), `${name} differs from its golden file`);
}

void describe('CSV presets', () => {
  for (const preset of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
    void test(`${preset}: golden bytes and round-trip of every field`, async () => {
      const r = await runExport(`out-${preset}.csv`, { format: 'csv', csvPreset: preset });
      checkGolden(`default-${preset}.csv`, r.buf);
      const [header, ...rows] = decodeCsv(r.buf, preset);
      assert.equal(rows.length, 4, 'the four documents with data (failed, rejected, skipped, duplicate rows only when asked)');
      assert.equal(r.rows, 4);
      // Every cell of every row, against the table restated from the database.
      const expected = expectedDefault(r.snap);
      assert.deepEqual(header, expected.header);
      assert.deepEqual(rows, expected.rows.map((row) => row.map((v) => csvText(v, preset))));
      const col = (label: string) => header!.indexOf(label);
      const p1 = rows[0]!;
      assert.equal(p1[col('Серия')], '0312');
      assert.equal(p1[col('Номер')], "'=1+2");
      assert.equal(p1[col('Имя')], "'@ЕЛЕНА");
      assert.equal(p1[col('Отчество')], "'-");
      assert.equal(p1[col('Адрес')], "'+7 (999) 000-00-00");
      assert.equal(p1[col('Место рождения')], PERSON_1.BirthPlace);
      assert.equal(p1[col('Кем выдан')], PERSON_1.IssuedBy);
      assert.equal(p1[col('Дело')], 'Иванова Е. «тест»; 1');
      assert.equal(rows[1]![col('ИНН')], INN_1.INN);
      assert.equal(rows[1]![col('Налоговый орган')], INN_1.OrgName);
      assert.match(p1[col('Замечания')]!, /Номер паспорта: 6 цифр/);
      // Russian presets write decimals with a comma (Excel RU reads "0.91" as a date or text).
      assert.equal(p1[col('Совпадение лица')], preset === 'rfc4180' ? '0.91' : '0,91');
    });
  }

  void test('1c-persons: one row per person, passport + INN merged, NNN-NNN code', async () => {
    const r = await runExport('out-1c.csv', { format: 'csv', csvPreset: 'excel-ru', templateId: '1c-persons' });
    checkGolden('1c-persons-excel-ru.csv', r.buf);
    const rows = decodeCsv(r.buf, 'excel-ru');
    assert.deepEqual(rows, [ONE_C.header, ...ONE_C.rows.map((row) => row.map((v) => csvText(v, 'excel-ru')))]);
    assert.equal(rows[1]![3], "'=1+2");
    assert.equal(r.rows, 2, 'the failed file with no case and no fields is not an empty 1C row');
  });

  void test('English headers', async () => {
    const r = await runExport('out-en.csv', { format: 'csv', csvPreset: 'rfc4180', headerLanguage: 'en', templateId: '1c-persons' });
    const [header] = decodeCsv(r.buf, 'rfc4180');
    // 1C template pins Russian headers (1C expects them); the language applies to columns without an override.
    assert.equal(header![0], 'ФИО');
    const d = await runExport('out-en2.csv', { format: 'csv', csvPreset: 'rfc4180', headerLanguage: 'en' });
    assert.deepEqual(decodeCsv(d.buf, 'rfc4180')[0]!.slice(0, 6), ['File', 'Case', 'Document type', 'Status', 'Review', 'Surname']);
  });
});

void describe('XLSX', () => {
  void test('default: a sheet per type + Замечания, text cells, highlights, golden cell values/types', async () => {
    const r = await runExport('out.xlsx', { format: 'xlsx' });
    const sheets = await dumpXlsx(r.file);
    checkGolden('default.xlsx.json', JSON.stringify(sheets, null, 1) + '\n');
    assert.deepEqual(sheets.map((s) => s.name), ['Паспорт', 'ИНН', 'Селфи', 'Замечания']);
    const passport = sheets[0]!;
    assert.ok(passport.frozen, 'header frozen');
    assert.ok(passport.autoFilter, 'autofilter set');
    const header = passport.cells[0]!.map((c) => c.v);
    assert.ok(!header.includes('ИНН'), 'passport sheet has only passport fields');
    const at = (row: number, label: string) => passport.cells[row]![header.indexOf(label)]!;
    // Every cell of every sheet, against the tables restated from the database: strings (guarded) as string cells,
    // identifiers and dates with numFmt '@', scores as numbers, empty as empty.
    const expectedSheets = [...(['PASSPORT', 'INN', 'SELFIE'] as const).map((t) => expectedDefault(r.snap, t)), expectedFindings(r.snap)];
    expectedSheets.forEach((exp, i) => assertXlsxSheet(sheets[i]!, exp));
    for (const label of ['Серия', 'Номер', 'Дата рождения', 'Дата выдачи', 'Код подразделения']) assert.equal(at(1, label).fmt, '@', `${label} numFmt @`);
    assert.equal(at(1, 'Серия').v, '0312');
    assert.ok(at(1, 'Кем выдан').fill, 'low confidence cell highlighted');
    assert.match(at(1, 'Кем выдан').note ?? '', /Низкая уверенность/);
    assert.ok(at(1, 'Номер').fill, 'cell with an error finding highlighted');
    assert.match(at(1, 'Номер').note ?? '', /6 цифр/);
    assert.equal(at(1, 'Серия').fill, undefined, 'a clean cell is not highlighted');
    assert.equal(at(1, 'Совпадение лица').t, ExcelJS.ValueType.Number, 'scores stay numeric');
    const inn = sheets[1]!;
    assert.equal(inn.cells[1]![inn.cells[0]!.findIndex((c) => c.v === 'ИНН')]!.v, '012345678912');
    const findings = sheets[3]!;
    assert.equal(findings.cells.length, 3);
    assert.ok(findings.cells.some((row) => row.some((c) => c.v === 'passport.number-format')));
  });

  void test('1c-persons XLSX: one sheet, one row per person', async () => {
    const r = await runExport('out-1c.xlsx', { format: 'xlsx', templateId: '1c-persons' });
    const sheets = await dumpXlsx(r.file);
    checkGolden('1c-persons.xlsx.json', JSON.stringify(sheets, null, 1) + '\n');
    assert.deepEqual(sheets.map((s) => s.name), ['Лица', 'Замечания']);
    assertXlsxSheet(sheets[0]!, ONE_C);
    assertXlsxSheet(sheets[1]!, expectedFindings(r.snap));
  });
});

void describe('JSON / NDJSON', () => {
  for (const format of ['json', 'ndjson'] as const) {
    void test(`${format}: golden, schema, edit history, findings, raw result`, async () => {
      // Every row kind, the ones without data included (asked for), so the golden file shows their records too.
      const r = await runExport(`out.${format}`, { format, includeUnrecognised: true });
      checkGolden(`default.${format}`, r.buf);
      const text = r.buf.toString('utf8');
      const records = format === 'json'
        ? (JSON.parse(text) as unknown[])
        : text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
      assert.equal(records.length, 8);
      const parsed = records.map((x) => jsonRecordSchema.parse(x));
      const p1 = parsed.find((x) => x.id === r.ids.passport1)!;
      assert.equal(p1.fields.LastName!.recognised, 'ИВАН0ВА');
      assert.equal(p1.fields.LastName!.value, 'ИВАНОВА');
      assert.deepEqual(p1.fields.LastName!.history.map((h) => [h.actor, h.oldValue, h.newValue]), [['operator', 'ИВАН0ВА', 'ИВАНОВА']]);
      assert.equal(p1.fields.Number!.value, '=1+2', 'JSON keeps raw values');
      assert.equal(p1.fields.Number!.findings[0]!.code, 'passport.number-format');
      assert.equal(p1.findings[0]!.code, 'biometry.low');
      assert.deepEqual(p1.broken, { broken: true, reasons: ['Glare'], reasonsRu: ['Блик'] });
      assert.deepEqual(p1.raw, { type: 'PASSPORT', data: { Series: '0312' } });
      assert.equal(p1.case?.verdict, 'review');
      assert.equal(p1.beorgDocumentId, 'beorg-0001');
      assert.equal(p1.source.currentPath, '/scans/Обработано/Иванова/паспорт.jpg');
      const failed = parsed.find((x) => x.id === r.ids.failed)!;
      assert.deepEqual(failed.error, { code: 'api.final', message: 'Сервис вернул ошибку: файл повреждён' });
      assert.equal(failed.case, null);
      // JSON keeps the codes and the values as recognised ([Note: display forms of field values]).
      const inn = parsed.find((x) => x.id === r.ids.inn1)!;
      assert.deepEqual([inn.status, inn.review.state, inn.fields.Gender!.value, inn.fields.HasSeal!.value], ['recognised', 'verified', 'F', 'true']);
      assert.deepEqual([p1.fields.IssueId!.value, p1.fields.HasPhoto!.value, p1.fields.Gender!.value], ['770001', '1', 'Ж']);
      assert.deepEqual(parsed.find((x) => x.id === r.ids.duplicate)!.duplicateOf, r.ids.passport2);
      assert.equal(parsed.find((x) => x.id === r.ids.ignored)!.status, 'ignored');
    });
  }
});

// ---- LibreOffice: what a spreadsheet actually shows ----
// Every export variant is opened headless and written back as CSV (every sheet: token 12 = -1), then compared
// cell by cell with the expected tables. soffice takes seconds to start and its import options apply to every
// file of one invocation, so files are converted in one invocation per import setting (4 starts for 6 files).
const soffice = ['/usr/bin/soffice', '/usr/local/bin/soffice', '/usr/lib/libreoffice/program/soffice'].find((p) => fs.existsSync(p));
const run = promisify(execFile);
const CSV_FILTER = 'Text - txt - csv (StarCalc)';
/** CSV import options: separator, quote, charset, first line, column types ("1/2/2/2…": every column Text), locale. */
const importOptions = (sep: number, charset: number, locale: number, allText: boolean) =>
  `${CSV_FILTER}:${sep},34,${charset},1,${allText ? Array.from({ length: 40 }, (_, i) => `${i + 1}/2`).join('/') : ''},${locale}`;
const UTF8 = 76;
const UTF16 = 65535;
const RU = 1049;
const EN_US = 1033;

/** Converts groups of files (one soffice start per group); returns what each sheet shows, keyed "<file>-<sheet>". */
async function libreOfficeShows(groups: { files: string[]; infilter?: string }[]): Promise<Map<string, string[][]>> {
  const outDir = fs.mkdtempSync(path.join(tmpRoot, 'lo-'));
  const profile = fs.mkdtempSync(path.join(tmpRoot, 'lo-profile-'));
  for (const g of groups) {
    const args = ['--headless', '--norestore', `-env:UserInstallation=file://${profile}`, ...(g.infilter ? [`--infilter=${g.infilter}`] : [])];
    // Written back as UTF-8, comma, quoted as needed, each sheet to "<file>-<sheet>.csv".
    args.push('--convert-to', `csv:${CSV_FILTER}:44,34,${UTF8},1,,0,false,true,false,false,false,-1`, '--outdir', outDir, ...g.files);
    await run(soffice!, args, { timeout: 120_000 });
  }
  return new Map(fs.readdirSync(outDir).map((f) => [f.replace(/\.csv$/, ''), parse(fs.readFileSync(path.join(outDir, f), 'utf8'), { relax_column_count: true }) as string[][]]));
}

/** A cell as the spreadsheet shows it: the guarded text, a number in its plain form, empty as ''. */
const shownText = (v: Cell) => (typeof v === 'number' ? String(v) : guarded(v));
function assertShows(shown: string[][] | undefined, exp: Table, what: string, opts: { view: (v: Cell) => string; skip?: (col: number) => boolean } = { view: shownText }) {
  assert.ok(shown, `${what}: LibreOffice wrote no sheet`);
  assert.deepEqual(shown[0], exp.header, `${what}: header`);
  assert.equal(shown.length, exp.rows.length + 1, `${what}: rows`);
  exp.rows.forEach((row, r) => row.forEach((v, c) => {
    if (opts.skip?.(c)) return;
    assert.equal(shown[r + 1]![c] ?? '', opts.view(v), `${what} row ${r + 1} «${exp.header[c]}»`);
  }));
}

void describe('LibreOffice opens the exports', { skip: soffice ? false : 'soffice not on PATH (CI installs libreoffice-calc-nogui)' }, () => {
  let shown = new Map<string, string[][]>();
  let snap: Snapshot;
  before(async () => {
    if (!soffice) return;
    const variants = {
      'default-excel-ru.csv': { format: 'csv', csvPreset: 'excel-ru' },
      'default-excel-utf16.csv': { format: 'csv', csvPreset: 'excel-utf16' },
      'default-rfc4180.csv': { format: 'csv', csvPreset: 'rfc4180' },
      '1c-excel-ru.csv': { format: 'csv', csvPreset: 'excel-ru', templateId: '1c-persons' },
      'default.xlsx': { format: 'xlsx' },
      '1c.xlsx': { format: 'xlsx', templateId: '1c-persons' },
    } as const;
    const files: Record<string, string> = {};
    for (const [name, o] of Object.entries(variants)) {
      const r = await runExport(name, o);
      files[name] = r.file;
      snap = r.snap;
    }
    shown = await libreOfficeShows([
      { files: [files['default.xlsx']!, files['1c.xlsx']!] },
      // The import wizard with every column set to Text (how a clerk is told to open a CSV with identifiers).
      { files: [files['default-excel-ru.csv']!, files['1c-excel-ru.csv']!], infilter: importOptions(59, UTF8, RU, true) },
      // Double-click: the spreadsheet types every cell itself.
      { files: [files['default-excel-utf16.csv']!], infilter: importOptions(9, UTF16, RU, false) },
      { files: [files['default-rfc4180.csv']!], infilter: importOptions(44, UTF8, EN_US, false) },
    ]);
  });

  void test('XLSX default: every sheet (Паспорт, ИНН, Селфи, Замечания) shows every cell as typed — zeros, dates, Cyrillic, formulas as text', () => {
    for (const t of ['PASSPORT', 'INN', 'SELFIE'] as const) assertShows(shown.get(`default-${DOC_TYPE_LABELS[t].ru}`), expectedDefault(snap, t), `default.xlsx ${t}`);
    assertShows(shown.get('default-Замечания'), expectedFindings(snap), 'default.xlsx findings');
    assert.equal(shown.get('default-Паспорт')![1]![12], "'=1+2", 'the =1+2 cell is text, not 3');
  });

  void test('XLSX 1C: the person sheet shows leading zeros, the full INN and dates as text', () => {
    assertShows(shown.get('1c-Лица'), ONE_C, '1c.xlsx');
    assertShows(shown.get('1c-Замечания'), expectedFindings(snap), '1c.xlsx findings');
  });

  void test('CSV excel-ru and 1C CSV through the import wizard (columns as Text): every cell exactly as written', () => {
    // BOM → Cyrillic decoded; ';', quotes and line breaks inside values stay in their cells; decimals keep the comma.
    assertShows(shown.get('default-excel-ru-default-excel-ru'), expectedDefault(snap), 'excel-ru', { view: (v) => csvText(v, 'excel-ru') });
    assertShows(shown.get('1c-excel-ru-1c-excel-ru'), ONE_C, '1C CSV', { view: (v) => csvText(v, 'excel-ru') });
  });

  // On a double-click the spreadsheet re-types identifiers and dates (0312 → 312, 01.02.2003 → a date): the known
  // CSV limitation that makes XLSX the default. Everything else must show as written, formula cells as inert text.
  const notTyped = (exp: Table) => (c: number) => exp.text[c]!;
  void test('CSV excel-utf16 opened by double-click: UTF-16 + TAB split right, formula characters neutralised', () => {
    const exp = expectedDefault(snap);
    assertShows(shown.get('default-excel-utf16-default-excel-utf16'), exp, 'excel-utf16', { view: shownText, skip: notTyped(exp) });
    const h = exp.header;
    const p1 = shown.get('default-excel-utf16-default-excel-utf16')![1]!;
    assert.deepEqual([p1[h.indexOf('Имя')], p1[h.indexOf('Отчество')], p1[h.indexOf('Адрес')]], ["'@ЕЛЕНА", "'-", "'+7 (999) 000-00-00"]);
    assert.equal(p1[h.indexOf('Номер')], "'=1+2", 'not evaluated to 3');
  });

  void test('CSV rfc4180 opened by double-click: comma split right, Cyrillic, formula characters neutralised', () => {
    const exp = expectedDefault(snap);
    assertShows(shown.get('default-rfc4180-default-rfc4180'), exp, 'rfc4180', { view: shownText, skip: notTyped(exp) });
    assert.equal(shown.get('default-rfc4180-default-rfc4180')![1]![exp.header.indexOf('Номер')], "'=1+2");
  });
});

void describe('column reads', () => {
  // A page query selects only what a template's columns declare they read. If a column read a property it does
  // not declare, its cells would come out empty: every catalogue column must give the same cells and review
  // marks from its own narrow read as from a read of everything.
  void test('every catalogue column shows the same cells from its declared reads as from a full read', () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(tmpRoot, 'reads-')), 'scandesk.db'), { key: null });
    try {
      const ids = insertExportDataset(db);
      db.prepare('UPDATE document_exports SET exported_at = ? WHERE document_id = ?').run(Date.UTC(2026, 0, 2, 3, 4, 5), ids.passport1);
      const reader = createRecordReader(db, { sql: '1', params: [] });
      const detail = { kind: 'spreadsheet', threshold: 0.9 } as const;
      const keys = [...Object.keys(FIXED_COLUMN_LABELS), ...ALL_EXPORT_FIELDS.map((f) => `field:${f}`), ...PASSPORT_FIELDS.map((f) => `passport:${f}`), ...INN_FIELDS.map((f) => `inn:${f}`)];
      let nonEmpty = 0;
      for (const key of keys) {
        const col = resolveColumn(key, 'ru');
        const byCase = isCaseColumn(key);
        const units = (pages: Iterable<DocRecord[]>) => (byCase ? [...groupByCase(pages)].flat() : [...pages].flat().map((d) => [d]));
        const cells = (us: DocRecord[][]) => us.map((u) => [col.value(u), col.review(u, 0.9, 'ru')?.reason ?? null]);
        const narrow = cells(units(reader.pages({ byCase, detail, ...readsOf([col], true) })));
        const full = cells(units(reader.pages({ byCase, detail })));
        assert.deepEqual(narrow, full, key);
        if (full.some(([v]) => v !== null)) nonEmpty++;
      }
      assert.ok(nonEmpty > keys.length / 2, `the dataset fills most columns (${nonEmpty}/${keys.length}), so the comparison means something`);
    } finally {
      db.close();
    }
  });
});
