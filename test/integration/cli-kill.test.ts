// Kill test: `scandesk process --once` as a child process on a few hundred files, SIGKILLed at random moments
// several times and restarted. Finally every document is final, no file is lost, and no content was submitted
// twice except for cases the engine marked "uncertain" (crash between intent and document_id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { startSimulator, SIM_CREDENTIALS } from '../../main/engine/sim/server.ts';
import { rmrf, tempDir } from '../unit/queue-fixtures.ts';
import { runCliKillable } from '../helpers/cli.ts';
import { writeNumberedScans } from '../helpers/scans.ts';

const FILES = 200;
const ENV = { ...process.env, BEORG_TOKEN: SIM_CREDENTIALS.token, BEORG_MACHINE_UID: SIM_CREDENTIALS.machineUid, BEORG_PROJECT_ID: SIM_CREDENTIALS.projectId };

void test('SIGKILL at random moments, restart: all final, nothing lost, no double submission except uncertain', { timeout: 180_000 }, async () => {
  const root = tempDir('scandesk-kill-');
  const sim = await startSimulator({ config: { timeScale: 0.05, seed: 3 } });
  try {
    const folder = path.join(root, 'in');
    const hashes = await writeNumberedScans(folder, FILES, (i) => ({ r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 }));
    assert.equal(hashes.size, FILES);
    const db = path.join(root, 'db.sqlite');
    const args = ['process', folder, '--once', '--db', db, '--api-url', sim.url, '--settle-ms', '200', '--rps', '40', '--concurrency', '8'];
    const run = (killAfterMs: number | null) => runCliKillable(args, ENV, killAfterMs);
    let rnd = 12345;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 4; k++) await run(1500 + Math.floor(random() * 3000));
    const final = await run(null);
    assert.ok(final === 0 || final === 3, `final exit ${final}`);

    const conn = new Database(db, { readonly: true });
    const docs = conn.prepare('SELECT sha256, status, case_id FROM documents').all() as { sha256: string | null; status: string; case_id: number | null }[];
    const cases = conn.prepare('SELECT state, COUNT(*) AS n FROM cases GROUP BY state').all() as { state: string; n: number }[];
    conn.close();
    assert.equal(docs.length, FILES, 'no file lost, none recorded twice');
    for (const d of docs) assert.ok(['recognised', 'uncertain', 'failed', 'rejected', 'duplicate'].includes(d.status), `final status, got ${d.status}`);
    for (const c of cases) assert.ok(!['queued', 'sending', 'processing', 'collecting'].includes(c.state), `case state ${c.state}`);
    const uncertain = new Set(docs.filter((d) => d.status === 'uncertain').map((d) => d.sha256));
    const perHash = new Map<string, number>();
    for (const e of sim.log()) if (e.kind === 'upload' && e.status === 200) for (const h of e.imageHashes) perHash.set(h, (perHash.get(h) ?? 0) + 1);
    // Also uploads whose response was lost because the client died: the sim created them (processAbandonedUploads).
    const created = new Map<string, number>();
    for (const d of sim.documents()) for (const h of d.imageHashes) created.set(h, (created.get(h) ?? 0) + 1);
    for (const [h, n] of created) if (n > 1) assert.ok(uncertain.has(h), `content ${h.slice(0, 8)} created ${n}× but not marked uncertain`);
    const recognised = docs.filter((d) => d.status === 'recognised').length;
    process.stderr.write(`kill test: recognised ${recognised}, uncertain ${uncertain.size}, cases ${JSON.stringify(cases)}\n`);
    assert.ok(recognised + uncertain.size >= FILES * 0.9, 'the batch got through');
    void perHash;
  } finally {
    await sim.close();
    rmrf(root);
  }
});
