// Two clerks on one database (two engines on one real SQLite file, each with its own name): a claimed document is
// refused to the other clerk with the holder's name, a claim expires on the clock, and two simultaneous edits of one
// field end with one winner and a conflict for the other — nothing overwritten silently.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Envelope } from '../../shared/api/define.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { CLAIM_MS } from '../../main/engine/review/claims.ts';
import { FOREIGN_CHECK_MS } from '../../main/engine/team/foreign-commits.ts';
import { DEFAULT_SETTINGS } from '../../shared/settings-defaults.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';
import { seedDocuments } from '../helpers/seed.ts';

/** The error envelope a request gets back (what the renderer shows the clerk). */
const refusal = async (p: Promise<Envelope<unknown>>): Promise<{ code: string; messageRu: string }> => {
  const res = await p;
  assert.ok(!res.ok, 'expected a refusal');
  return { code: res.error.code, messageRu: res.error.messageRu ?? res.error.message };
};

const pgStore = await pgDatabaseForSuite();
const STORES = [
  { store: 'SQLite', location: (tmp: string) => path.join(tmp, 'shared.db'), skip: undefined },
  { store: 'PostgreSQL', location: () => pgStore.url ?? '', skip: pgStore.skip },
];

for (const { store, location, skip } of STORES) void describe(`review together (two clerks, one database on ${store})`, { skip }, () => {
  let tmp: string;
  let ivanova: Engine;
  let petrov: Engine;
  const clock = new ManualClock();

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-team-r-'));
    const dbFile = location(tmp);
    const common = { mode: 'test' as const, dbFile, dbKey: null, autoStart: false, log: silentLogger, clock };
    ivanova = await createEngine({ ...common, dataDir: path.join(tmp, 'a'), actor: 'Иванова' });
    seedDocuments(ivanova.ctx.db, { count: 9, seed: 4, folderPath: path.join(tmp, 'in') });
    petrov = await createEngine({ ...common, dataDir: path.join(tmp, 'b'), actor: 'Петров' });
  });
  after(async () => {
    await ivanova.stop();
    await petrov.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('a claimed document is refused to the other clerk with the holder’s name, until released', async () => {
    await ivanova.request('documents:claim', { id: 1 });
    const r = await refusal(petrov.call('documents:claim', { id: 1 }));
    assert.equal(r.code, 'claimed');
    assert.equal(r.messageRu, 'Проверяет: Иванова');
    assert.equal((await petrov.request('documents:get', { id: 1 })).claimedBy, 'Иванова');
    assert.equal((await ivanova.request('documents:get', { id: 1 })).claimedBy, null, 'one’s own claim is not "another clerk"');
    const edit = await refusal(petrov.call('documents:set-field', { id: 1, field: 'LastName', value: 'ПЕТРОВА' }));
    assert.equal(edit.code, 'claimed');
    await ivanova.request('documents:release', { id: 1 });
    assert.deepEqual(await petrov.request('documents:claim', { id: 1 }), { claimedBy: 'Петров', until: clock.now() + CLAIM_MS });
    await petrov.request('documents:release', { id: 1 });
  });

  void it('a claim not renewed expires, and renewing keeps it', async () => {
    await ivanova.request('documents:claim', { id: 2 });
    await clock.advance(CLAIM_MS - 1_000);
    await ivanova.request('documents:claim', { id: 2 }); // renewal
    await clock.advance(CLAIM_MS - 1_000);
    assert.equal((await refusal(petrov.call('documents:claim', { id: 2 }))).code, 'claimed');
    await clock.advance(1_000);
    assert.equal((await petrov.request('documents:claim', { id: 2 })).claimedBy, 'Петров');
    await petrov.request('documents:release', { id: 2 });
  });

  void it('two edits of one field made against the same version: one wins, the other sees the conflict', async () => {
    const seen = await ivanova.request('documents:get', { id: 4 });
    assert.equal((await petrov.request('documents:get', { id: 4 })).version, seen.version);
    const results = await Promise.all([
      ivanova.call('documents:set-field', { id: 4, field: 'LastName', value: 'СИДОРОВА', version: seen.version }),
      petrov.call('documents:set-field', { id: 4, field: 'LastName', value: 'СЕМЁНОВА', version: seen.version }),
    ]);
    assert.equal(results.filter((r) => r.ok).length, 1, 'exactly one edit wins');
    const lost = results.find((r) => !r.ok);
    assert.ok(lost && !lost.ok);
    const err = { code: lost.error.code, messageRu: lost.error.messageRu ?? lost.error.message };
    assert.equal(err.code, 'conflict');
    const winner = results[0]!.ok ? 'Иванова' : 'Петров';
    const winnerValue = winner === 'Иванова' ? 'СИДОРОВА' : 'СЕМЁНОВА';
    assert.equal(err.messageRu, `Документ изменил другой сотрудник (${winner}). Обновлено — проверьте значение.`);
    // Nothing silently lost: the stored value is the winner's, and the audit trail holds exactly the winner's edit.
    const now = await petrov.request('documents:get', { id: 4 });
    assert.equal(now.fields.find((f) => f.name === 'LastName')?.value, winnerValue);
    assert.equal(now.version, seen.version + 1);
    const audit = ivanova.ctx.db.prepare(`SELECT actor, new_value FROM audit_events WHERE document_id = 4 AND action = 'set-field'`).all();
    assert.deepEqual(audit, [{ actor: winner, new_value: winnerValue }]);
    // The loser, with the fresh version, may now edit on top of what they were shown.
    const loser = winner === 'Иванова' ? petrov : ivanova;
    const after = await loser.request('documents:set-field', { id: 4, field: 'LastName', value: 'КУЗНЕЦОВА', version: now.version });
    assert.equal(after.version, now.version + 1);
  });

  void it('one clerk’s quick successive edits (sent with the version seen before the first) are not a conflict', async () => {
    const seen = await ivanova.request('documents:get', { id: 7 });
    await ivanova.request('documents:set-field', { id: 7, field: 'FirstName', value: 'АННА', version: seen.version });
    const d = await ivanova.request('documents:set-field', { id: 7, field: 'MiddleName', value: 'ИВАНОВНА', version: seen.version });
    assert.equal(d.version, seen.version + 2);
  });

  void it('stopping an engine ends its clerk’s claims', async () => {
    const dataDir = path.join(tmp, 'c');
    const sidorov = await createEngine({ mode: 'test', dataDir, dbFile: location(tmp), dbKey: null, autoStart: false, log: silentLogger, clock, actor: 'Сидоров' });
    await sidorov.start();
    await sidorov.request('documents:claim', { id: 5 });
    assert.equal((await refusal(ivanova.call('documents:claim', { id: 5 }))).messageRu, 'Проверяет: Сидоров');
    await sidorov.stop();
    assert.equal((await ivanova.request('documents:claim', { id: 5 })).claimedBy, 'Иванова');
  });
});

