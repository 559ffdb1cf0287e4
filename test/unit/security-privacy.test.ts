// Privacy actions and credential handlers through the real engine (real SQLite file, real files in temp dirs):
// delete-case leaves no row or cached file behind; retention purge drops images and raw API JSON; credentials
// are write-only and never reach logs, the DB or any response.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { createLogger } from '../../main/engine/log.ts';
import { dataPaths } from '../../main/engine/paths.ts';

const SURNAME = 'Ковальчукова';
const PASSPORT = '4509 123456';
const TOKEN = '0123456789abcdef0123456789abcdef';
const UID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789WXYZ';
const DAY = 86_400_000;

let tmp: string;
let engine: Engine;
const now = 1_800_000_000_000;
// One log for the whole file (its write stream opens asynchronously, so it must outlive each test's temp dir).
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-privacy-log-'));
const logFile = path.join(logDir, 'test.log');
const log = createLogger({ file: logFile, level: 'debug' });
after(() => fs.rmSync(logDir, { recursive: true, force: true }));

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-privacy-'));
  engine = await createEngine({
    dataDir: path.join(tmp, 'data'),
    mode: 'test',
    dbKey: null,
    autoStart: false,
    log,
    clock: { now: () => now, sleep: async () => undefined },
  });
});
afterEach(async () => {
  await engine.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A case with two documents, fields, findings, audit rows, an export link, a cached upload and an original scan. */
function seedCase(label: string): { caseId: number; docIds: number[]; original: string; upload: string } {
  const db = engine.ctx.db;
  const watched = path.join(tmp, 'watched');
  const cache = dataPaths(engine.ctx.dataDir).cache;
  fs.mkdirSync(watched, { recursive: true });
  fs.mkdirSync(cache, { recursive: true });
  const original = path.join(watched, `${label}.jpg`);
  const upload = path.join(cache, `${label}-upload.jpg`);
  fs.writeFileSync(original, 'original scan');
  fs.writeFileSync(upload, 'prepared upload');
  const caseId = Number(db.prepare(`INSERT INTO cases(case_key, label, state, raw_result, created_at, updated_at) VALUES (?, ?, 'done', ?, 0, 0)`).run(label, `${SURNAME} ${label}`, JSON.stringify({ LastName: SURNAME })).lastInsertRowid);
  const ins = db.prepare(
    `INSERT INTO documents(case_id, path, rel_path, file_name, current_path, upload_path, doc_type, status, raw_document, exported_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'PASSPORT', 'recognised', ?, ?, 0, 0)`,
  );
  const docIds = [0, 1].map((i) =>
    Number(ins.run(caseId, original, `${label}.jpg`, `${label}.jpg`, original, i === 0 ? upload : null, JSON.stringify({ Number: PASSPORT }), now - 10 * DAY).lastInsertRowid),
  );
  const exportId = Number(db.prepare(`INSERT INTO exports(at, actor, format, options, file_path, state) VALUES (0, 'u', 'csv', '{}', '/x.csv', 'done')`).run().lastInsertRowid);
  for (const d of docIds) {
    db.prepare(`INSERT INTO fields(document_id, name, recognised, value, confidence) VALUES (?, 'LastName', ?, ?, 0.9)`).run(d, SURNAME, SURNAME);
    db.prepare(`INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, created_at) VALUES (?, ?, 'LastName', 'warning', 'x', ?, 'x', 'local', 0)`).run(caseId, d, `Фамилия ${SURNAME}`);
    db.prepare(`INSERT INTO audit_events(at, actor, case_id, document_id, field, action, old_value, new_value, source) VALUES (0, 'u', ?, ?, 'LastName', 'set-field', 'x', ?, 'clerk')`).run(caseId, d, SURNAME);
    db.prepare(`INSERT INTO export_documents(export_id, document_id) VALUES (?, ?)`).run(exportId, d);
  }
  return { caseId, docIds, original, upload };
}

/** All text in every table, to look for personal data anywhere. */
function dumpDb(): string {
  const db = engine.ctx.db;
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
  return tables.map(({ name }) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
}

void describe('privacy:delete-case', () => {
  void it('removes every row and cached file of the case, keeps the clerk original and other cases', async () => {
    const gone = seedCase('a');
    const kept = seedCase('b');
    const res = await engine.call('privacy:delete-case', { caseId: gone.caseId });
    assert.deepEqual(res, { ok: true, value: { removedDocuments: 2, removedFiles: 1 } });
    const db = engine.ctx.db;
    for (const [table, col] of [['documents', 'case_id'], ['findings', 'case_id'], ['cases', 'id']] as const) {
      assert.equal((db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${col} = ?`).get(gone.caseId) as { n: number }).n, 0, table);
    }
    for (const d of gone.docIds) {
      for (const table of ['fields', 'export_documents']) assert.equal((db.prepare(`SELECT count(*) AS n FROM ${table} WHERE document_id = ?`).get(d) as { n: number }).n, 0, table);
    }
    const audit = db.prepare('SELECT action, document_id, old_value, new_value, details FROM audit_events WHERE case_id = ?').all(gone.caseId);
    assert.deepEqual(audit, [{ action: 'delete-case', document_id: null, old_value: null, new_value: null, details: '{"documents":2}' }]);
    assert.equal(fs.existsSync(gone.upload), false, 'cached upload deleted');
    assert.equal(fs.existsSync(gone.original), true, "clerk's original is not ours to delete");
    // The other case is untouched.
    assert.equal((db.prepare('SELECT count(*) AS n FROM documents WHERE case_id = ?').get(kept.caseId) as { n: number }).n, 2);
    assert.equal(fs.existsSync(kept.upload), true);
    assert.ok(dumpDb().includes(`${SURNAME} b`));
    assert.equal(dumpDb().includes(`${SURNAME} a`), false);
  });

  void it('after deleting every case no personal value is left in any table', async () => {
    const a = seedCase('a');
    await engine.request('privacy:delete-case', { caseId: a.caseId });
    const dump = dumpDb();
    assert.equal(dump.includes(SURNAME), false);
    assert.equal(dump.includes(PASSPORT), false);
  });

  void it('an unknown case is a Russian error, not a crash', async () => {
    const res = await engine.call('privacy:delete-case', { caseId: 999 });
    assert.equal(res.ok, false);
    assert.match(!res.ok ? (res.error.messageRu ?? '') : '', /не найдено/);
  });
});

void describe('privacy:purge-now (retention)', () => {
  void it('keeps everything with retention 0, purges documents exported longer ago than retentionDays', async () => {
    const c = seedCase('a');
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 0 });
    await engine.request('settings:set', { retentionDays: 30 });
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 0 }, 'exported 10 days ago < 30');
    await engine.request('settings:set', { retentionDays: 7 });
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 2 });
    const rows = engine.ctx.db.prepare('SELECT raw_document, upload_path, purged_at FROM documents WHERE case_id = ?').all(c.caseId);
    assert.deepEqual(rows, [0, 1].map(() => ({ raw_document: null, upload_path: null, purged_at: now })));
    assert.equal((engine.ctx.db.prepare('SELECT raw_result FROM cases WHERE id = ?').get(c.caseId) as { raw_result: string | null }).raw_result, null);
    assert.equal(fs.existsSync(c.upload), false);
    assert.equal(fs.existsSync(c.original), true);
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 0 }, 'idempotent');
  });
});

void describe('credentials handlers', () => {
  void it('are write-only: no response, log line or DB row contains the token or machine uid', async () => {
    const status = await engine.request('settings:set-credentials', { token: TOKEN, machineUid: UID, projectId: 'P1' });
    assert.deepEqual(status, { configured: true, machineUidHint: 'WXYZ', storage: 'none', warning: null });
    assert.deepEqual(engine.ctx.secrets.get(), { token: TOKEN, machineUid: UID, projectId: 'P1' });
    const responses = JSON.stringify([status, await engine.request('settings:get'), await engine.request('app:info'), await engine.request('settings:credentials-status')]);
    await engine.request('settings:clear-credentials');
    assert.equal(engine.ctx.secrets.get(), null);
    await new Promise((r) => setTimeout(r, 50)); // let the log stream flush
    const log = fs.readFileSync(logFile, 'utf8');
    assert.ok(log.includes('credentials updated'), 'the log is being written (so the check below can fail)');
    for (const haystack of [responses, log, dumpDb()]) {
      assert.equal(haystack.includes(TOKEN), false);
      assert.equal(haystack.includes(UID), false);
    }
  });

  void it('app:info reports first run until app:first-run-done', async () => {
    assert.equal(((await engine.request('app:info')) as { firstRun: boolean }).firstRun, true);
    assert.equal(((await engine.request('app:first-run-done')) as { firstRun: boolean }).firstRun, false);
    assert.match(((await engine.request('app:info')) as { version: string }).version, /^\d+\.\d+\.\d+/);
  });
});
