// The export module through the contract (engine.call): export folder + generated names, logging
// (exports / export_documents / document_exports / audit), scopes, templates, log, reveal, failure atomicity.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Events } from '../../shared/api.ts';
import { exportOptionsSchema } from '../../shared/api/export.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { isPostgres } from '../../main/engine/db/open.ts';
import { exportFileName, exportToFile } from '../../main/engine/export/index.ts';
import { buildExportWhere } from '../../main/engine/export/scope.ts';
import { seedDocuments } from '../helpers/seed.ts';

let dir: string;
let exportDir: string;
let engine: Engine;
let ids: number[];
const revealed: string[] = [];
const progress: Events['export:progress'][] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-export-module-'));
  exportDir = path.join(dir, 'Экспорт');
  engine = await createEngine({ dataDir: dir, mode: 'test', dbKey: null, autoStart: false, reveal: (p) => (revealed.push(p), true) });
  engine.ctx.settings.set({ exportDir });
  engine.ctx.events.subscribe((name, payload) => {
    if (name === 'export:progress') progress.push(payload as Events['export:progress']);
  });
  ids = seedDocuments(engine.ctx.db, { count: 1200, seed: 7 });
});
after(async () => {
  await engine.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<T>(channel: string, args: unknown): Promise<T> {
  const res = await engine.call(channel, args);
  if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
  return res.value as T;
}
async function callError(channel: string, args: unknown): Promise<string> {
  const res = await engine.call(channel, args);
  assert.equal(res.ok, false, `${channel} should fail`);
  return res.ok ? '' : res.error.code;
}
const db = () => engine.ctx.db;
const exportedCount = () => (db().prepare('SELECT COUNT(exported_at) AS n FROM document_exports').get() as { n: number }).n;
const readCsv = (file: string) => parse(fs.readFileSync(file, 'utf8'), { bom: true, delimiter: ';' }) as string[][];

void describe('export:run', () => {
  void test('writes into the export folder under a generated name and logs everything', async () => {
    progress.length = 0;
    const r = await call<{ exportId: number; fileName: string; rows: number }>('export:run', { format: 'xlsx' });
    assert.match(r.fileName, /^ScanDesk_\d{4}-\d{2}-\d{2}_\d{4}(_\d+)?\.xlsx$/);
    assert.equal(r.rows, 1200);
    assert.deepEqual(fs.readdirSync(exportDir), [r.fileName], 'no temp file left beside the export');
    const row = db().prepare('SELECT * FROM exports WHERE id = ?').get(r.exportId) as Record<string, unknown>;
    assert.equal(row.state, 'done');
    assert.equal(row.row_count, 1200);
    assert.equal(row.actor, engine.ctx.actor);
    assert.equal(row.file_path, path.join(exportDir, r.fileName));
    assert.equal(JSON.parse(row.options as string).format, 'xlsx');
    assert.equal((db().prepare('SELECT COUNT(*) AS n FROM export_documents WHERE export_id = ?').get(r.exportId) as { n: number }).n, 1200);
    assert.equal(exportedCount(), 1200);
    const audit = db().prepare(`SELECT actor, details FROM audit_events WHERE action = 'export' ORDER BY id DESC LIMIT 1`).get() as { actor: string; details: string };
    assert.equal(JSON.parse(audit.details).exportId, r.exportId);
    engine.ctx.events.flush();
    const last = progress.at(-1)!;
    assert.deepEqual([last.exportId, last.finished, last.fileName, last.error], [r.exportId, true, r.fileName, null]);
  });

  void test('every document has its mark row from its insert, and an export sets the rows of the documents it wrote', async () => {
    const rows = () => db().prepare('SELECT COUNT(*) AS n, COUNT(exported_at) AS marked FROM document_exports').get() as { n: number; marked: number };
    db().prepare('UPDATE document_exports SET exported_at = NULL').run();
    assert.deepEqual({ ...rows() }, { n: 1200, marked: 0 }, 'one row per seeded document, none exported yet');
    const [added] = seedDocuments(db(), { count: 1, seed: 99 });
    assert.deepEqual(db().prepare('SELECT exported_at AS at FROM document_exports WHERE document_id = ?').get(added), { at: null });
    const r = await call<{ exportId: number }>('export:run', { format: 'csv', scope: { kind: 'selection', ids: [ids[0]!, ids[1]!, added!] } });
    const at = (db().prepare('SELECT at FROM exports WHERE id = ?').get(r.exportId) as { at: number }).at;
    assert.deepEqual({ ...rows() }, { n: 1201, marked: 3 }, 'the export updated rows, it added none');
    assert.ok((db().prepare('SELECT MIN(exported_at) AS m FROM document_exports WHERE exported_at IS NOT NULL').get() as { m: number }).m >= at);
    db().prepare('DELETE FROM documents WHERE id = ?').run(added!);
  });

  void test('a document whose mark row is missing is still marked by its export', async () => {
    db().prepare('UPDATE document_exports SET exported_at = NULL').run();
    db().prepare('DELETE FROM document_exports WHERE document_id = ?').run(ids[2]!);
    await call('export:run', { format: 'csv', scope: { kind: 'selection', ids: [ids[2]!, ids[3]!] } });
    const marked = db().prepare('SELECT document_id AS id FROM document_exports WHERE exported_at IS NOT NULL ORDER BY document_id').all() as { id: number }[];
    assert.deepEqual(marked.map((m) => m.id), [ids[2]!, ids[3]!].sort((a, b) => a - b));
  });

  void test('a second export in the same minute gets its own name', () => {
    const at = Date.UTC(2026, 10, 22, 12, 32);
    const first = exportFileName(exportDir, at, 'csv');
    fs.writeFileSync(path.join(exportDir, first), '');
    const second = exportFileName(exportDir, at, 'csv');
    assert.notEqual(second, first);
    assert.match(second, /_2\.csv$/);
    fs.rmSync(path.join(exportDir, first));
  });

  void test('renderer cannot pass a path: unknown keys are not a file name', async () => {
    const r = await call<{ fileName: string }>('export:run', { format: 'csv', file: '/etc/evil.csv', scope: { kind: 'selection', ids: [ids[0]] } });
    assert.ok(fs.existsSync(path.join(exportDir, r.fileName)));
    assert.ok(!fs.existsSync('/etc/evil.csv'));
  });
});

void describe('scopes', () => {
  const out = (name: string) => path.join(dir, 'scoped', name);
  const opts = (o: object) => exportOptionsSchema.parse({ format: 'csv', ...o });

  void test('selection, case, filter, onlyVerified', async () => {
    db().prepare('UPDATE document_exports SET exported_at = NULL').run();
    const sel = await exportToFile(engine.ctx, opts({ scope: { kind: 'selection', ids: [ids[5]!, ids[9]!, ids[11]!] } }), out('sel.csv'));
    assert.equal(sel.rows, 3);
    assert.equal(readCsv(sel.file).length, 4);
    assert.equal(exportedCount(), 3, 'only the exported rows are marked');

    const caseId = (db().prepare('SELECT case_id AS c FROM documents WHERE id = ?').get(ids[0]!) as { c: number }).c;
    const byCase = await exportToFile(engine.ctx, opts({ scope: { kind: 'case', caseId } }), out('case.csv'));
    assert.equal(byCase.rows, 3, 'passport, INN, selfie of one person');

    const inn = await exportToFile(engine.ctx, opts({ scope: { kind: 'filter', filter: { quick: 'all', types: ['INN'] } } }), out('inn.csv'));
    assert.equal(inn.rows, 400);
    assert.ok(readCsv(inn.file).slice(1).every((r) => r[2] === 'ИНН'));

    db().prepare(`UPDATE documents SET review_state = 'verified' WHERE id IN (?, ?)`).run(ids[1]!, ids[2]!);
    const verified = await exportToFile(engine.ctx, opts({ onlyVerified: true }), out('verified.csv'));
    assert.equal(verified.rows, 2);

    const low = (db().prepare('SELECT COUNT(*) AS n FROM documents WHERE low_conf_count > 0').get() as { n: number }).n;
    const lowExport = await exportToFile(engine.ctx, opts({ scope: { kind: 'filter', filter: { quick: 'low-confidence' } } }), out('low.csv'));
    assert.ok(low > 0);
    assert.equal(lowExport.rows, low);
  });

  void test('re-export: the exported filter picks what was exported, and it can be exported again', async () => {
    const already = exportedCount();
    const again = await exportToFile(engine.ctx, opts({ scope: { kind: 'filter', filter: { quick: 'exported' } } }), out('again.csv'));
    assert.equal(again.rows, already);
  });

  void test('filter scope uses the grid query: search binds the value, free text finds a person', async () => {
    const w = buildExportWhere({ scope: { kind: 'filter', filter: { quick: 'all', search: "50%_'; DROP" } }, onlyVerified: false }, 0.9);
    assert.ok(!w.sql.includes('DROP'), 'the search text is a bound parameter');
    const n = db().prepare(`SELECT COUNT(*) AS n FROM documents d WHERE ${w.sql}`).get(...w.params) as { n: number };
    assert.equal(n.n, 0);
    const label = (db().prepare('SELECT c.label FROM cases c ORDER BY id LIMIT 1').get() as { label: string }).label;
    const found = await exportToFile(engine.ctx, opts({ scope: { kind: 'filter', filter: { quick: 'all', search: label } } }), out('search.csv'));
    assert.equal(found.rows, 3);
  });
});

void describe('failure leaves no file that looks complete', () => {
  void test('an export that dies mid-stream removes its temp file and is logged as failed', async () => {
    db().prepare('UPDATE document_exports SET exported_at = NULL').run();
    const target = path.join(dir, 'broken', 'half.csv');
    const err = await exportToFile(engine.ctx, exportOptionsSchema.parse({ format: 'csv' }), target, (done) => {
      if (done >= 500) throw new Error('disk full');
    }).then(() => null, (e: unknown) => e as { code?: string; messageRu?: string });
    assert.equal(err?.code, 'export.failed');
    assert.match(err?.messageRu ?? '', /Не удалось выгрузить файл/);
    assert.deepEqual(fs.readdirSync(path.dirname(target)), [], 'neither the target nor a .part file remains');
    const row = db().prepare('SELECT state FROM exports ORDER BY id DESC LIMIT 1').get() as { state: string };
    assert.equal(row.state, 'failed');
    assert.equal(exportedCount(), 0, 'nothing is marked exported by a failed export');
  });

  void test('an export whose file is complete but whose logging fails removes the file too', async () => {
    db().prepare('UPDATE document_exports SET exported_at = NULL').run();
    // The store refuses to mark the export done: the file is written and in place by then.
    db().exec(isPostgres(db())
      ? `CREATE FUNCTION refuse_done() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$;
         CREATE TRIGGER refuse_done BEFORE UPDATE ON exports FOR EACH ROW WHEN (NEW.state = 'done') EXECUTE FUNCTION refuse_done()`
      : `CREATE TRIGGER refuse_done BEFORE UPDATE OF state ON exports WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'disk gone'); END`);
    try {
      const target = path.join(dir, 'unlogged', 'whole.csv');
      const err = await exportToFile(engine.ctx, exportOptionsSchema.parse({ format: 'csv' }), target).then(() => null, (e: unknown) => e as { code?: string });
      assert.equal(err?.code, 'export.failed');
      assert.deepEqual(fs.readdirSync(path.dirname(target)), [], 'a file is left only by an export logged as done');
      const row = db().prepare('SELECT state FROM exports ORDER BY id DESC LIMIT 1').get() as { state: string };
      assert.equal(row.state, 'failed');
      assert.equal(exportedCount(), 0);
    } finally {
      db().exec(isPostgres(db()) ? 'DROP TRIGGER refuse_done ON exports; DROP FUNCTION refuse_done()' : 'DROP TRIGGER refuse_done');
    }
  });
});

void describe('templates and log', () => {
  void test('built-ins listed, custom saved/used/deleted, built-ins protected, unknown columns refused', async () => {
    const list = await call<{ id: string; builtIn: boolean }[]>('export:templates', {});
    assert.deepEqual(list.filter((t) => t.builtIn).map((t) => t.id), ['default', '1c-persons']);
    const custom = { id: 'my', name: 'Мой шаблон', columns: [{ key: 'inn:INN' }, { key: 'fio', header: 'Клиент' }, { key: 'case' }] };
    await call('export:save-template', custom);
    assert.ok((await call<{ id: string }[]>('export:templates', {})).some((t) => t.id === 'my'));
    const r = await call<{ fileName: string }>('export:run', { format: 'csv', templateId: 'my', scope: { kind: 'selection', ids: ids.slice(0, 3) } });
    const rows = readCsv(path.join(exportDir, r.fileName));
    assert.deepEqual(rows[0], ['ИНН', 'Клиент', 'Дело']);
    assert.equal(rows.length, 2, 'one row per person');
    assert.match(rows[1]![0]!, /^\d{12}$/);
    assert.equal(await callError('export:delete-template', { id: 'default' }), 'export.template-built-in');
    assert.equal(await callError('export:save-template', { id: '1c-persons', name: 'x', columns: [{ key: 'fio' }] }), 'export.template-built-in');
    assert.equal(await callError('export:save-template', { id: 'bad', name: 'x', columns: [{ key: 'field:Nope' }] }), 'export.unknown-column');
    await call('export:delete-template', { id: 'my' });
    assert.equal(await callError('export:run', { format: 'csv', templateId: 'my' }), 'export.template-not-found');
  });

  void test('export:log lists newest first with file name and scope; open-folder reveals the file', async () => {
    const log = await call<{ id: number; fileName: string; scope: string; actor: string; rows: number }[]>('export:log', { limit: 50 });
    assert.ok(log.length >= 3);
    assert.ok(log[0]!.id > log[1]!.id);
    assert.ok(log.some((e) => e.scope.startsWith('selection:')));
    assert.ok(log.some((e) => e.scope.endsWith('(failed)')));
    const done = log.find((e) => e.fileName.startsWith('ScanDesk_'))!;
    const res = await call<{ path: string; revealed: boolean }>('export:open-folder', { exportId: done.id });
    assert.equal(res.revealed, true);
    assert.equal(revealed.at(-1), path.join(exportDir, done.fileName));
    assert.equal(await callError('export:open-folder', { exportId: 999999 }), 'export.not-found');
  });
});
