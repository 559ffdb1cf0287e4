// `scandesk db migrate-to`: one clerk's SQLite database (documents, fields, findings, the audit trail of edits, an
// export log) copied into an empty PostgreSQL database through the real CLI, every table's rows counted on both sides;
// the same export from either store gives the same file; a second copy into the now-used database is refused and
// changes nothing; the team then keeps numbering after the copied ids.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { createEngine } from '../../main/engine/app.ts';
import { COPIED_TABLES } from '../../main/engine/db/pg/copy.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { runCli } from '../helpers/cli.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';
import { seedDocuments } from '../helpers/seed.ts';
import { rmrf, tempDir } from './queue-fixtures.ts';

const server = await pgDatabaseForSuite();

async function pgCounts(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const t of COPIED_TABLES) out[t] = Number((await c.query(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0].n);
    return out;
  } finally {
    await c.end();
  }
}

void describe('scandesk db migrate-to', { skip: server.skip }, () => {
  void it('copies every table with its counts checked, exports the same file, and refuses a second copy', { timeout: 180_000 }, async () => {
    const tmp = tempDir('scandesk-migrate-to-');
    const file = path.join(tmp, 'clerk.db');
    const env = { ...process.env, SCANDESK_DATA_DIR: path.join(tmp, 'data') };
    try {
      const engine = await createEngine({ mode: 'test', dataDir: tmp, dbFile: file, dbKey: null, autoStart: false, log: silentLogger, actor: 'Иванова' });
      seedDocuments(engine.ctx.db, { count: 240, seed: 9 });
      await engine.request('documents:set-field', { id: 2, field: 'LastName', value: 'ПЕТРОВА' });
      await engine.request('documents:confirm', { id: 2 }).catch(() => undefined);
      await engine.stop();
      const before = await runCli(['export', '--db', file, '--format', 'csv', '--out', path.join(tmp, 'sqlite.csv')], env);
      assert.equal(before.code, 0, before.stderr);

      const local = new Database(file, { readonly: true });
      const expected = Object.fromEntries(COPIED_TABLES.map((t) => [t, (local.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
      local.close();
      assert.ok(expected.documents === 240 && expected.audit_events! > 0 && expected.exports === 1, JSON.stringify(expected));

      const copy = await runCli(['db', 'migrate-to', server.url!, '--db', file], env);
      assert.equal(copy.code, 0, copy.stderr);
      assert.match(copy.stderr, /документы \/ documents: 240 → 240/);
      assert.deepEqual(await pgCounts(server.url!), expected);

      const after = await runCli(['export', '--db', server.url!, '--format', 'csv', '--out', path.join(tmp, 'postgres.csv')], env);
      assert.equal(after.code, 0, after.stderr);
      assert.ok(fs.readFileSync(path.join(tmp, 'postgres.csv')).equals(fs.readFileSync(path.join(tmp, 'sqlite.csv'))), 'the same export from both stores');

      const again = await runCli(['db', 'migrate-to', server.url!, '--db', file], env);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /уже есть данные/);
      const counts = await pgCounts(server.url!);
      assert.equal(counts.documents, 240, 'nothing copied twice');
      assert.equal(counts.exports, 2, 'the export made on the server is logged there');
      // New rows continue after the copied ids (identity counters moved past them).
      const team = await createEngine({ mode: 'test', dataDir: path.join(tmp, 'team'), dbFile: server.url!, dbKey: null, autoStart: false, log: silentLogger });
      try {
        const ids = seedDocuments(team.ctx.db, { count: 3, seed: 10 });
        assert.ok(Math.min(...ids) > 240, `new ids ${ids.join(',')}`);
      } finally {
        await team.stop();
      }
    } finally {
      rmrf(tmp);
    }
  });
});
