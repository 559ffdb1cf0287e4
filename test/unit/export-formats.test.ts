// Export formats against a real SQLite file: golden files per format/preset, round-trips (csv-parse, exceljs,
// zod), and what LibreOffice actually shows when it opens the files (skipped with a reason when soffice is absent).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { exportOptionsSchema, type ExportOptions } from '../../shared/api/export.ts';
import { createEngine } from '../../main/engine/app.ts';
import { exportToFile, jsonRecordSchema } from '../../main/engine/export/index.ts';
import { insertExportDataset, INN_1, PERSON_1, PERSON_2 } from '../fixtures/golden/export/dataset.ts';

const GOLDEN = path.join(import.meta.dirname, '../fixtures/golden/export');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-export-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** A fresh engine + dataset per export, so every file is produced from the same state. */
async function runExport(name: string, options: Partial<ExportOptions> & Pick<ExportOptions, 'format'>) {
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'run-'));
  const engine = await createEngine({ dataDir: dir, mode: 'test', dbKey: null, autoStart: false });
  try {
    const ids = insertExportDataset(engine.ctx.db);
    const result = await exportToFile(engine.ctx, exportOptionsSchema.parse(options), path.join(dir, name));
    const fieldsOf = (docId: number) => new Map(
      (engine.ctx.db.prepare('SELECT name, value FROM fields WHERE document_id = ?').all(docId) as { name: string; value: string | null }[]).map((r) => [r.name, r.value]),
    );
    // Per-document exports are in document id order.
    const order = [ids.passport1, ids.inn1, ids.selfie1, ids.passport2, ids.failed].map(fieldsOf);
    return { ...result, buf: fs.readFileSync(result.file), ids, order };
  } finally {
    await engine.stop();
  }
}

function checkGolden(name: string, content: Buffer | string) {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    fs.writeFileSync(file, content);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${name} missing — run with UPDATE_GOLDEN=1 and review it`);
  assert.deepEqual(Buffer.from(content), fs.readFileSync(file), `${name} differs from its golden file`);
}

// Independent restatement of the OWASP rule, so a broken guard in the code cannot pass its own check.
const guarded = (v: string | null | undefined) => (v ? (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) : '');

const PRESETS = {
  'excel-ru': { bom: Buffer.from([0xef, 0xbb, 0xbf]), encoding: 'utf8', delimiter: ';', eol: '\r\n' },
  'excel-utf16': { bom: Buffer.from([0xff, 0xfe]), encoding: 'utf16le', delimiter: '\t', eol: '\r\n' },
  rfc4180: { bom: Buffer.alloc(0), encoding: 'utf8', delimiter: ',', eol: '\n' },
} as const;

function decodeCsv(buf: Buffer, preset: keyof typeof PRESETS): string[][] {
  const p = PRESETS[preset];
  assert.deepEqual(buf.subarray(0, p.bom.length), p.bom, `${preset}: BOM`);
  if (preset === 'rfc4180') assert.notEqual(buf[0], 0xef, 'rfc4180 has no BOM');
  const text = buf.subarray(p.bom.length).toString(p.encoding);
  assert.ok(text.endsWith(p.eol), `${preset}: record delimiter`);
  if (p.eol === '\n') assert.ok(!text.includes('\r\n'), 'rfc4180 uses LF only');
  return parse(text, { delimiter: p.delimiter, relax_column_count: false }) as string[][];
}

void describe('CSV presets', () => {
  for (const preset of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
    void test(`${preset}: golden bytes and round-trip of every field`, async () => {
      const r = await runExport(`out-${preset}.csv`, { format: 'csv', csvPreset: preset });
      checkGolden(`default-${preset}.csv`, r.buf);
      const [header, ...rows] = decodeCsv(r.buf, preset);
      assert.equal(rows.length, 5);
      assert.equal(r.rows, 5);
      const col = (label: string) => {
        const i = header!.indexOf(label);
        assert.ok(i >= 0, `column ${label}`);
        return i;
      };
      // Every field column of every row equals the DB value (guarded); field columns are the ones after 'Проверка'.
      const fieldNames = ['LastName', 'FirstName', 'MiddleName', 'Gender', 'BirthDate', 'BirthPlace', 'Series', 'Number', 'IssuedBy', 'IssueDate', 'IssueId', 'Address'];
      const labels = ['Фамилия', 'Имя', 'Отчество', 'Пол', 'Дата рождения', 'Место рождения', 'Серия', 'Номер', 'Кем выдан', 'Дата выдачи', 'Код подразделения', 'Адрес'];
      rows.forEach((row, i) => fieldNames.forEach((f, j) => assert.equal(row[col(labels[j]!)], guarded(r.order[i]!.get(f)), `row ${i} ${f}`)));
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
    assert.deepEqual(rows, [
      ['ФИО', 'Дата рождения', 'Паспорт серия', 'Паспорт номер', 'Кем выдан', 'Дата выдачи', 'Код подразделения', 'ИНН'],
      ['ИВАНОВА @ЕЛЕНА -', '01.02.2003', '0312', "'=1+2", PERSON_1.IssuedBy, '05.03.2023', '770-001', INN_1.INN],
      [`${PERSON_2.LastName} ${PERSON_2.FirstName} ${PERSON_2.MiddleName}`, PERSON_2.BirthDate, '4500', '000123', 'УФМС', '01.01.2020', '500-100', ''],
    ]);
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

type CellDump = { v: unknown; t: number; fmt?: string; fill?: string; note?: string };
async function dumpXlsx(file: string) {
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
    // Row order (id): passport1, passport2, failed. Every field cell equals the DB value, as a string.
    const fieldLabels: [string, string][] = [['Series', 'Серия'], ['Number', 'Номер'], ['BirthDate', 'Дата рождения'], ['IssueDate', 'Дата выдачи'], ['IssuedBy', 'Кем выдан'], ['BirthPlace', 'Место рождения'], ['FirstName', 'Имя']];
    for (const [row, fields] of [[1, r.order[0]!], [2, r.order[3]!]] as const) {
      for (const [f, label] of fieldLabels) {
        const cell = at(row, label);
        const expected = guarded(fields.get(f));
        assert.equal(cell.v ?? '', expected, `${label} row ${row}`);
        if (expected) assert.equal(cell.t, ExcelJS.ValueType.String, `${label} is a string cell`);
      }
    }
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
    assert.deepEqual(sheets[0]!.cells.map((row) => row.map((c) => c.v ?? '')), [
      ['ФИО', 'Дата рождения', 'Паспорт серия', 'Паспорт номер', 'Кем выдан', 'Дата выдачи', 'Код подразделения', 'ИНН'],
      ['ИВАНОВА @ЕЛЕНА -', '01.02.2003', '0312', "'=1+2", PERSON_1.IssuedBy, '05.03.2023', '770-001', INN_1.INN],
      ['ПЕТРОВ ПЁТР ПЕТРОВИЧ', '31.12.1999', '4500', '000123', 'УФМС', '01.01.2020', '500-100', ''],
    ]);
  });
});

void describe('JSON / NDJSON', () => {
  for (const format of ['json', 'ndjson'] as const) {
    void test(`${format}: golden, schema, edit history, findings, raw result`, async () => {
      const r = await runExport(`out.${format}`, { format });
      checkGolden(`default.${format}`, r.buf);
      const text = r.buf.toString('utf8');
      const records = format === 'json'
        ? (JSON.parse(text) as unknown[])
        : text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
      assert.equal(records.length, 5);
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
    });
  }
});

// ---- LibreOffice: what a spreadsheet actually shows ----
const soffice = ['/usr/bin/soffice', '/usr/local/bin/soffice', '/usr/lib/libreoffice/program/soffice'].find((p) => fs.existsSync(p));
const run = promisify(execFile);

async function convertWithLibreOffice(file: string, infilter?: string): Promise<string[][]> {
  const outDir = fs.mkdtempSync(path.join(tmpRoot, 'lo-'));
  const profile = fs.mkdtempSync(path.join(tmpRoot, 'lo-profile-'));
  const args = ['--headless', `-env:UserInstallation=file://${profile}`];
  if (infilter) args.push(`--infilter=${infilter}`);
  // 44,34,76 = comma, double quote, UTF-8 for the CSV LibreOffice writes back.
  args.push('--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', outDir, file);
  await run(soffice!, args, { timeout: 90_000 });
  const out = path.join(outDir, path.basename(file).replace(/\.[^.]+$/, '.csv'));
  return parse(fs.readFileSync(out, 'utf8'), { relax_column_count: true }) as string[][];
}

