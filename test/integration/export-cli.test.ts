// `scandesk export` as a real child process against a real SQLite file: every option the export dialog has
// (scope all / quick filter / ids / case, only verified, template, header language, preset, format), and usage
// errors exit 2 with a Russian and an English line. The CLI's CSV equals the golden file the UI path produces.
import { runCli } from '../helpers/cli.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { main } from '../../main/cli.ts';
import { createEngine } from '../../main/engine/app.ts';
import { insertExportDataset, INN_1, PERSON_1, PERSON_2 } from '../fixtures/golden/export/dataset.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-export-cli-'));
const db = path.join(root, 'scandesk.db');
let ids: ReturnType<typeof insertExportDataset>;
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.SCANDESK_DB_KEY; // the --db file is plain, as a script would hand it over

before(async () => {
  const engine = await createEngine({ dataDir: root, dbFile: db, mode: 'test', dbKey: null, autoStart: false });
  ids = insertExportDataset(engine.ctx.db);
  await engine.stop();
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(['export', ...args], env);
/** main() in this process, stderr captured. */
async function inProcess(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}
const out = (name: string) => path.join(root, 'out', name);
async function exportOk(args: string[]): Promise<string> {
  const file = out(`${Math.random().toString(36).slice(2)}-${args.join('_').replace(/[^\w-]+/g, '')}.out`);
  const r = await cli(['--db', db, '--out', file, ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Выгружено строк \/ rows exported/);
  return file;
}
const csv = (file: string, delimiter = ';') => parse(fs.readFileSync(file, 'utf8'), { bom: true, delimiter }) as string[][];

void describe('scandesk export (child process)', () => {
  void test('CSV, all documents, defaults: byte-identical to the golden file of the UI export path', async () => {
    const file = await exportOk(['--format', 'csv']);
    assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(import.meta.dirname, '../fixtures/golden/export/default-excel-ru.csv')));
  });

  void test('says what the export dialog says: files without data left out, leading zeros a CSV loses', async () => {
    const r = await cli(['--db', db, '--out', out('notes.csv'), '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Не выгружено файлов без данных .*: 4; добавить их: --include-unrecognised\n.*left out: 4/);
    assert.match(r.stderr, /ведущим нулём \((ИНН 012345678912\).* в 12345678912|Серия 0312\).* в 312|Номер 000123\).* в 123); XLSX их сохраняет/);
    const x = await cli(['--db', db, '--out', out('notes.xlsx'), '--format', 'xlsx', '--include-unrecognised']);
    assert.equal(x.code, 0, x.stderr);
    assert.doesNotMatch(x.stderr, /без данных|ведущим нулём/, 'nothing left out, and XLSX keeps the zeros');
  });

  void test('CSV: --filter verified --lang en --preset rfc4180 → only the verified rows, English headers, commas', async () => {
    const rows = csv(await exportOk(['--format', 'csv', '--filter', 'verified', '--lang', 'en', '--preset', 'rfc4180']), ',');
    assert.deepEqual(rows[0]!.slice(0, 6), ['File', 'Case', 'Document type', 'Status', 'Review', 'Surname']);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), ['инн.jpg', 'паспорт.pdf']);
  });

  void test('CSV: --ids selects documents, --case selects a case, --only-verified narrows either, --include-unrecognised adds rows without data', async () => {
    const byIds = csv(await exportOk(['--format', 'csv', '--ids', `${ids.passport2},${ids.failed}`, '--include-unrecognised']));
    assert.deepEqual(byIds.slice(1).map((r) => r[0]), ['паспорт.pdf', 'мусор.jpg']);
    // Without the flag a file with no data (failed, rejected, skipped, duplicate) stays out, even when named.
    const withData = csv(await exportOk(['--format', 'csv', '--ids', `${ids.passport2},${ids.failed},${ids.ignored}`]));
    assert.deepEqual(withData.slice(1).map((r) => [r[0], r[3]]), [['паспорт.pdf', 'Распознан']]);
    const all = csv(await exportOk(['--format', 'csv', '--include-unrecognised']));
    assert.deepEqual(all.slice(1).map((r) => r[3]), ['Распознан', 'Распознан', 'Распознан', 'Распознан', 'Сбой', 'Отклонён', 'Пропущен', 'Дубликат']);
    const byCase = csv(await exportOk(['--format', 'csv', '--case', String(ids.c1)]));
    assert.deepEqual(byCase.slice(1).map((r) => r[0]), ['паспорт.jpg', 'инн.jpg', 'селфи.jpg']);
    const verified = csv(await exportOk(['--format', 'csv', '--case', String(ids.c1), '--only-verified']));
    assert.deepEqual(verified.slice(1).map((r) => r[0]), ['инн.jpg']);
  });

  void test('XLSX with the 1C template for one case: one person row, text cells, leading zeros', async () => {
    const file = await exportOk(['--format', 'xlsx', '--template', '1c-persons', '--case', String(ids.c1)]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['Лица', 'Замечания']);
    const values = (wb.worksheets[0]!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    assert.deepEqual(values, [
      ['ФИО', 'Дата рождения', 'Паспорт серия', 'Паспорт номер', 'Кем выдан', 'Дата выдачи', 'Код подразделения', 'ИНН'],
      ['ИВАНОВА @ЕЛЕНА -', PERSON_1.BirthDate, PERSON_1.Series, "'=1+2", PERSON_1.IssuedBy, PERSON_1.IssueDate, '770-001', INN_1.INN],
    ]);
    assert.equal(wb.worksheets[0]!.getCell('C2').numFmt, '@');
  });

  void test('XLSX with English headers over a quick filter', async () => {
    const file = await exportOk(['--format', 'xlsx', '--filter', 'has-errors', '--lang', 'en']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['Documents', 'Findings']);
    const sheet = wb.worksheets[0]!;
    assert.equal(sheet.getCell('A1').value, 'File');
    assert.equal(sheet.rowCount, 2, 'header + the one document with an error finding');
    assert.equal(sheet.getCell('A2').value, 'паспорт.jpg');
  });

  void test('JSON and NDJSON: the same records the dialog writes', async () => {
    const json = JSON.parse(fs.readFileSync(await exportOk(['--format', 'json', '--ids', String(ids.passport2)]), 'utf8')) as { id: number; fields: Record<string, { value: string }> }[];
    assert.deepEqual(json.map((r) => r.id), [ids.passport2]);
    assert.equal(json[0]!.fields.Number!.value, PERSON_2.Number);
    const lines = fs.readFileSync(await exportOk(['--format', 'ndjson', '--filter', 'verified']), 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { id: number }).id), [ids.inn1, ids.passport2]);
  });

  void test('usage errors exit 2 with a Russian and an English message, and write no file', async () => {
    // Two through a real process (exit code + stderr), the rest through the same main() in-process (fast).
    const spawned = await cli(['--db', db, '--format', 'pdf', '--out', out('x.pdf')]);
    assert.equal(spawned.code, 2);
    assert.match(spawned.stderr, /--format: допустимо.*\n.*--format must be one of/);
    const missingDb = await cli(['--db', path.join(root, 'nope.db'), '--format', 'csv', '--out', out('x.csv')]);
    assert.equal(missingDb.code, 2);
    assert.match(missingDb.stderr, /База не найдена.*\n.*Database not found/);
    const cases: [string[], RegExp, RegExp][] = [
      [['--out', out('x.csv')], /Укажите --format/, /Give --format/],
      [['--format', 'csv'], /Укажите --out/, /Give --out/],
      [['--format', 'csv', '--out', out('x.csv'), '--filter', 'nonsense'], /--filter: допустимо/, /--filter must be one of/],
      [['--format', 'csv', '--out', out('x.csv'), '--ids', '1,x'], /--ids: номера документов/, /comma-separated document ids/],
      [['--format', 'csv', '--out', out('x.csv'), '--ids', '1', '--case', '2'], /не больше одного/, /at most one of/],
      [['--format', 'csv', '--out', out('x.csv'), '--lang', 'de'], /--lang: допустимо/, /--lang must be one of/],
      [['--format', 'csv', '--out', out('x.csv'), '--preset', 'excel'], /--preset: допустимо/, /--preset must be one of/],
      [['--format', 'xlsx', '--out', out('x.xlsx'), '--preset', 'rfc4180'], /только к --format csv/, /csv only/],
      [['--format', 'csv', '--out', out('x.csv'), '--case', '0'], /--case: ожидается число/, /--case: expected a number/],
      [['--format', 'csv', '--out', out('x.csv'), '--template', 'nope'], /Шаблон выгрузки «nope» не найден/, /template "nope" not found/],
      [['--format', 'csv', '--out', out('x.csv'), '--bogus'], /Неверные параметры/, /Invalid arguments/],
    ];
    for (const [args, ru, en] of cases) {
      const r = await inProcess(['export', '--db', db, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, ru, args.join(' '));
      assert.match(r.stderr, en, args.join(' '));
    }
    assert.equal(['x.csv', 'x.xlsx', 'x.pdf'].some((f) => fs.existsSync(out(f))), false);
  });

  void test('--only-verified never exports a document without recognised data, whatever its review state says', async () => {
    // A row verified before the rule existed (e.g. a failed document confirmed with one Enter).
    const engine = await createEngine({ dataDir: root, dbFile: db, mode: 'test', dbKey: null, autoStart: false });
    engine.ctx.db.prepare(`UPDATE documents SET review_state = 'verified' WHERE id = ?`).run(ids.failed);
    await engine.stop();
    // Rows without data are exported only when asked (--include-unrecognised); --only-verified refuses them even then.
    assert.deepEqual(csv(await exportOk(['--format', 'csv', '--ids', String(ids.failed), '--include-unrecognised'])).slice(1).map((r) => r[0]), ['мусор.jpg']);
    assert.deepEqual(csv(await exportOk(['--format', 'csv', '--ids', String(ids.failed), '--only-verified'])).slice(1), []);
    assert.deepEqual(csv(await exportOk(['--format', 'csv', '--ids', String(ids.failed), '--only-verified', '--include-unrecognised'])).slice(1), []);
  });
});
