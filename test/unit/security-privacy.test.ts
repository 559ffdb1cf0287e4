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
import { resolveImage } from '../../main/engine/images.ts';
import sharp from 'sharp';

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

/**
 * A case with two documents (one a real TIFF whose preview the image route caches), fields, findings, audit rows, an
 * export link, an API request, a prepared upload and an original scan.
 */
async function seedCase(label: string): Promise<{ caseId: number; docIds: number[]; original: string; upload: string; preview: string }> {
  const db = engine.ctx.db;
  const watched = path.join(tmp, 'watched');
  const cache = dataPaths(engine.ctx.dataDir).cache;
  fs.mkdirSync(path.join(cache, 'uploads'), { recursive: true });
  fs.mkdirSync(watched, { recursive: true });
  db.prepare('INSERT OR IGNORE INTO folders(path, created_at) VALUES (?, 0)').run(watched);
  const original = path.join(watched, `${label}.tif`);
  const upload = path.join(cache, 'uploads', `${label}-upload.jpg`);
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffffff' } }).tiff().toFile(original);
  fs.writeFileSync(upload, 'prepared upload');
  const caseId = Number(db.prepare(`INSERT INTO cases(case_key, label, state, raw_result, created_at, updated_at) VALUES (?, ?, 'done', ?, 0, 0)`).run(label, `${SURNAME} ${label}`, JSON.stringify({ LastName: SURNAME })).lastInsertRowid);
  const ins = db.prepare(
    `INSERT INTO documents(case_id, path, rel_path, file_name, current_path, upload_path, doc_type, status, raw_document, search_text, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'PASSPORT', 'recognised', ?, ?, 0, 0)`,
  );
  const docIds = [0, 1].map((i) =>
    Number(ins.run(caseId, original, `${label}.tif`, `${label}.tif`, original, i === 0 ? upload : null, JSON.stringify({ Number: PASSPORT }), SURNAME.toLowerCase()).lastInsertRowid),
  );
  for (const d of docIds) db.prepare('UPDATE document_exports SET exported_at = ? WHERE document_id = ?').run(now - 10 * DAY, d);
  const exportId = Number(db.prepare(`INSERT INTO exports(at, actor, format, options, file_path, state) VALUES (0, 'u', 'csv', '{}', '/x.csv', 'done')`).run().lastInsertRowid);
  db.prepare(`INSERT INTO api_requests(at, case_id, kind, http_status, outcome, billable) VALUES (0, ?, 'upload', 200, 'ok', 1)`).run(caseId);
  for (const d of docIds) {
    db.prepare(`INSERT INTO fields(document_id, name, recognised, value, confidence) VALUES (?, 'LastName', ?, ?, 0.9)`).run(d, SURNAME, SURNAME);
    db.prepare(`INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, created_at) VALUES (?, ?, 'LastName', 'warning', 'x', ?, 'x', 'local', 0)`).run(caseId, d, `Фамилия ${SURNAME}`);
    db.prepare(`INSERT INTO audit_events(at, actor, case_id, document_id, field, action, old_value, new_value, source) VALUES (0, 'u', ?, ?, 'LastName', 'set-field', 'x', ?, 'clerk')`).run(caseId, d, SURNAME);
    db.prepare(`INSERT INTO export_documents(export_id, document_id) VALUES (?, ?)`).run(exportId, d);
  }
  // The scan viewer asks for the TIFF: the engine converts it and caches a PNG preview (named by document id).
  const img = await resolveImage(engine.ctx, docIds[0]!);
  assert.equal('mime' in img ? img.mime : img.error, 'image/png');
  const previews = fs.readdirSync(path.join(cache, 'previews')).filter((f) => f.startsWith(`${docIds[0]}-`));
  assert.equal(previews.length, 1, 'a preview was cached for the document');
  return { caseId, docIds, original, upload, preview: path.join(cache, 'previews', previews[0]!) };
}

/** Every file under the cache dir, relative. */
function cacheListing(): string[] {
  const cache = dataPaths(engine.ctx.dataDir).cache;
  return fs.existsSync(cache) ? (fs.readdirSync(cache, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(cache, f)).isFile()).sort() : [];
}

