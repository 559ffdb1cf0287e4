// Upgrading a real database file: a schema-1 file (as stop 8 shipped it) with exported documents opens under the
// current schema with every "exported" mark kept (migration 2 moved them to document_exports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { openDatabase } from '../../main/engine/db/open.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../main/engine/db/schema.ts';
import { CASE_STATES, DOC_STATUSES, REVIEW_STATES } from '../../shared/types.ts';
import pg from 'pg';
import { pgDatabaseForSuite } from '../helpers/pg.ts';

void test('schema 1 → current: exported marks survive, every document has a mark row, the old column and index are gone, new indexes exist', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-migrate-'));
  try {
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!.sqlite as string);
    old.pragma('user_version = 1');
    const ins = old.prepare(`INSERT INTO documents(path, rel_path, file_name, doc_type, status, exported_at, created_at, updated_at) VALUES (?, ?, ?, 'PASSPORT', 'recognised', ?, 0, 0)`);
    ins.run('/in/a.jpg', 'a.jpg', 'a.jpg', 1_700_000_000_000);
    ins.run('/in/b.jpg', 'b.jpg', 'b.jpg', null);
    old.close();

    const db = openDatabase(file, { key: null });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      // Migration 10 gives the never-exported document its empty mark row ([Note: a document's export mark row]).
      const marks = db.prepare('SELECT d.file_name AS f, e.exported_at AS at FROM document_exports e JOIN documents d ON d.id = e.document_id ORDER BY d.id').all();
      assert.deepEqual(marks, [{ f: 'a.jpg', at: 1_700_000_000_000 }, { f: 'b.jpg', at: null }]);
      db.prepare(`INSERT INTO documents(path, rel_path, file_name, doc_type, status, created_at, updated_at) VALUES ('/in/c.jpg', 'c.jpg', 'c.jpg', 'PASSPORT', 'queued', 0, 0)`).run();
      assert.deepEqual(db.prepare(`SELECT e.exported_at AS at FROM document_exports e JOIN documents d ON d.id = e.document_id WHERE d.file_name = 'c.jpg'`).all(), [{ at: null }]);
      const columns = (db.prepare('PRAGMA table_info(documents)').all() as { name: string }[]).map((c) => c.name);
      assert.ok(!columns.includes('exported_at'));
      const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as { name: string }[]).map((i) => i.name);
      assert.ok(!indexes.includes('documents_exported'));
      for (const name of ['cases_completed', 'documents_attention']) assert.ok(indexes.includes(name), name);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A schema-3 file (before the lifecycle CHECKs) with a case, documents, fields and findings. */
function schema3File(dir: string): string {
  const file = path.join(dir, 'v3.db');
  const old = new Database(file);
  old.pragma('foreign_keys = ON');
  for (const m of MIGRATIONS.slice(0, 3)) old.exec(m.sqlite as string);
  old.pragma('user_version = 3');
  old.exec(`INSERT INTO cases(id, case_key, label, state, created_at, updated_at) VALUES (1, 'k', 'Иванов', 'done', 0, 0), (2, 'k2', 'Пётр', 'queued', 0, 0)`);
  const doc = old.prepare(`INSERT INTO documents(case_id, path, rel_path, file_name, doc_type, status, review_state, values_json, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'PASSPORT', ?, ?, '{"LastName":"Иванов"}', 0, 0)`);
  for (let i = 1; i <= 50; i++) doc.run(i % 2 ? 1 : 2, `/in/${i}.jpg`, `${i}.jpg`, `${i}.jpg`, i % 2 ? 'recognised' : 'queued', i % 3 ? 'pending' : 'verified');
  old.exec(`UPDATE documents SET duplicate_of = 1 WHERE id = 3`);
  old.exec(`INSERT INTO fields(document_id, name, recognised, value, confidence) SELECT id, 'LastName', 'Иванов', 'Иванов', 0.9 FROM documents`);
  old.exec(`INSERT INTO findings(case_id, document_id, severity, code, message_ru, message_en, source, created_at) VALUES (1, 1, 'error', 'x', 'х', 'x', 'local', 0)`);
  old.exec(`INSERT INTO document_exports(document_id, exported_at) VALUES (1, 5)`);
  old.close();
  return file;
}

