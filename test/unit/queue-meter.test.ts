// The cost meter counts billed documents and roubles ([Note: what a submission costs]), the daily cap is in documents
// and stops a batch cleanly; the first poll waits the median of recent processing times. Real simulator, real SQLite,
// one virtual clock for both (test/helpers/virtual-time.ts): processing times are exact, not the machine's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../main/engine/sim/server.ts';
import { generateSamples, type GeneratedFile, type SamplePerson } from '../../main/engine/samples/index.ts';
import { rmrf, seedCase, startVirtualEngine, stopAllEngines, tempDir } from './queue-fixtures.ts';
import { createVirtualTime } from '../helpers/virtual-time.ts';

let sim: Simulator;
let people: SamplePerson[];
let files: GeneratedFile[];
const dirs: string[] = [];
const vt = createVirtualTime(() => sim.waiting());
before(async () => {
  sim = await startSimulator({ clock: vt.clock, config: { timeScale: 0.02, seed: 4 } });
  const d = tempDir('scandesk-samples-');
  dirs.push(d);
  ({ people, files } = await generateSamples({ dir: d, count: 8, layout: 'folders', seed: 8 }));
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});
const fileOf = (p: SamplePerson, type: GeneratedFile['type']) => ({ file: files.find((f) => f.personId === p.id && f.type === type)!.path, type });

void test('cost meter: documents and roubles per the billing model; re-process quote uses the same model', async () => {
  sim.reset();
  sim.setConfig({ delay: { kind: 'fixed', ms: 0 } });
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url, { pricePerDocumentRub: 4.5 });
  const [a, b, c] = people as [SamplePerson, SamplePerson, SamplePerson];
  seedCase(engine, 'pass+selfie', [fileOf(a, 'PASSPORT'), fileOf(a, 'SELFIE')]); // 1 document
  const full = seedCase(engine, 'pass+inn+selfie', [fileOf(b, 'PASSPORT'), fileOf(b, 'INN'), fileOf(b, 'SELFIE')]); // 2
  seedCase(engine, 'selfie only', [fileOf(c, 'SELFIE')]); // 1 (a request bills at least one)
  await vt.run(engine.queue.idle());
  const st = (await engine.request('queue:state', {}));
  assert.deepEqual(
    { today: st.cost.todayDocuments, todayRub: st.cost.todayRub, total: st.cost.totalDocuments, totalRub: st.cost.totalRub },
    { today: 4, todayRub: 18, total: 4, totalRub: 18 },
  );
  // The simulator bills every result document (selfies too): the provider-side view is higher than our estimate.
  assert.equal(Object.values(sim.billing()).reduce((x, y) => x + y, 0), 6);
  const quote = (await engine.request('cases:reprocess', { caseId: full, confirm: false }));
  assert.deepEqual(quote, { documents: 2, costRub: 9, submitted: false });
  await engine.stop();
});

void test('daily cap counts documents, pauses with a message, and a batch run still comes to rest', async () => {
  sim.reset();
  sim.setConfig({ delay: { kind: 'fixed', ms: 0 } });
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url, { dailyCap: 3, concurrency: 1 });
  for (const p of people.slice(0, 3)) seedCase(engine, p.lastName, [fileOf(p, 'PASSPORT'), fileOf(p, 'INN')]); // 2 documents each
  await vt.run(engine.queue.idle({ signal: AbortSignal.timeout(15_000) })); // resolves: the cap is a block for today, not a wait
  const st = (await engine.request('queue:state', {}));
  assert.equal(st.pausedReason, 'daily-cap');
  assert.match(st.pausedMessage ?? '', /Достигнут дневной лимит: 3 док/);
  assert.equal(st.cost.todayDocuments, 4, 'the case that crossed the cap is sent whole');
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 2);
  assert.equal((engine.ctx.db.prepare(`SELECT COUNT(*) AS n FROM cases WHERE state = 'queued'`).get() as { n: number }).n, 1);
  await engine.stop();
});

