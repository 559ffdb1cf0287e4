// Queue controls through the contract (engine.call → dispatch): pause/resume, live limits, cancel, retry,
// reprocess quote + paid re-submission, auth pause, no credentials, daily cap, offline then recovery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator, type Simulator } from '../../main/engine/sim/server.ts';
import { generateSamples, type GeneratedFile } from '../../main/engine/samples/index.ts';
import type { QueueState } from '../../shared/api/queue.ts';
import { movesSeen, rmrf, seedCase, stopAllEngines, startEngine, tempDir } from './queue-fixtures.ts';
import { canMove } from '../../main/engine/state/transitions.ts';
import { waitFor } from '../helpers/wait.ts';

let sim: Simulator;
let files: GeneratedFile[];
const dirs: string[] = [];
before(async () => {
  sim = await startSimulator({ config: { timeScale: 0.01 } });
  const d = tempDir('scandesk-samples-');
  dirs.push(d);
  ({ files } = await generateSamples({ dir: d, count: 4, layout: 'folders', seed: 2, include: { selfie: false } }));
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});
const stateOf = (e: Awaited<ReturnType<typeof startEngine>>, id: number) => (e.ctx.db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state;

void test('pause holds submissions, cancel before sending, resume sends, live limits, retry and reprocess', async () => {
  sim.reset();
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, sim.url);
  const paused = (await engine.request('queue:pause', {}));
  assert.equal(paused.pausedReason, 'clerk');
  const a = seedCase(engine, 'a', [{ file: files[0]!.path, type: files[0]!.type }]);
  const b = seedCase(engine, 'b', [{ file: files[1]!.path, type: files[1]!.type }]);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 0, 'nothing sent while paused');
  await engine.request('cases:cancel', { caseId: b });
  assert.equal(stateOf(engine, b), 'cancelled');
  const limits = (await engine.request('queue:set-limits', { concurrency: 2, rps: 7 }));
  assert.equal(limits.concurrency, 2);
  assert.equal(limits.rps, 7);
  assert.equal(engine.ctx.settings.get().rps, 7);
  await engine.request('queue:resume', {});
  await engine.queue.idle();
  assert.equal(stateOf(engine, a), 'done');
  const cancelAgain = await engine.call('cases:cancel', { caseId: a });
  assert.equal(cancelAgain.ok, false);
  // reprocess: quote first (nothing sent), then a paid re-submission with an audit row
  const quote = (await engine.request('cases:reprocess', { caseId: a, confirm: false }));
  assert.deepEqual(quote, { documents: 1, costRub: 4, submitted: false });
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 1);
  await engine.request('cases:reprocess', { caseId: a, confirm: true });
  await engine.queue.idle();
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 2);
  assert.equal((engine.ctx.db.prepare(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'reprocess' AND case_id = ?`).get(a) as { n: number }).n, 1);
  const st = (await engine.request('queue:state', {}));
  assert.equal(st.cost.totalDocuments, 2);
  assert.equal(st.cost.totalRub, 8);
  await engine.stop();
});

void test('bad token pauses the whole queue with the Russian message; no credentials → nothing sent', async (t) => {
  sim.reset();
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, sim.url);
  t.after(() => engine.stop());
  engine.ctx.secrets.set({ token: '0'.repeat(32), machineUid: 'X'.repeat(40), projectId: 'SCANDESK_DEMO' });
  for (const f of files) seedCase(engine, f.path, [{ file: f.path, type: f.type }]);
  await engine.queue.idle();
  const st = (await engine.request('queue:state', {}));
  assert.equal(st.pausedReason, 'auth');
  assert.match(st.pausedMessage ?? '', /Неверный токен или machine_uid/);
  assert.ok(sim.log().filter((e) => e.kind === 'upload').length <= 4, 'stopped after the first 401s (concurrency 4)');
  assert.equal((engine.ctx.db.prepare(`SELECT COUNT(*) AS n FROM cases WHERE state = 'queued'`).get() as { n: number }).n, files.length);
  engine.ctx.secrets.clear();
  const none = (await engine.request('queue:state', {}));
  assert.equal(none.pausedReason, 'no-credentials');
});

void test('daily cap pauses submission after N billable uploads', async () => {
  sim.reset();
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, sim.url, { dailyCap: 2, concurrency: 1 });
  for (const f of files) seedCase(engine, f.path, [{ file: f.path, type: f.type }]);
  await waitFor('two cases done', () => (engine.ctx.db.prepare(`SELECT COUNT(*) AS n FROM cases WHERE state = 'done'`).get() as { n: number }).n === 2);
  await new Promise((r) => setTimeout(r, 300));
  const st = (await engine.request('queue:state', {}));
  assert.equal(st.pausedReason, 'daily-cap');
  assert.equal(sim.log().filter((e) => e.kind === 'upload' && e.status === 200).length, 2);
  await engine.stop();
});

void test('offline: the queue waits with nextTryAt and resumes when the API answers; failed → retry', async () => {
  // A port with nothing listening, then the simulator is started on that same port.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startEngine(dir, `http://127.0.0.1:${port}`);
  const seededAt = Date.now();
  const id = seedCase(engine, 'offline', [{ file: files[0]!.path, type: files[0]!.type }]);
  await waitFor('the offline pause', () => engine.handlers['queue:state']({}) instanceof Object && (engine.handlers['queue:state']({}) as QueueState).pausedReason === 'offline');
  const st = engine.handlers['queue:state']({}) as QueueState;
  assert.ok(st.nextTryAt !== null && st.nextTryAt >= seededAt, 'the next try is planned after the failed attempt, whatever the load');
  assert.equal(stateOf(engine, id), 'queued');
  const late = await startSimulator({ port, config: { timeScale: 0.01 } });
  try {
    await engine.queue.idle();
    assert.equal(stateOf(engine, id), 'done');
    // retry: a final 4xx failure goes back to the queue on request (the scan itself unchanged: a retry sends the file
    // intake checked — [Note: the upload is the file that was checked])
    const maxFileBytes = late.config.maxFileBytes;
    late.setConfig({ maxFileBytes: 100 });
    const f = seedCase(engine, 'too big for the server today', [{ file: files[1]!.path, type: files[1]!.type }]);
    await engine.queue.idle();
    assert.equal(stateOf(engine, f), 'failed');
    late.setConfig({ maxFileBytes });
    await engine.request('cases:retry', { caseId: f });
    await engine.queue.idle();
    assert.equal(stateOf(engine, f), 'done');
  } finally {
    await engine.stop();
    await late.close();
  }
});

void test('the flows above moved documents and cases only along the lifecycle table, through the edges they exist for', () => {
  const moves = [...movesSeen].sort();
  const expected = [
    'case done→queued',
    'case failed→queued',
    'case processing→done',
    'case queued→cancelled',
    'case queued→sending',
    'case sending→failed',
    'case sending→processing',
    'case sending→queued',
    'document failed→queued',
    'document processing→recognised',
    'document queued→cancelled',
    'document queued→sending',
    'document recognised→queued',
    'document sending→failed',
    'document sending→processing',
    'document sending→queued',
  ];
  for (const m of expected) assert.ok(moves.includes(m), `no flow above moved ${m}`);
  for (const m of moves) {
    const [lifecycle, edge] = m.split(' ') as ['document' | 'case', string];
    const [from, to] = edge.split('→') as [string, string];
    assert.ok(canMove(lifecycle, from, to), m);
  }
});