const snapshot = (db: Database.Database) => ({
  documents: db.prepare('SELECT * FROM documents ORDER BY id').all(),
  cases: db.prepare('SELECT * FROM cases ORDER BY id').all(),
  fields: db.prepare('SELECT * FROM fields ORDER BY document_id, name').all(),
  findings: db.prepare('SELECT * FROM findings ORDER BY id').all(),
  exports: db.prepare('SELECT * FROM document_exports ORDER BY document_id').all(),
  indexes: db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all(),
});

void test('schema 3 → 4: the lifecycle CHECKs keep every row of every table, every index, STRICT and the foreign keys', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-migrate-'));
  try {
    const file = schema3File(dir);
    const before = new Database(file);
    const expected = snapshot(before);
    before.close();
    const db = openDatabase(file, { key: null });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      // Migrations 5 to 8 (after this one) add version, claim and owner columns and three indexes, and 11 the search
      // index: set aside, checked at their defaults.
      const now = snapshot(db);
      const documents = now.documents.map((d) => {
        const { version, edited_by, deciding_by, deciding_until, ...rest } = d as { version: number; edited_by: string | null; deciding_by: string | null; deciding_until: number | null };
        assert.deepEqual({ version, edited_by, deciding_by, deciding_until }, { version: 1, edited_by: null, deciding_by: null, deciding_until: null });
        return rest;
      });
      const cases = now.cases.map((c) => {
        const { owner_id, ...rest } = c as { owner_id: string | null };
        assert.equal(owner_id, null);
        return rest;
      });
      const indexes = now.indexes.filter((i) => !['doc_claims_clerk', 'cases_owner', 'api_slots_key', 'documents_search'].includes((i as { name: string }).name));
      // Migration 10 adds an empty mark row for every document never exported.
      const exports = now.exports.filter((e) => (e as { exported_at: number | null }).exported_at !== null);
      assert.equal(now.exports.length, 50);
      assert.deepEqual({ ...now, documents, cases, indexes, exports }, expected);
      assert.equal(expected.fields.length, 50);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      const strict = db.prepare<[], { name: string; strict: number }>(`SELECT name, strict FROM pragma_table_list WHERE name IN ('documents', 'cases') ORDER BY name`).all();
      assert.deepEqual(strict, [{ name: 'cases', strict: 1 }, { name: 'documents', strict: 1 }]);
      // The references still point at the rebuilt tables: deleting a case cascades to its documents and their fields.
      db.prepare('DELETE FROM cases WHERE id = 2').run();
      assert.equal(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM fields').get()!.n, 25);
      assert.equal(db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM sqlite_schema WHERE sql LIKE '%\\_new%' ESCAPE '\\'`).get()!.n, 0);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('an unknown status, case state or review state is refused on INSERT and on UPDATE', () => {
  const db = openDatabase(':memory:', { key: null });
  try {
    db.exec(`INSERT INTO cases(id, case_key, label, created_at, updated_at) VALUES (1, 'k', 'К', 0, 0)`);
    const insDoc = (status: string, review = 'pending') =>
      db.prepare(`INSERT INTO documents(case_id, path, rel_path, file_name, doc_type, status, review_state, created_at, updated_at) VALUES (1, 'p', 'p', 'p', 'PASSPORT', ?, ?, 0, 0)`).run(status, review);
    insDoc('seen');
    // The CHECK holds for every connection, also one without this build's transition guards.
    db.exec('DROP TRIGGER temp.guard_documents_status; DROP TRIGGER temp.guard_cases_state');
    assert.throws(() => insDoc('recognized'), /CHECK constraint failed/);
    assert.throws(() => insDoc('seen', 'approved'), /CHECK constraint failed/);
    assert.throws(() => db.exec(`INSERT INTO cases(case_key, label, state, created_at, updated_at) VALUES ('k2', 'К', 'finished', 0, 0)`), /CHECK constraint failed/);
    assert.throws(() => db.exec(`UPDATE documents SET status = 'bogus'`), /CHECK constraint failed/);
    assert.throws(() => db.exec(`UPDATE cases SET state = 'bogus'`), /CHECK constraint failed/);
    assert.throws(() => db.exec(`UPDATE documents SET review_state = 'bogus'`), /CHECK constraint failed/);
  } finally {
    db.close();
  }
});

void test('the CHECK lists frozen in migration 4 equal the statuses the code knows today', () => {
  const db = openDatabase(':memory:', { key: null });
  try {
    const sql = (t: string) => db.prepare<[string], { sql: string }>(`SELECT sql FROM sqlite_schema WHERE name = ?`).get(t)!.sql;
    const list = (text: string, col: string) => new RegExp(`CHECK \\(${col} IN \\(([^)]*)\\)\\)`).exec(text)![1]!.split(',').map((s) => s.trim().slice(1, -1));
    assert.deepEqual(list(sql('documents'), 'status'), [...DOC_STATUSES]);
    assert.deepEqual(list(sql('documents'), 'review_state'), [...REVIEW_STATES]);
    assert.deepEqual(list(sql('cases'), 'state'), [...CASE_STATES]);
  } finally {
    db.close();
  }
});

const pgServer = await pgDatabaseForSuite();

void test('PostgreSQL: the same versions build the same tables and columns as SQLite, a reopen changes nothing, a newer schema is refused, the lifecycle guard holds, migration 10 gives every document its mark row', { skip: pgServer.skip }, async () => {
  const lite = openDatabase(':memory:', { key: null });
  const tables = (lite.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
  const liteColumns = Object.fromEntries(tables.map((t) => [t, (lite.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY name`).all(t) as { name: string }[]).map((c) => c.name)]));
  lite.close();

  const pgDb = openDatabase(pgServer.url!);
  pgDb.close();
  const again = openDatabase(pgServer.url!); // a second open (another instance starting) finds nothing to migrate
  again.close();
  const c = new pg.Client({ connectionString: pgServer.url });
  await c.connect();
  try {
    assert.deepEqual((await c.query('SELECT version FROM scandesk_schema')).rows, [{ version: SCHEMA_VERSION }]);
    const cols = (await c.query(`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`)).rows as { t: string; c: string }[];
    const pgColumns: Record<string, string[]> = {};
    for (const { t, c: col } of cols) if (t !== 'scandesk_schema') (pgColumns[t] ??= []).push(col);
    assert.deepEqual(pgColumns, liteColumns);
    const checks = (await c.query(`SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 'documents'::regclass AND contype = 'c'`)).rows as { d: string }[];
    const statuses = checks.map((r) => r.d).find((d) => d.includes('(status'))!;
    for (const s of DOC_STATUSES) assert.ok(statuses.includes(`'${s}'`), s);

    await c.query(`INSERT INTO documents(path, rel_path, file_name, doc_type, status, created_at, updated_at) VALUES ('p', 'p', 'p', 'PASSPORT', 'seen', 0, 0)`);
    await assert.rejects(c.query(`UPDATE documents SET status = 'recognised'`), /SCANDESK_TRANSITION: document seen → recognised/);

    // Migration 10 on a version-9 database: each document gets its empty mark row, an existing mark stays, and the
    // trigger gives the next document its row ([Note: a document's export mark row]).
    const marks = async () => (await c.query('SELECT d.file_name AS f, e.exported_at::int AS at FROM documents d LEFT JOIN document_exports e ON e.document_id = d.id ORDER BY d.id')).rows;
    assert.deepEqual(await marks(), [{ f: 'p', at: null }]);
    await c.query(`DROP TRIGGER documents_mark_rows ON documents; DELETE FROM document_exports; ALTER TABLE document_exports ALTER COLUMN exported_at SET NOT NULL`);
    await c.query(`INSERT INTO documents(path, rel_path, file_name, doc_type, status, created_at, updated_at) VALUES ('q', 'q', 'q', 'PASSPORT', 'seen', 0, 0)`);
    await c.query(`INSERT INTO document_exports(document_id, exported_at) SELECT id, 5 FROM documents WHERE file_name = 'q'`);
    await c.query('UPDATE scandesk_schema SET version = 9');
    openDatabase(pgServer.url!).close();
    assert.deepEqual(await marks(), [{ f: 'p', at: null }, { f: 'q', at: 5 }]);
    await c.query(`INSERT INTO documents(path, rel_path, file_name, doc_type, status, created_at, updated_at) VALUES ('r', 'r', 'r', 'PASSPORT', 'seen', 0, 0)`);
    assert.deepEqual((await marks())[2], { f: 'r', at: null });

    await c.query('UPDATE scandesk_schema SET version = $1', [SCHEMA_VERSION + 1]);
    assert.throws(() => openDatabase(pgServer.url!), /создана более новой версией ScanDesk/);
  } finally {
    await c.end();
  }
});
