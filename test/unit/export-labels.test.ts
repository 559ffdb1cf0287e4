// What a clerk reads in an export: states, review, findings and yes/no values in words (Russian, or English with
// --lang en), never the engine's codes; Пол, Печать/Подпись and the department code in one form whatever the
// document type sent; the default scope (documents with data) and the preview the export dialog shows.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { openDatabase } from '../../main/engine/db/open.ts';
import { buildExportWhere } from '../../main/engine/export/scope.ts';
import { formatSummary } from '../../main/cli-output.ts';
import { insertExportDataset, INN_1, PERSON_2 } from '../fixtures/golden/export/dataset.ts';
import { decodeCsv, dumpXlsx, PRESETS, RAW_CODES, REVIEW_WORDS, runExport, STATUS_WORDS, type Preset } from '../helpers/export-tables.ts';
import { seedDocuments } from '../helpers/seed.ts';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-export-labels-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** Cells a Russian spreadsheet may hold in Latin letters: names of things, not codes (the findings sheet's Код column is skipped). */
const LATIN_OK = /^(Thumbs\.db|API|ScanDesk|MRZ.*|PNRUS.*|\d{4}\d+RUS.*)$/;
function assertNoCodes(rows: unknown[][], what: string, skipColumn = -1) {
  rows.forEach((row, r) => row.forEach((v, c) => {
    if (c === skipColumn || typeof v !== 'string' || v === '') return;
    assert.ok(!RAW_CODES.has(v), `${what} row ${r} col ${c}: raw code «${v}»`);
    if (/^[A-Za-z][A-Za-z._-]*$/.test(v)) assert.match(v, LATIN_OK, `${what} row ${r} col ${c}: Latin-only «${v}»`);
  }));
}

void describe('spreadsheets in Russian hold words, not codes', () => {
  for (const preset of Object.keys(PRESETS) as Preset[]) {
    void test(`CSV ${preset}, every row kind: states and review in Russian, Пол М/Ж, Да/Нет, NNN-NNN`, async () => {
      const r = await runExport(tmpRoot, `all-${preset}.csv`, { format: 'csv', csvPreset: preset, includeUnrecognised: true });
      const [header, ...rows] = decodeCsv(r.buf, preset);
      assertNoCodes(rows, preset);
      const col = (h: string) => header!.indexOf(h);
      assert.deepEqual(rows.map((x) => x[col('Статус')]), ['Распознан', 'Распознан', 'Распознан', 'Распознан', 'Сбой', 'Отклонён', 'Пропущен', 'Дубликат']);
      assert.deepEqual([...new Set(rows.map((x) => x[col('Проверка')]))], ['Не проверен', 'Проверен']);
      const inn = rows.find((x) => x[0] === 'инн.jpg')!;
      assert.deepEqual([inn[col('Пол')], inn[col('Печать (ИНН)')], inn[col('Подпись')]], ['Ж', 'Да', 'Да'], 'INN sends F / true');
      const p1 = rows[0]!;
      assert.deepEqual([p1[col('Пол')], p1[col('Есть фото')], p1[col('Подпись владельца')], p1[col('Код подразделения')]], ['Ж', 'Да', 'Да', '770-001']);
      assert.equal(header!.filter((h) => h === 'Печать').length, 1, 'no two columns read «Печать»');
    });
  }

  void test('XLSX: every sheet, the Замечания sheet with field labels, severity and source in words', async () => {
    const r = await runExport(tmpRoot, 'all.xlsx', { format: 'xlsx', includeUnrecognised: true });
    const sheets = await dumpXlsx(r.file);
    for (const s of sheets) assertNoCodes(s.cells.slice(1).map((row) => row.map((c) => c.v)), s.name, s.name === 'Замечания' ? 5 : -1);
    const findings = sheets.find((s) => s.name === 'Замечания')!;
    assert.deepEqual(findings.cells.slice(1).map((row) => [row[3]!.v, row[4]!.v, row[7]!.v]), [['Номер', 'Ошибка', 'ScanDesk'], [null, 'Предупреждение', 'API']]);
    const innSheet = sheets.find((s) => s.name === 'ИНН')!;
    const h = innSheet.cells[0]!.map((c) => c.v);
    assert.deepEqual([innSheet.cells[1]![h.indexOf('Пол')]!.v, innSheet.cells[1]![h.indexOf('Статус')]!.v], ['Ж', 'Распознан']);
  });

  void test('1C CSV and XLSX: the department code as NNN-NNN, the INN with its leading zero', async () => {
    const r = await runExport(tmpRoot, '1c.csv', { format: 'csv', templateId: '1c-persons' });
    const rows = decodeCsv(r.buf, 'excel-ru');
    assert.deepEqual(rows.slice(1).map((x) => [x[6], x[7]]), [['770-001', INN_1.INN], [PERSON_2.IssueId, '']]);
  });

  void test('--lang en: English words in the same columns, JSON-style codes nowhere', async () => {
    const r = await runExport(tmpRoot, 'en.csv', { format: 'csv', csvPreset: 'rfc4180', headerLanguage: 'en', includeUnrecognised: true });
    const [header, ...rows] = decodeCsv(r.buf, 'rfc4180');
    const col = (h: string) => header!.indexOf(h);
    assert.deepEqual(rows.map((x) => x[col('Status')]), r.snap.docs.map((d) => STATUS_WORDS[d.status]!.en));
    assert.deepEqual(rows.map((x) => x[col('Review')]), r.snap.docs.map((d) => REVIEW_WORDS[d.review]!.en));
    const inn = rows.find((x) => x[0] === 'инн.jpg')!;
    assert.deepEqual([inn[col('Gender')], inn[col('Seal (INN)')], inn[col('Signature')]], ['F', 'Yes', 'Yes']);
    const x = await runExport(tmpRoot, 'en.xlsx', { format: 'xlsx', headerLanguage: 'en' });
    const findings = (await dumpXlsx(x.file)).find((s) => s.name === 'Findings')!;
    assert.deepEqual(findings.cells.slice(1).map((row) => [row[3]!.v, row[4]!.v, row[7]!.v]), [['Number', 'Error', 'ScanDesk'], [null, 'Warning', 'API']]);
  });
});

void describe('default scope: documents with data', () => {
  void test('failed, rejected, skipped (Thumbs.db) and duplicate rows only when asked, in every format', async () => {
    for (const format of ['csv', 'xlsx', 'json', 'ndjson'] as const) {
      const def = await runExport(tmpRoot, `def.${format}`, { format });
      assert.equal(def.rows, 4, `${format}: the recognised documents`);
      const all = await runExport(tmpRoot, `all.${format}`, { format, includeUnrecognised: true });
      assert.equal(all.rows, 8, `${format}: asked for every row`);
    }
    const sel = await runExport(tmpRoot, 'sel.csv', { format: 'csv', scope: { kind: 'selection', ids: [4, 5, 7] } });
    assert.deepEqual(decodeCsv(sel.buf, 'excel-ru').slice(1).map((x) => x[0]), ['паспорт.pdf'], 'a selection is narrowed the same way');
  });
});

void describe('default scope keeps the export on its keyset index', () => {
  // The record reader pages by (case_id, id) through documents_case, or by id: the narrowing to documents with data
  // (or to verified ones) must not make SQLite pick the status index and sort the whole scope for every page.
  void test('no page query sorts in a temporary B-tree', () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(tmpRoot, 'plan-')), 'scandesk.db'), { key: null });
    try {
      seedDocuments(db, { count: 300, seed: 2 });
      for (const options of [{}, { onlyVerified: true }, { includeUnrecognised: true }]) {
        const where = buildExportWhere({ scope: { kind: 'all' }, onlyVerified: false, ...options }, 0.9);
        for (const [keyset, order, keys] of [['d.case_id IS NOT NULL AND (d.case_id, d.id) > (?, ?)', 'd.case_id, d.id', [1, 1]], ['d.id > ?', 'd.id', [1]]] as const) {
          const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT d.id FROM documents d WHERE (${where.sql}) AND ${keyset} ORDER BY ${order} LIMIT 500`)
            .all(...where.params, ...keys) as { detail: string }[]).map((r) => r.detail).join('; ');
          assert.doesNotMatch(plan, /TEMP B-TREE/, `${JSON.stringify(options)} ${order}: ${plan}`);
        }
      }
    } finally {
      db.close();
    }
  });
});

void describe('export:preview', () => {
  void test('counts, rows without data, and a leading-zero identifier of the template', async () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'preview-'));
    const engine = await createEngine({ dataDir: dir, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    try {
      const ids = insertExportDataset(engine.ctx.db);
      const preview = async (args: object) => {
        const res = await engine.call('export:preview', args);
        assert.ok(res.ok, JSON.stringify(res));
        return res.value as { documents: number; withoutData: number; leadingZero: { field: string; value: string } | null };
      };
      // Any one of Ivanova's and Petrov's zero-led identifiers will do as the example.
      const zeros = ['Series 0312', `INN ${INN_1.INN}`, 'Number 000123'];
      const all = await preview({});
      assert.deepEqual([all.documents, all.withoutData], [4, 4]);
      assert.ok(zeros.includes(`${all.leadingZero?.field} ${all.leadingZero?.value}`), JSON.stringify(all.leadingZero));
      const asked = await preview({ includeUnrecognised: true });
      assert.deepEqual([asked.documents, asked.withoutData], [8, 0]);
      assert.ok(zeros.includes(`${asked.leadingZero?.field} ${asked.leadingZero?.value}`));
      // Petrov: series 4500, number 000123 → the number.
      assert.deepEqual((await preview({ scope: { kind: 'selection', ids: [ids.passport2] } })).leadingZero, { field: 'Number', value: '000123' });
      assert.deepEqual((await preview({ scope: { kind: 'selection', ids: [ids.inn1] } })).leadingZero, { field: 'INN', value: INN_1.INN });
      assert.equal((await preview({ scope: { kind: 'selection', ids: [ids.selfie1] } })).leadingZero, null);
      assert.deepEqual(await preview({ scope: { kind: 'case', caseId: ids.c1 }, onlyVerified: true }), { documents: 1, withoutData: 0, leadingZero: { field: 'INN', value: INN_1.INN } });
      // A template without identifier columns has nothing to lose.
      await engine.call('export:save-template', { id: 'names', name: 'ФИО', columns: [{ key: 'fio' }, { key: 'field:BirthDate' }] });
      assert.equal((await preview({ templateId: 'names' })).leadingZero, null);
    } finally {
      await engine.stop();
    }
  });

  void test('answers over 3,000 documents with no leading zero at all, and finds one planted at the end', async () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'preview-big-'));
    const engine = await createEngine({ dataDir: dir, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    try {
      const ids = seedDocuments(engine.ctx.db, { count: 3000, seed: 3 });
      const res = await engine.call('export:preview', {});
      assert.ok(res.ok);
      assert.deepEqual(res.value, { documents: ids.length, withoutData: 0, leadingZero: null }, 'the seed has no leading zeros (series 45xx, numbers ≥ 100000, INN 77…)');
      const last = (engine.ctx.db.prepare(`SELECT MAX(id) AS id FROM documents WHERE doc_type = 'PASSPORT'`).get() as { id: number }).id;
      engine.ctx.db.prepare(`UPDATE fields SET value = '012345' WHERE document_id = ? AND name = 'Number'`).run(last);
      const again = await engine.call('export:preview', {});
      assert.ok(again.ok);
      assert.deepEqual((again.value as { leadingZero: unknown }).leadingZero, { field: 'Number', value: '012345' });
      const other = await engine.call('export:preview', { scope: { kind: 'selection', ids: [ids[0]!] } });
      assert.ok(other.ok);
      assert.equal((other.value as { leadingZero: unknown }).leadingZero, null, 'a hit outside the scope does not count');
    } finally {
      await engine.stop();
    }
  });
});

void describe('CLI summary', () => {
  void test('unfinished cases are listed with their state in Russian words', () => {
    const text = formatSummary({
      documents: { recognised: 3, rejected: 1 }, billable: 1, billedDocuments: 1,
      failed: [{ caseId: 7, label: 'Иванов', state: 'rejected', reason: 'Файл меньше 600 пикселей' }, { caseId: 8, label: 'Петров', state: 'uncertain', reason: null }],
    });
    assert.match(text, /дело 7 «Иванов»: Не принято — Файл меньше 600 пикселей\n/);
    assert.match(text, /дело 8 «Петров»: Неясно, отправлено ли\n/);
    assert.doesNotMatch(text, /: (rejected|uncertain)\b/);
  });
});
