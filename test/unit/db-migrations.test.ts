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

void test('schema 1 → current: exported marks survive, the old column and index are gone, new indexes exist', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-migrate-'));
  try {
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    const ins = old.prepare(`INSERT INTO documents(path, rel_path, file_name, doc_type, status, exported_at, created_at, updated_at) VALUES (?, ?, ?, 'PASSPORT', 'recognised', ?, 0, 0)`);
    ins.run('/in/a.jpg', 'a.jpg', 'a.jpg', 1_700_000_000_000);
    ins.run('/in/b.jpg', 'b.jpg', 'b.jpg', null);
    old.close();

    const db = openDatabase(file, { key: null });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(db.prepare('SELECT d.file_name AS f, e.exported_at AS at FROM document_exports e JOIN documents d ON d.id = e.document_id').all(), [{ f: 'a.jpg', at: 1_700_000_000_000 }]);
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