const pgForeign = await pgDatabaseForSuite();
const FOREIGN_STORES = [
  { store: 'SQLite', location: (tmp: string) => path.join(tmp, 'shared.db'), skip: undefined },
  { store: 'PostgreSQL (LISTEN/NOTIFY)', location: () => pgForeign.url ?? '', skip: pgForeign.skip },
];

for (const { store, location, skip } of FOREIGN_STORES) void describe(`another instance’s changes reach this grid (${store})`, { skip }, () => {
  void it('a commit by another instance raises one «everything changed» within a second (our own do not), and its settings apply here', async () => {
    const clock = new ManualClock();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-team-f-'));
    const dbFile = location(tmp);
    const common = { mode: 'test' as const, dbFile, dbKey: null, log: silentLogger, clock };
    const here = await createEngine({ ...common, dataDir: path.join(tmp, 'a'), actor: 'Иванова' });
    const there = await createEngine({ ...common, dataDir: path.join(tmp, 'b'), actor: 'Петров', autoStart: false });
    try {
      const everything: number[] = [];
      here.ctx.events.subscribe((name, payload) => {
        if (name === 'documents:changed' && (payload as { all: boolean }).all) everything.push(clock.now());
      });
      const tick = async () => {
        await clock.advance(FOREIGN_CHECK_MS);
        here.ctx.events.flush();
      };
      // PostgreSQL's notification crosses the network: look each second until it is heard (a bounded number of looks).
      const tickUntil = async (done: () => boolean) => {
        for (let i = 0; i < 200 && !done(); i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          await tick();
        }
      };
      seedDocuments(here.ctx.db, { count: 3, seed: 5, folderPath: path.join(tmp, 'in') }); // our own commits
      await tick();
      await tick();
      assert.deepEqual(everything, [], 'nothing committed by anybody else');
      await there.request('documents:set-field', { id: 1, field: 'LastName', value: 'ПЕТРОВА' });
      await tickUntil(() => everything.length > 0);
      assert.equal(everything.length, 1, 'the other clerk’s edit: the grid re-reads');
      await tick();
      assert.equal(everything.length, 1, 'once per change, not every second');
      assert.equal((await here.request('documents:get', { id: 1 })).fields.find((f) => f.name === 'LastName')?.value, 'ПЕТРОВА');
      // A rate and a daily cap set on the other computer apply here too, without a restart.
      const heard: string[] = [];
      here.ctx.settings.onChange((st, origin) => heard.push(`${origin}:${st.rps}:${st.dailyCap}`));
      await there.request('settings:set', { rps: 3, dailyCap: 7 });
      assert.equal(here.ctx.settings.get().rps, DEFAULT_SETTINGS.rps, 'not before the next look');
      await tickUntil(() => here.ctx.settings.get().rps === 3);
      assert.deepEqual({ rps: here.ctx.settings.get().rps, dailyCap: here.ctx.settings.get().dailyCap }, { rps: 3, dailyCap: 7 });
      await tick();
      assert.deepEqual(heard, ['elsewhere:3:7'], 'heard once, as a change made elsewhere');
    } finally {
      await here.stop();
      await there.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
