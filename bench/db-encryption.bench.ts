// SQLCipher cost: seeding and reading 5000 documents, plain vs encrypted, and the plain→encrypted migration.
// Run: node --import tsx bench/db-encryption.bench.ts
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { openDatabase } from '../main/engine/db/open.ts';
import { migratePlainDatabase } from '../main/engine/db/keys.ts';
import { seedDocuments } from '../test/helpers/seed.ts';
for (const key of [null, 'ab'.repeat(32)]) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'encb-')); const f = path.join(d, 'x.db');
  const db = openDatabase(f, { key }); let t = performance.now();
  seedDocuments(db, { count: 5000 }); const seedMs = performance.now() - t;
  t = performance.now(); db.prepare('SELECT d.id, f.value FROM documents d JOIN fields f ON f.document_id = d.id').all(); const readMs = performance.now() - t;
  db.close();
  let migMs = NaN;
  if (!key) { t = performance.now(); migratePlainDatabase(f, 'cd'.repeat(32)); migMs = performance.now() - t; }
  console.log(`${key ? 'encrypted' : 'plain    '} seed 5000 docs ${seedMs.toFixed(0)} ms, full join read ${readMs.toFixed(0)} ms, size ${(fs.statSync(f).size/1e6).toFixed(1)} MB${key ? '' : `, migrate→encrypted ${migMs.toFixed(0)} ms`}`);
  fs.rmSync(d, { recursive: true, force: true });
}
