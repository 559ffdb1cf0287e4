// The synchronous PostgreSQL connection against a real server: statements sent ahead of their answers
// ([Note: pipelined statements]) get their own answers, in whatever order they are asked for, and a failure stays
// with the statement that failed. The export relies on this to have the server read the next page and link the last
// one while a page is being written.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase, startAll, startRun } from '../../main/engine/db/open.ts';
import { PgError, SyncPgConnection } from '../../main/engine/db/pg/sync-connection.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';

const server = await pgDatabaseForSuite();

void describe('PostgreSQL connection: statements sent ahead', { skip: server.skip }, () => {
  void test('each answer reaches its own sender, whatever the order asked; a failure stays with its statement', () => {
    const c = new SyncPgConnection(server.url!);
    try {
      c.query('CREATE TABLE sent_ahead (n int PRIMARY KEY)');
      const inserted = c.send<[number]>('INSERT INTO sent_ahead VALUES (1), (2) RETURNING n', [], 'array');
      const duplicate = c.send('INSERT INTO sent_ahead VALUES (1)');
      const counted = c.send<{ n: number }>('SELECT count(*)::int AS n FROM sent_ahead');
      // A statement from elsewhere in between waits its turn and gets its own answer, not one sent before it.
      assert.deepEqual(c.query<{ x: number }>('SELECT 7 AS x').rows, [{ x: 7 }]);
      assert.deepEqual(counted().rows, [{ n: 2 }], 'statements run in the order sent');
      assert.throws(() => duplicate(), (err: unknown) => err instanceof PgError && err.code === '23505' && !err.connectionLost);
      assert.deepEqual(inserted().rows, [[1], [2]]);
      assert.throws(() => inserted(), /already read/, 'an answer is given once');
      assert.deepEqual(c.query<{ n: number }>('SELECT count(*)::int AS n FROM sent_ahead').rows, [{ n: 2 }], 'the connection goes on after a failure');
    } finally {
      c.close();
    }
  });

  void test('startAll/startRun: sent ahead on PostgreSQL, run at once on SQLite, the same rows and errors on both', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-pg-connection-'));
    const file = path.join(dir, 'scandesk.db');
    for (const db of [openDatabase(file, { key: null }), openDatabase(server.url!)]) {
      try {
        db.exec('CREATE TABLE started (n INTEGER PRIMARY KEY)');
        const insert = db.prepare('INSERT INTO started(n) VALUES (?)');
        const wrote = [startRun(insert, 1), startRun(insert, 2)];
        const failed = startRun(insert, 1);
        const read = startAll<{ n: number }>(db.prepare('SELECT n FROM started ORDER BY n'));
        wrote.forEach((answer) => answer());
        assert.throws(() => failed(), /unique|UNIQUE|duplicate/);
        assert.deepEqual(read(), [{ n: 1 }, { n: 2 }]);
      } finally {
        db.close();
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
