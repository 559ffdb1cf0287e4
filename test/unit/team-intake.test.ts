// Two instances watching one folder on one database (two engines, one real SQLite file, real files): every file is
// hashed, decoded and decided by one of them only ([Note: one instance decides a file]). Each decision prepares the
// upload in its own instance's cache (the scans are recompressed), so the prepared files, counted across both data
// folders, say how many decisions were made.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';
import { writeNumberedScans } from '../helpers/scans.ts';
import { waitFor } from '../helpers/wait.ts';
import { createMemorySecretStore } from '../../main/engine/secrets.ts';
import { SIM_CREDENTIALS } from '../../main/engine/sim/config.ts';
import { startSimulator } from '../../main/engine/sim/server.ts';

const FILES = 40;

const pgStore = await pgDatabaseForSuite();
const STORES = [
  { store: 'one SQLite file', location: (tmp: string) => path.join(tmp, 'shared.db'), skip: undefined },
  { store: 'PostgreSQL', location: () => pgStore.url ?? '', skip: pgStore.skip },
];

for (const { store, location, skip } of STORES) void test(`two instances on one folder and ${store} decide each file once; the other one leaves it`, { timeout: 120_000, skip }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-team-intake-'));
  const inbox = path.join(tmp, 'Входящие');
  await writeNumberedScans(inbox, FILES, (i) => ({ r: (i * 23) % 256, g: (i * 67) % 256, b: (i * 13) % 256 }));
  const dbFile = location(tmp);
  // No credentials: nothing is sent; the scans' long side (800 px) is over the recompress limit, so each decision
  // writes a prepared upload into its own data folder's cache.
  const open = (who: string) =>
    createEngine({ dataDir: path.join(tmp, who), dbFile, dbKey: null, mode: 'test', log: silentLogger, settingsOverrides: { apiUrl: 'http://127.0.0.1:9', recompressMaxSidePx: 500 } });
  const engines: Engine[] = [];
  try {
    const a = await open('a');
    engines.push(a);
    await a.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300 } });
    engines.push(await open('b')); // starts watching the folder it finds in the database
    await Promise.all(engines.map((e) => e.intake.settled({ signal: AbortSignal.timeout(90_000) })));

    const rows = a.ctx.db.prepare('SELECT status, deciding_by FROM documents').all() as { status: string; deciding_by: string | null }[];
    assert.equal(rows.length, FILES, 'one row per file');
    for (const r of rows) assert.equal(r.status, 'queued', 'every file decided');
    const prepared = ['a', 'b'].map((who) => {
      const dir = path.join(tmp, who, 'cache', 'uploads');
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).length : 0;
    });
    assert.equal(prepared[0]! + prepared[1]!, FILES, `decisions made: ${prepared.join(' + ')} for ${FILES} files`);
    const deciders = new Set(rows.map((r) => r.deciding_by));
    assert.ok([...deciders].every((d) => d === a.ctx.instanceId || d === engines[1]!.ctx.instanceId), 'each row names the instance that decided it');
  } finally {
    for (const e of engines) await e.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

const pgSend = await pgDatabaseForSuite();

void test('a case checked on one computer is sent by another: the upload is prepared again there from the checked original', { timeout: 120_000, skip: pgSend.skip }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-team-send-'));
  const inbox = path.join(tmp, 'Входящие');
  const files = 6;
  await writeNumberedScans(inbox, files, (i) => ({ r: (i * 51) % 256, g: (i * 17) % 256, b: (i * 99) % 256 }));
  const sim = await startSimulator({ config: { timeScale: 0.02, seed: 3 } });
  const common = { dbFile: pgSend.url!, dbKey: null, mode: 'test' as const, log: silentLogger };
  let b: Engine | null = null;
  try {
    // The first computer checks every file (its long side is over the limit: a prepared upload each) but cannot send.
    const a = await createEngine({ ...common, dataDir: path.join(tmp, 'pc-1'), settingsOverrides: { apiUrl: 'http://127.0.0.1:9', recompressMaxSidePx: 500 } });
    await a.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300 } });
    await a.intake.settled({ signal: AbortSignal.timeout(90_000) });
    await a.stop();
    fs.rmSync(path.join(tmp, 'pc-1'), { recursive: true, force: true }); // switched off, its cache with it
    b = await createEngine({ ...common, dataDir: path.join(tmp, 'pc-2'), secrets: createMemorySecretStore(SIM_CREDENTIALS), settingsOverrides: { apiUrl: sim.url, recompressMaxSidePx: 500 } });
    const db = b.ctx.db;
    await waitFor('every document recognised on the second computer', () => (db.prepare(`SELECT COUNT(*) AS n FROM documents WHERE status = 'recognised'`).get() as { n: number }).n === files);
    const prepared = fs.readdirSync(path.join(tmp, 'pc-2', 'cache', 'uploads')).filter((f) => f.endsWith('.jpg'));
    assert.equal(prepared.length, files, 'prepared again on the computer that sent them');
    assert.equal(sim.documents().length, files, 'each case sent once');
  } finally {
    await b?.stop();
    await sim.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
