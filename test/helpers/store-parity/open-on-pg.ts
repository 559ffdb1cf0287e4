// The parity run's open.ts: the same module, except that a database FILE is opened as a database of the test cluster
// (SCANDESK_TEST_PG_URL), one per file path, created on first use, so a test that reopens its file finds its data.
// Tests that open their file with better-sqlite3 directly, or check SQLite's own files, are not in the parity list.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { openDatabase as openReal, type Db, type OpenOptions } from '../../../main/engine/db/open.ts';
import { isServerUrl } from '../../../main/engine/db/pg/open-pg.ts';
import { SyncPgConnection } from '../../../main/engine/db/pg/sync-connection.ts';

export * from '../../../main/engine/db/open.ts';

const created = new Set<string>();

function databaseFor(file: string): string {
  const cluster = process.env.SCANDESK_TEST_PG_URL;
  if (!cluster) throw new Error('parity run without SCANDESK_TEST_PG_URL');
  const name = `p_${createHash('sha1').update(path.resolve(file)).digest('hex').slice(0, 20)}`;
  if (!created.has(name)) {
    const admin = new SyncPgConnection(cluster);
    try {
      const exists = admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]).rowCount > 0;
      if (!exists) admin.query(`CREATE DATABASE ${name}`);
    } finally {
      admin.close();
    }
    created.add(name);
  }
  const u = new URL(cluster);
  u.pathname = `/${name}`;
  return u.toString();
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file === ':memory:' || isServerUrl(file)) return openReal(file, opts);
  return openReal(databaseFor(file), opts);
}
