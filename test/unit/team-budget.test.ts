// One request budget per Beorg token across instances: two budgets on two connections to one database file (two
// instances), on an injected clock. Asserts order and counts, never wall-clock windows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '../../main/engine/db/open.ts';
import { createRateBudget, type Permit } from '../../main/engine/queue/rate-budget.ts';
import { budgetKeyOf, createSharedPauses, shareBudget } from '../../main/engine/team/shared-budget.ts';
import { ManualClock, turn } from '../helpers/manual-clock.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';

const TOKEN = 'токен-команды-0123456789';

/** An instance with a lease row, as a running queue has ([Note: instances hold leases]). */
function instance(db: Db, clock: ManualClock, id: string, rps = 2, token: string | null = TOKEN) {
  db.prepare(`INSERT OR IGNORE INTO instances(id, host, pid, clerk, started_at, heartbeat_at) VALUES (?, 'pc', 1, 'Иванова', 0, 0)`).run(id);
  const key = () => (token === null ? null : budgetKeyOf(token));
  const local = createRateBudget({ rps, burst: rps, clock });
  return shareBudget(local, { db, clock, instanceId: id, key, rps: () => rps });
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

const pgStore = await pgDatabaseForSuite();
const STORES = [
  { store: 'one SQLite file', location: (tmp: string) => path.join(tmp, 'team.sqlite'), skip: undefined },
  { store: 'PostgreSQL', location: () => pgStore.url ?? '', skip: pgStore.skip },
];

for (const { store, location, skip } of STORES) void describe(`shared request budget (${store})`, { skip }, () => {
  let tmp: string;
  let a: Db;
  let b: Db;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-budget-'));
    const file = location(tmp);
    a = openDatabase(file, { key: null });
    b = openDatabase(file, { key: null });
  });
  after(() => {
    a.close();
    b.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('two instances on one token never hold more than the per-second cap between them; a freed slot counts 1 s more', async () => {
    const clock = new ManualClock();
    const one = instance(a, clock, 'pc-1');
    const two = instance(b, clock, 'pc-2');
    const p1 = await one.take();
    const p2 = await one.take();
    let third: Permit | null = null;
    void two.take().then((p) => (third = p));
    await settle();
    assert.equal(third, null, 'pc-2 waits: pc-1 holds the whole cap of 2');
    await clock.advance(2_000);
    await settle();
    assert.equal(third, null, 'requests in flight keep counting, however long they take');
    p1.release();
    const freedAt = clock.now();
    await clock.advance(500);
    await settle();
    assert.equal(third, null, 'an answered request counts for 1 s after its answer');
    await clock.advance(600);
    await settle();
    assert.notEqual(third, null, 'then the other instance gets the slot');
    assert.ok(third!.at >= freedAt + 1_000);
    const counted = a.prepare('SELECT COUNT(*) AS n FROM api_slots WHERE ended_at IS NULL').get() as { n: number };
    assert.equal(counted.n, 2, 'pc-1 one in flight, pc-2 one in flight');
    p2.release();
    third!.release();
    assert.deepEqual(
      a.prepare('SELECT DISTINCT budget_key FROM api_slots').all(),
      [{ budget_key: budgetKeyOf(TOKEN) }],
      'rows name the token by a hash, never the token',
    );
  });

  void it('a different token is a different budget; an instance whose lease is gone stops holding slots', async () => {
    const clock = new ManualClock(Date.UTC(2026, 1, 1));
    const one = instance(a, clock, 'pc-gone', 1);
    const held = await one.take();
    a.prepare(`DELETE FROM instances WHERE id = 'pc-gone'`).run(); // pc-gone died with this request in flight; its lease was reaped
    const other = instance(b, clock, 'pc-3', 1, 'другой-токен-987654321');
    const p = await other.take();
    assert.ok(p, 'another token is not held back by this one');
    const same = await instance(b, clock, 'pc-4', 1).take();
    assert.ok(same, 'a slot of an instance without a lease does not count');
    held.release();
    p.release();
    same.release();
  });

  void it('a 429 recorded by one instance is the pause of every instance on the token', () => {
    const key = () => budgetKeyOf(TOKEN);
    const mine = createSharedPauses(a, key);
    const theirs = createSharedPauses(b, key);
    const stranger = createSharedPauses(b, () => budgetKeyOf('чужой-токен-000000'));
    mine.record(5_000);
    mine.record(4_000);
    assert.equal(theirs.until(), 5_000, 'the later end wins');
    assert.equal(stranger.until(), null);
  });
});
