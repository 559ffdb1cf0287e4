// Several instances on one database (a real SQLite file, a manual clock): a send in flight on a live instance is left
// alone by another instance's start; when that instance's lease runs out, the other takes over its work — the send
// with no answer becomes «uncertain» (never re-sent), the one Beorg accepted is polled here. A crash on this computer
// is seen at once (its process is gone), without waiting for the lease.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { openDatabase, type Db } from '../../main/engine/db/open.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { HEARTBEAT_MS, LEASE_MS } from '../../main/engine/team/instances.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';

const clock = new ManualClock();

/** A case `state` sent by instance `owner` (with Beorg's id when `accepted`), one document in it. */
function sendingCase(db: Db, owner: string, accepted: boolean): number {
  const now = clock.now();
  const { id } = db.prepare(
    `INSERT INTO cases(case_key, label, state, intent_at, beorg_document_id, owner_id, created_at, updated_at)
     VALUES (?, 'Иванов', 'sending', ?, ?, ?, ?, ?) RETURNING id`,
  ).get(`k-${owner}-${accepted}`, now, accepted ? 'beorg-1' : null, owner, now, now) as { id: number };
  db.prepare(
    `INSERT INTO documents(case_id, path, rel_path, file_name, doc_type, status, created_at, updated_at)
     VALUES (?, ?, 'a.jpg', 'a.jpg', 'PASSPORT', 'sending', ?, ?)`,
  ).run(id, `/in/${id}.jpg`, now, now);
  return id;
}

function otherInstance(db: Db, id: string, host: string, pid: number): void {
  db.prepare(`INSERT INTO instances(id, host, pid, clerk, started_at, heartbeat_at) VALUES (?, ?, ?, 'Петров', ?, ?)`).run(id, host, pid, clock.now(), clock.now());
}

const stateOf = (db: Db, id: number) => db.prepare('SELECT state, error_kind FROM cases WHERE id = ?').get(id) as { state: string; error_kind: string | null };

const pgStore = await pgDatabaseForSuite();
const STORES = [
  { store: 'one SQLite file', location: (tmp: string) => path.join(tmp, 'shared.db'), skip: undefined },
  { store: 'PostgreSQL', location: () => pgStore.url ?? '', skip: pgStore.skip },
];

for (const { store, location, skip } of STORES) void describe(`instance leases (${store})`, { skip }, () => {
  let tmp: string;
  let file: string;
  let engine: Engine | null = null;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-leases-'));
    file = location(tmp);
  });
  after(async () => {
    await engine?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('a live instance’s sends are left alone; when its lease runs out they are taken over', async () => {
    const db = openDatabase(file, { key: null });
    otherInstance(db, 'pc-2', 'другой-компьютер', 4242);
    const unanswered = sendingCase(db, 'pc-2', false);
    const accepted = sendingCase(db, 'pc-2', true);
    db.close();

    engine = await createEngine({ dataDir: path.join(tmp, 'a'), dbFile: file, dbKey: null, mode: 'test', log: silentLogger, clock });
    const edb = engine.ctx.db;
    assert.deepEqual(stateOf(edb, unanswered), { state: 'sending', error_kind: null }, 'a send in flight elsewhere is not ours to judge');
    assert.equal(stateOf(edb, accepted).state, 'sending');
    assert.equal((edb.prepare('SELECT COUNT(*) AS n FROM instances').get() as { n: number }).n, 2);

    // pc-2 stops renewing (its network or power went). Within the lease nothing changes.
    await clock.advance(LEASE_MS - HEARTBEAT_MS);
    assert.equal(stateOf(edb, unanswered).state, 'sending');
    await clock.advance(2 * HEARTBEAT_MS);
    assert.deepEqual(stateOf(edb, unanswered), { state: 'uncertain', error_kind: 'uncertain' });
    assert.equal(stateOf(edb, accepted).state, 'processing', 'accepted by Beorg: polled by the instance that took over');
    assert.equal((edb.prepare(`SELECT status FROM documents WHERE case_id = ?`).get(unanswered) as { status: string }).status, 'uncertain');
    assert.equal((edb.prepare(`SELECT COUNT(*) AS n FROM api_requests WHERE kind = 'upload'`).get() as { n: number }).n, 0, 'never re-sent');
    assert.deepEqual(edb.prepare('SELECT clerk FROM instances').all(), [{ clerk: engine.ctx.actor }], 'the dead lease is gone');
    await engine.stop();
    engine = null;
  });

  void it('a crashed instance on this computer is recovered at the next start, without waiting for its lease', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const db = openDatabase(file, { key: null });
    otherInstance(db, 'crashed', os.hostname(), dead);
    const unanswered = sendingCase(db, 'crashed', false);
    db.close();
    engine = await createEngine({ dataDir: path.join(tmp, 'b'), dbFile: file, dbKey: null, mode: 'test', log: silentLogger, clock });
    assert.equal(stateOf(engine.ctx.db, unanswered).state, 'uncertain');
    await engine.stop();
    engine = null;
  });

  void it('a clean stop ends the lease at once', async () => {
    engine = await createEngine({ dataDir: path.join(tmp, 'c'), dbFile: file, dbKey: null, mode: 'test', log: silentLogger, clock });
    assert.equal((engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM instances').get() as { n: number }).n, 1);
    await engine.stop();
    engine = null;
    const db = openDatabase(file, { key: null });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM instances').get() as { n: number }).n, 0);
    db.close();
  });
});

/**
 * `a` reads, then writes, in one write transaction; meanwhile `b` (set up to give up at once) tries a write transaction
 * of its own. It must be refused with `blocked` (it would queue behind `a`), and `a` must see and write what it read.
 */
function assertWritersQueue(a: Db, b: Db, blocked: RegExp): void {
  a.exec('CREATE TABLE tally (n INTEGER)');
  let otherBlocked = false;
  a.transaction(() => {
    const n = (a.prepare('SELECT COUNT(*) AS n FROM tally').get() as { n: number }).n;
    try {
      b.transaction(() => b.prepare('INSERT INTO tally VALUES (100)').run())();
    } catch (err) {
      otherBlocked = blocked.test(String(err));
    }
    a.prepare('INSERT INTO tally VALUES (?)').run(n);
  })();
  assert.equal(otherBlocked, true, 'the other writer waits for this transaction');
  assert.deepEqual(b.prepare('SELECT n FROM tally').all(), [{ n: 0 }]);
}

void test('two connections on one file: a read-then-write transaction queues for the lock instead of failing with SQLITE_BUSY', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-immediate-'));
  const a = openDatabase(path.join(dir, 'team.sqlite'));
  const b = openDatabase(path.join(dir, 'team.sqlite'));
  try {
    b.pragma('busy_timeout = 0'); // the other instance: it meets the held lock at once instead of waiting 5 s
    assertWritersQueue(a, b, /locked|busy/i);
  } finally {
    a.close();
    b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const pgLock = await pgDatabaseForSuite();

void test('two connections on PostgreSQL: a write transaction holds the write lock until it ends', { skip: pgLock.skip }, () => {
  const a = openDatabase(pgLock.url!);
  const b = openDatabase(pgLock.url!);
  try {
    b.exec("SET lock_timeout = '200ms'"); // the other instance gives up at once instead of queueing behind us
    assertWritersQueue(a, b, /lock timeout/i);
  } finally {
    a.close();
    b.close();
  }
});