/** Rows of any table that still point at the case or its documents (by any *_id column), apart from the deletion's own audit row. */
function rowsReferencing(caseId: number, docIds: number[]): string[] {
  const db = engine.ctx.db;
  const found: string[] = [];
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
  const docs = JSON.stringify(docIds);
  for (const { name } of tables) {
    const cols = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
    const terms: string[] = [];
    const params: unknown[] = [];
    if (name === 'cases') { terms.push('id = ?'); params.push(caseId); }
    if (name === 'documents') { terms.push('id IN (SELECT value FROM json_each(?))'); params.push(docs); }
    if (cols.includes('case_id')) { terms.push('case_id = ?'); params.push(caseId); }
    for (const c of ['document_id', 'related_document_id', 'duplicate_of']) if (cols.includes(c)) { terms.push(`${c} IN (SELECT value FROM json_each(?))`); params.push(docs); }
    if (terms.length === 0) continue;
    const keepAudit = name === 'audit_events' ? ` AND action != 'delete-case'` : '';
    const n = (db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE (${terms.join(' OR ')})${keepAudit}`).get(...params) as { n: number }).n;
    if (n > 0) found.push(`${name}: ${n}`);
  }
  return found;
}

/** All text in every table, to look for personal data anywhere. */
function dumpDb(): string {
  const db = engine.ctx.db;
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
  return tables.map(({ name }) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
}

/** The database file and its WAL as bytes: deleted rows must not linger in free pages or old WAL frames. */
function dbFileBytes(): Buffer {
  const file = dataPaths(engine.ctx.dataDir).db;
  return Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

void describe('privacy:delete-case', () => {
  void it('removes every row and cached file of the case (original moved away first), keeps the clerk original and other cases', async () => {
    const gone = await seedCase('a');
    const kept = await seedCase('b');
    // Another person's finding points at the deleted case ("same passport number as …"); a duplicate links to it.
    const db = engine.ctx.db;
    db.prepare(`INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, related_document_id, created_at)
      VALUES (?, ?, 'Number', 'warning', 'dup', ?, 'dup', 'local', ?, 0)`).run(kept.caseId, kept.docIds[0]!, `Тот же номер, что у ${SURNAME} a`, gone.docIds[0]!);
    db.prepare('UPDATE documents SET duplicate_of = ? WHERE id = ?').run(gone.docIds[1]!, kept.docIds[1]!);
    // The clerk moved the original away: the preview must still be found (by document id, not by re-hashing the file).
    const moved = `${gone.original}.moved`;
    fs.renameSync(gone.original, moved);
    db.prepare('UPDATE documents SET current_path = NULL WHERE case_id = ?').run(gone.caseId);
    const before = cacheListing();
    assert.ok(before.includes(path.relative(dataPaths(engine.ctx.dataDir).cache, gone.preview)));

    const res = await engine.call('privacy:delete-case', { caseId: gone.caseId });
    assert.deepEqual(res, { ok: true, value: { removedDocuments: 2, removedFiles: 2 } });
    assert.deepEqual(rowsReferencing(gone.caseId, gone.docIds), []);
    const audit = db.prepare('SELECT action, document_id, old_value, new_value, details FROM audit_events WHERE case_id = ?').all(gone.caseId);
    assert.deepEqual(audit, [{ action: 'delete-case', document_id: null, old_value: null, new_value: null, details: '{"documents":2}' }]);
    assert.equal((db.prepare('SELECT count(*) AS n FROM api_requests WHERE billable = 1').get() as { n: number }).n, 2, 'the cost meter keeps its count');
    // Exactly the other case's cache files are left.
    const cacheDir = dataPaths(engine.ctx.dataDir).cache;
    assert.deepEqual(cacheListing(), [path.relative(cacheDir, kept.preview), path.relative(cacheDir, kept.upload)].sort());
    assert.equal(fs.existsSync(moved), true, "clerk's original is not ours to delete");
    assert.equal((db.prepare('SELECT count(*) AS n FROM documents WHERE case_id = ?').get(kept.caseId) as { n: number }).n, 2);
    assert.ok(dumpDb().includes(`${SURNAME} b`));
    assert.equal(dumpDb().includes(`${SURNAME} a`), false);
  });

  void it('after deleting every case no personal value is left in any table, in the database file or in its WAL', async () => {
    const a = await seedCase('a');
    engine.ctx.db.pragma('wal_checkpoint(TRUNCATE)'); // the rows are in the main file now, as after a normal day
    assert.ok(dbFileBytes().includes(Buffer.from(SURNAME)), 'control: the plain test database holds the surname before deletion');
    await engine.request('privacy:delete-case', { caseId: a.caseId });
    const dump = dumpDb();
    assert.equal(dump.includes(SURNAME), false);
    assert.equal(dump.includes(PASSPORT), false);
    assert.equal(engine.ctx.db.pragma('secure_delete', { simple: true }), 1);
    const bytes = dbFileBytes();
    for (const v of [SURNAME, SURNAME.toLowerCase(), PASSPORT]) assert.equal(bytes.includes(Buffer.from(v)), false, `${v} lingers in the file`);
    assert.deepEqual(cacheListing(), []);
  });

  void it('an unknown case is a Russian error, not a crash', async () => {
    const res = await engine.call('privacy:delete-case', { caseId: 999 });
    assert.equal(res.ok, false);
    assert.match(!res.ok ? (res.error.messageRu ?? '') : '', /не найдено/);
  });
});

void describe('privacy:purge-now (retention)', () => {
  void it('keeps everything with retention 0, purges documents exported longer ago than retentionDays', async () => {
    const c = await seedCase('a');
    fs.rmSync(c.original); // the original is gone: its preview and upload must still be found
    const legacy = path.join(dataPaths(engine.ctx.dataDir).cache, 'previews', `${'ab'.repeat(16)}.png`);
    fs.writeFileSync(legacy, 'a preview named by the old hash scheme');
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 0 });
    await engine.request('settings:set', { retentionDays: 30 });
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 0 }, 'exported 10 days ago < 30');
    assert.equal(cacheListing().length, 3, 'nothing removed yet');
    await engine.request('settings:set', { retentionDays: 7 });
    assert.deepEqual(await engine.request('privacy:purge-now'), { purgedDocuments: 2 });
    const rows = engine.ctx.db.prepare('SELECT raw_document, upload_path, purged_at FROM documents WHERE case_id = ?').all(c.caseId);
    assert.deepEqual(rows, [0, 1].map(() => ({ raw_document: null, upload_path: null, purged_at: now })));
    assert.equal((engine.ctx.db.prepare('SELECT raw_result FROM cases WHERE id = ?').get(c.caseId) as { raw_result: string | null }).raw_result, null);
    assert.deepEqual(cacheListing(), [], 'upload, preview and the unattributable legacy preview are gone');
    assert.equal(dumpDb().includes(PASSPORT), false, 'the raw API result (it held the passport number) is gone');
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
    assert.equal(((await engine.request('app:info'))).firstRun, true);
    assert.equal(((await engine.request('app:first-run-done'))).firstRun, false);
    assert.match(((await engine.request('app:info'))).version, /^\d+\.\d+\.\d+/);
  });
});
