// The synchronous PostgreSQL connection against a real server: statements sent ahead of their answers
// ([Note: pipelined statements]) get their own answers, in whatever order they are asked for, and a failure stays
// with the statement that failed. The export relies on this to have the server read the next page and link the last
// one while a page is being written, and on a keyset page being read ahead ([Note: pages read ahead]).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase, startAll, startPage, startRun } from '../../main/engine/db/open.ts';
import { PgError, SyncPgConnection } from '../../main/engine/db/pg/sync-connection.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';
import { waitFor } from '../helpers/wait.ts';

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

  void test('an answer of many rows, serialized a chunk at a time, arrives whole, in order, with its types', () => {
    // Chunk boundaries ([Note: rows serialized as they come]): 1 row, a full chunk, chunks with a partial last one; nulls and
    // Cyrillic text survive the serializer, and an error after some rows were sent answers as an error, not a part.
    const c = new SyncPgConnection(server.url!);
    try {
      for (const n of [1, 100, 250, 1001]) {
        const rows = c.query<{ n: number; t: string; nothing: null }>(`SELECT g AS n, 'строка ' || g AS t, NULL AS nothing FROM generate_series(1, $1::int) g`, [n]).rows;
        assert.equal(rows.length, n);
        assert.deepEqual(rows[0], { n: 1, t: 'строка 1', nothing: null });
        assert.ok(rows.every((r, i) => r.n === i + 1 && r.t === `строка ${i + 1}`), `rows of ${n} in order`);
      }
      assert.throws(() => c.query('SELECT 1 / (300 - g) FROM generate_series(1, 400) g'), (err: unknown) => err instanceof PgError && err.code === '22012');
      assert.deepEqual(c.query('SELECT 1 AS one').rows, [{ one: 1 }]);
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

  void test('startPage: the page after a full one is read before it is asked for, taken once, and never for another read', async () => {
    const db = openDatabase(server.url!);
    const watcher = new SyncPgConnection(server.url!);
    try {
      // Every row the page statement reads is logged by the server, so the test sees each read (and when it happened).
      watcher.query('CREATE TABLE paged (id int PRIMARY KEY)');
      watcher.query('CREATE TABLE page_reads (id int)');
      watcher.query('CREATE FUNCTION logged_read(n int) RETURNS int LANGUAGE sql VOLATILE AS $$ INSERT INTO page_reads VALUES (n) RETURNING n $$');
      watcher.query('INSERT INTO paged SELECT generate_series(1, 7)');
      const reads = () => watcher.query<{ id: number; n: number }>('SELECT id, count(*)::int AS n FROM page_reads GROUP BY id ORDER BY id').rows;
      const readCount = (id: number) => reads().find((r) => r.id === id)?.n ?? 0;
      const stmt = db.prepare('SELECT id, logged_read(id) AS logged FROM paged WHERE id > ? ORDER BY id LIMIT 3');
      const page = (after: number) => startPage<{ id: number }>(stmt, { keys: ['id'], size: 3 }, after)().map((r) => r.id);

      assert.deepEqual(page(0), [1, 2, 3]);
      await waitFor('the page after a full page to be read unasked', () => readCount(4) === 1 && readCount(6) === 1);
      assert.deepEqual(page(3), [4, 5, 6]);
      assert.deepEqual([4, 5, 6].map(readCount), [1, 1, 1], 'the page asked for is the one read ahead, not read again');
      await waitFor('the short last page to be read ahead', () => readCount(7) === 1);

      // A read elsewhere drops the page ahead: asking for it afterwards reads it afresh.
      assert.deepEqual(page(0), [1, 2, 3]);
      assert.deepEqual(page(6), [7]);
      assert.equal(readCount(7), 2, 'a page ahead that was dropped is read again when asked');
      assert.deepEqual(reads().map((r) => r.id), [1, 2, 3, 4, 5, 6, 7], 'nothing past the last page is read');
    } finally {
      db.close();
      watcher.close();
    }
  });
});