void describe('LibreOffice opens the exports', { skip: soffice ? false : 'soffice not on PATH (CI installs libreoffice-calc-nogui)' }, () => {
  void test('XLSX 1c-persons: leading zeros, full INN, dates as text, formula text not executed', async () => {
    const r = await runExport('lo-1c.xlsx', { format: 'xlsx', templateId: '1c-persons' });
    const shown = await convertWithLibreOffice(r.file);
    assert.deepEqual(shown[1], ['ИВАНОВА @ЕЛЕНА -', '01.02.2003', '0312', "'=1+2", PERSON_1.IssuedBy, '05.03.2023', '770-001', '012345678912']);
    assert.deepEqual(shown[2]!.slice(2, 4), ['4500', '000123']);
  });

  void test('XLSX default (first sheet Паспорт): text cells survive as typed', async () => {
    const r = await runExport('lo-default.xlsx', { format: 'xlsx' });
    const shown = await convertWithLibreOffice(r.file);
    const h = shown[0]!;
    const p1 = shown[1]!;
    assert.equal(p1[h.indexOf('Серия')], '0312');
    assert.equal(p1[h.indexOf('Номер')], "'=1+2");
    assert.equal(p1[h.indexOf('Дата рождения')], '01.02.2003');
    assert.equal(p1[h.indexOf('Место рождения')], PERSON_1.BirthPlace);
  });

  void test('CSV excel-utf16 (TAB): formula text is not executed', async () => {
    const r = await runExport('lo.csv', { format: 'csv', csvPreset: 'excel-utf16' });
    // 9 = TAB, 34 = quote, 65535 = UTF-16 (Unicode); LibreOffice types CSV cells itself (that is why XLSX is the default).
    const shown = await convertWithLibreOffice(r.file, 'Text - txt - csv (StarCalc):9,34,65535,1');
    const h = shown[0]!;
    const p1 = shown[1]!;
    assert.notEqual(p1[h.indexOf('Номер')], '3', 'the =1+2 cell was evaluated');
    assert.match(p1[h.indexOf('Номер')]!, /=1\+2/);
    assert.equal(p1[h.indexOf('Кем выдан')], PERSON_1.IssuedBy);
  });
});
