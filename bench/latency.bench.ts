// Grid latency under heavy work, measured from outside like the renderer: one grid page request (documents:list,
// 100 rows, + documents:counts) every 50 ms over the real browser bridge (HTTP + WebSocket), while
// (a) a folder of LATENCY_FILES files is ingested — every file hashed, decoded and decided, while the queue sends the
// cases to the simulator on loopback — and (b) a full recompute of LATENCY_DOCS documents runs (a matchThreshold
// change through settings:set, until its final checks:progress event). Reports p95 / max page latency and the longest
// silence of the event stream during each phase. LATENCY_HOSTED=0 runs the engine in the bridge's thread (the old layout).
// Run: BENCH_ONLY=latency npm run bench   (LATENCY_DOCS=100000, LATENCY_FILES=5000 by default)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../main/engine/app.ts';
import { startHostedEngine } from '../main/engine/host/hosted.ts';
import type { EngineLink } from '../main/engine/host/link.ts';
import { silentLogger } from '../main/engine/log.ts';
import { startWebServer, type WebServer } from '../main/web/server.ts';
import { seedDocuments } from '../test/helpers/seed.ts';
import Database from 'better-sqlite3-multiple-ciphers';
import { startSimulator } from '../main/engine/sim/server.ts';
import { SIM_CREDENTIALS } from '../main/engine/sim/config.ts';
import { dataPaths } from '../main/engine/paths.ts';

type Phase = { requests: number; p95Ms: number; maxMs: number; eventGapMaxMs: number; eventGapEndedAtMs: number; phaseMs: number };
export type LatencyBenchResult = { hosted: boolean; docs: number; files: number; sentDuringIngest: number; ingest: Phase; recompute: Phase };

async function writeCorpus(dir: string, count: number): Promise<void> {
  const base = await sharp({ create: { width: 700, height: 900, channels: 3, background: '#7a8b9c' } }).jpeg().toBuffer();
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const text = Buffer.from(`scandesk-latency-${i}`);
    const com = Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]);
    fs.writeFileSync(path.join(dir, `scan${i}.jpg`), Buffer.concat([base.subarray(0, 2), com, text, base.subarray(2)]));
  }
}

async function post(web: WebServer, channel: string, args: unknown): Promise<{ ok: boolean; value?: unknown }> {
  const res = await fetch(`http://127.0.0.1:${web.port}/api/call`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Scandesk-Token': web.token }, body: JSON.stringify({ channel, args }),
  });
  return (await res.json()) as { ok: boolean; value?: unknown };
}

/** Once listening: `finished` resolves on the next final 'checks:progress' event (the end of a background recompute). */
async function nextFinalProgress(web: WebServer): Promise<{ finished: Promise<void> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events?t=${web.token}`, { headers: { Origin: `http://127.0.0.1:${web.port}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const finished = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { name: string; payload: { finished?: boolean } };
      if (msg.name === 'checks:progress' && msg.payload.finished) {
        ws.close();
        resolve();
      }
    });
  });
  return { finished };
}

/** Page requests every 50 ms until `done` settles; latency per page = list + counts, as the grid asks them. */
async function measure(web: WebServer, work: (pageCount: () => number) => Promise<unknown>): Promise<Phase> {
  const latencies: number[] = [];
  const t0 = performance.now();
  let lastEvent = t0;
  let gap = 0;
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events?t=${web.token}`, { headers: { Origin: `http://127.0.0.1:${web.port}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let gapEnd = 0;
  ws.on('message', () => {
    const now = performance.now();
    if (now - lastEvent > gap) [gap, gapEnd] = [now - lastEvent, now];
    lastEvent = now;
  });
  let all = 0;
  let running = true;
  const loop = (async () => {
    const inFlight: Promise<void>[] = [];
    while (running) {
      const start = performance.now();
      inFlight.push(
        Promise.all([post(web, 'documents:list', { offset: 0, limit: 100 }), post(web, 'documents:counts', {})]).then(([, counts]) => {
          latencies.push(performance.now() - start);
          all = (counts.value as { all?: number } | undefined)?.all ?? all;
        }),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(inFlight);
  })();
  await work(() => all);
  running = false;
  await loop;
  if (performance.now() - lastEvent > gap) [gap, gapEnd] = [performance.now() - lastEvent, performance.now()];
  ws.close();
  latencies.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x);
  return { requests: latencies.length, p95Ms: r(latencies[Math.floor(latencies.length * 0.95)] ?? 0), maxMs: r(latencies.at(-1) ?? 0), eventGapMaxMs: r(gap), eventGapEndedAtMs: r(gapEnd - t0), phaseMs: r(performance.now() - t0) };
}

export async function runLatencyBench(): Promise<LatencyBenchResult> {
  const docs = Number(process.env.LATENCY_DOCS ?? 100_000);
  const files = Number(process.env.LATENCY_FILES ?? 5_000);
  const hosted = process.env.LATENCY_HOSTED !== '0';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-latency-'));
  const dataDir = path.join(tmp, 'data');
  const seeder = await createEngine({ dataDir, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
  seedDocuments(seeder.ctx.db, { count: docs });
  await seeder.stop();
  const folder = path.join(tmp, 'Входящие');
  await writeCorpus(folder, files);

  const sim = await startSimulator({ config: { timeScale: 0.01, seed: 3 } });
  let engine: Engine | EngineLink & { stop(): Promise<void> };
  if (hosted) engine = await startHostedEngine({ dataDir, mode: 'test', security: 'plain' }, silentLogger);
  else engine = await createEngine({ dataDir, mode: 'test', dbKey: null, log: silentLogger });
  const web = await startWebServer({ engine, staticDir: tmp });
  // The bench's own read-only look at the file: has every file been decided (no longer seen / being written)?
  const probe = new Database(dataPaths(dataDir).db, { readonly: true });
  const undecided = probe.prepare(`SELECT COUNT(*) AS n FROM documents WHERE status IN ('seen', 'waiting')`);
  const total = probe.prepare('SELECT COUNT(*) AS n FROM documents');
  const uploads = () => sim.log().filter((e) => e.kind === 'upload').length;
  try {
    await post(web, 'settings:set-credentials', { ...SIM_CREDENTIALS });
    await post(web, 'settings:set', { apiUrl: sim.url, rps: 20, burst: 5, concurrency: 4 });
    const ingest = await measure(web, async () => {
      await post(web, 'folders:add', { path: folder, defaultType: 'PASSPORT' });
      const deadline = performance.now() + 600_000; // a stalled ingest ends the phase instead of the bench
      const decided = () => (total.get() as { n: number }).n >= docs + files && (undecided.get() as { n: number }).n === 0;
      while (!decided() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    });
    const sentDuringIngest = uploads();
    // settings:set returns at once; the phase lasts until the background recompute's final progress event.
    const recompute = await measure(web, async () => {
      const { finished } = await nextFinalProgress(web);
      await post(web, 'settings:set', { matchThreshold: 0.93 });
      await finished;
    });
    return { hosted, docs, files, sentDuringIngest, ingest, recompute };
  } finally {
    probe.close();
    await web.close();
    await engine.stop();
    await sim.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
