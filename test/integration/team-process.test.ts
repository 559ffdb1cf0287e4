// Three `scandesk process --once` runs on one folder and one database file, against the simulator on loopback; one is
// SIGKILLed mid-run and started again. Every file is recorded once and ends final, and no content is created twice at
// Beorg unless its case was marked «uncertain» (a send cut by the kill): nobody pays twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { startSimulator, SIM_CREDENTIALS } from '../../main/engine/sim/server.ts';
import { maxInWindow, rmrf, tempDir } from '../unit/queue-fixtures.ts';
import { runCliKillable } from '../helpers/cli.ts';
import { writeNumberedScans } from '../helpers/scans.ts';
import pg from 'pg';
import { pgDatabaseForSuite } from '../helpers/pg.ts';
import { DEFAULT_SETTINGS } from '../../shared/settings-defaults.ts';

const FILES = 200;
const RPS = 10; // shared by all three instances: they send with one token
const ENV = { ...process.env, BEORG_TOKEN: SIM_CREDENTIALS.token, BEORG_MACHINE_UID: SIM_CREDENTIALS.machineUid, BEORG_PROJECT_ID: SIM_CREDENTIALS.projectId };

type Results = { docs: { sha256: string | null; status: string }[]; open: number };

async function readResults(db: string): Promise<Results> {
  const docsSql = 'SELECT sha256, status FROM documents';
  const openSql = `SELECT COUNT(*) AS n FROM cases WHERE state IN ('queued','sending','processing','collecting')`;
  if (!db.startsWith('postgres')) {
    const conn = new Database(db, { readonly: true });
    try {
      return { docs: conn.prepare(docsSql).all() as Results['docs'], open: (conn.prepare(openSql).get() as { n: number }).n };
    } finally {
      conn.close();
    }
  }
  const conn = new pg.Client({ connectionString: db });
  await conn.connect();
  try {
    return { docs: (await conn.query(docsSql)).rows as Results['docs'], open: Number((await conn.query(openSql)).rows[0].n) };
  } finally {
    await conn.end();
  }
}

const pgStore = await pgDatabaseForSuite();
const STORES = [
  { store: 'one SQLite file', location: (root: string) => path.join(root, 'team.sqlite'), skip: undefined },
  { store: 'PostgreSQL', location: () => pgStore.url ?? '', skip: pgStore.skip },
];

for (const { store, location, skip } of STORES) void test(`three instances on one folder and ${store}, one killed and restarted: every file once, nobody pays twice`, { timeout: 300_000, skip }, async () => {
  const root = tempDir('scandesk-team-');
  const sim = await startSimulator({ config: { timeScale: 0.05, seed: 5 } });
  try {
    const folder = path.join(root, 'in');
    const hashes = await writeNumberedScans(folder, FILES, (i) => ({ r: (i * 41) % 256, g: (i * 83) % 256, b: (i * 29) % 256 }));
    assert.equal(hashes.size, FILES);
    const db = location(root);
    const args = ['process', folder, '--once', '--db', db, '--api-url', sim.url, '--settle-ms', '200', '--rps', String(RPS), '--concurrency', '4', '--move-processed'];
    // One computer: the instances share its data folder (logs, upload cache), which on a server store is not the
    // database's folder.
    const env = { ...ENV, SCANDESK_DATA_DIR: path.join(root, 'data') };
    const run = (killAfterMs: number | null) => runCliKillable(args, env, killAfterMs);
    // The first instance creates the database; the others join it while it works.
    const first = run(null);
    await new Promise((r) => setTimeout(r, 300)); // only staggers the starts; nothing is asserted about time
    const killed = run(2_500).then(() => run(null));
    const third = run(null);
    const codes = await Promise.all([first, killed, third]);
    for (const c of codes) assert.ok(c === 0 || c === 3, `exit ${c}`);

    const { docs, open } = await readResults(db);
    const live = docs.filter((d) => d.status !== 'duplicate');
    assert.equal(new Set(live.map((d) => d.sha256)).size, live.length, 'no file recorded twice as a live document');
    assert.equal(new Set(docs.map((d) => d.sha256)).size, FILES, 'every file recorded');
    for (const d of docs) assert.ok(['recognised', 'uncertain', 'failed', 'rejected', 'duplicate'].includes(d.status), `final status, got ${d.status}`);
    assert.equal(open, 0, 'no case left unfinished');
    const uncertain = new Set(docs.filter((d) => d.status === 'uncertain').map((d) => d.sha256));
    const created = new Map<string, number>();
    for (const d of sim.documents()) for (const h of d.imageHashes) created.set(h, (created.get(h) ?? 0) + 1);
    const paidTwice = [...created].filter(([h, n]) => n > 1 && !uncertain.has(h));
    assert.deepEqual(paidTwice, [], 'content created twice at Beorg without being marked uncertain');
    // One budget per token ([Note: one request budget per token]): the server never sees the three instances together
    // above the rps of one (plus its burst, for requests of the killed instance that were still on the wire).
    const peak = maxInWindow(sim.log().filter((e) => e.kind === 'upload' || e.kind === 'poll').map((e) => e.t));
    assert.ok(peak <= RPS + DEFAULT_SETTINGS.burst, `the simulator saw ${peak} requests in one second; shared budget ${RPS} (+${DEFAULT_SETTINGS.burst})`);
    // Originals are moved once, by the instance that finished their case: each recognised scan is in Обработано/ once.
    const moved = fs.existsSync(path.join(folder, 'Обработано')) ? fs.readdirSync(path.join(folder, 'Обработано')) : [];
    const left = fs.readdirSync(folder).filter((f) => f.endsWith('.jpg'));
    const recognised = docs.filter((d) => d.status === 'recognised').length;
    assert.equal(moved.length, recognised, `moved ${moved.length}, recognised ${recognised}; left in place: ${left.length}`);
    assert.equal(moved.length + left.length, FILES, 'no original lost or copied');
    process.stderr.write(`team test (${store}): exit codes ${codes.join(",")}, peak ${peak} requests/s, recognised ${recognised}, uncertain ${uncertain.size}, duplicates ${docs.length - live.length}, created at Beorg ${created.size}\n`);
    assert.ok(recognised + uncertain.size >= FILES * 0.9, 'the batch got through');
  } finally {
    await sim.close();
    rmrf(root);
  }
});