void test('first poll waits the median of recent processing times (learned), not the configured 100 ms', async () => {
  sim.reset();
  sim.setConfig({ delay: { kind: 'fixed', ms: 50_000 } }); // × 0.02 = 1 s processing
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url, { pollFirstDelayMs: 100, pollMaxIntervalMs: 3000 });
  const pass = (p: SamplePerson) => [fileOf(p, 'PASSPORT')];
  for (const p of people.slice(0, 5)) seedCase(engine, p.lastName, pass(p)); // 5 completions to learn from
  await vt.run(engine.queue.idle());
  const learnedFrom = engine.ctx.db.prepare(`SELECT completed_at - submitted_at AS d FROM cases WHERE state = 'done'`).all() as { d: number }[];
  const median = learnedFrom.map((r) => r.d).sort((x, y) => x - y)[2]!;
  assert.ok(median >= 1000, `median processing ${median} ms`);
  const later = people.slice(5, 7).map((p) => seedCase(engine, `${p.lastName} later`, pass(p)));
  await vt.run(engine.queue.idle());
  const log = sim.log();
  const pollsOf = (docId: string) => log.filter((e) => e.kind === 'poll' && e.documentId === docId);
  const docIdOf = (caseId: number) => (engine.ctx.db.prepare('SELECT beorg_document_id AS id FROM cases WHERE id = ?').get(caseId) as { id: string }).id;
  const firstIds = (engine.ctx.db.prepare('SELECT beorg_document_id AS id FROM cases ORDER BY id LIMIT 5').all() as { id: string }[]).map((r) => r.id);
  for (const id of firstIds) assert.ok(pollsOf(id).length >= 3, `before learning: ${pollsOf(id).length} polls from 100 ms up`);
  for (const caseId of later) {
    const id = docIdOf(caseId);
    const upload = log.find((e) => e.kind === 'upload' && e.documentId === id)!;
    const polls = pollsOf(id);
    assert.equal(polls.length, 1, 'one poll: it came when the result was ready');
    assert.ok(polls[0]!.t - upload.tEnd >= median - 150, `first poll ${polls[0]!.t - upload.tEnd} ms after upload (median ${median})`);
  }
  await engine.stop();
});

void test('the daily cap counts what another instance on the database is sending right now', async () => {
  sim.reset();
  sim.setConfig({ delay: { kind: 'fixed', ms: 0 } });
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url, { dailyCap: 3, concurrency: 1 });
  const db = engine.ctx.db;
  const now = engine.ctx.clock.now();
  // Another clerk's PC is sending a 2-document case at this moment (its lease is fresh: it is alive).
  db.prepare(`INSERT INTO instances(id, host, pid, clerk, started_at, heartbeat_at) VALUES ('pc-2', 'другой-компьютер', 4242, 'Петрова', ?, ?)`).run(now, now + 3_600_000);
  const [p3, p4, p5] = people.slice(3, 6) as [SamplePerson, SamplePerson, SamplePerson];
  const elsewhere = seedCase(engine, 'у Петровой', [fileOf(p3, 'PASSPORT'), fileOf(p3, 'INN')], false);
  db.prepare(`UPDATE cases SET state = 'sending', intent_at = ?, owner_id = 'pc-2' WHERE id = ?`).run(now, elsewhere);
  db.prepare(`UPDATE documents SET status = 'sending' WHERE case_id = ?`).run(elsewhere);
  for (const p of [p4, p5]) seedCase(engine, p.lastName, [fileOf(p, 'PASSPORT'), fileOf(p, 'INN')]); // 2 documents each
  // Until the queue says the cap is reached and has nothing of its own in flight (whatever the machine's speed).
  const sendingHere = db.prepare(`SELECT COUNT(*) AS n FROM cases WHERE state = 'sending' AND owner_id IS NOT 'pc-2'`);
  const capped = async () => {
    while ((await engine.request('queue:state', {})).pausedReason !== 'daily-cap' || (sendingHere.get() as { n: number }).n > 0) await vt.clock.sleep(100);
  };
  await vt.run(capped());
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 1, '2 in flight elsewhere + 2 sent here reach the cap of 3');
  await engine.stop();
});
