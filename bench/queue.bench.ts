// Queue throughput against the simulator (own process) with a server-side limit of R req/s and a realistic
// processing-time distribution (lognormal, median 5 s, p95 30 s, max 150 s) scaled by TIME_SCALE so the run
// stays short. Compared with the provider's sample-code way: one document at a time, POST then poll every 1 s
// (the 1 s is scaled by the same factor, so the comparison is fair).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../main/engine/app.ts';
import { createLogger } from '../main/engine/log.ts';
import { createMemorySecretStore } from '../main/engine/secrets.ts';
import { createBeorgClient } from '../main/engine/beorg/client.ts';
import { SIM_CREDENTIALS, type SimLogEntry } from '../main/engine/sim/server.ts';

export type QueueBenchResult = {
  limitRps: number;
  timeScale: number;
  documents: number;
  queueSeconds: number;
  /** Requests per second while uploads were still pending, as a fraction of the server limit (target ≥ 0.95). */
  saturatedThroughputOfLimit: number;
  /** Whole run incl. the long-tail wait for the slowest results. */
  overallRequestsPerSecond: number;
  requestsPerDocument: number;
  rateLimited429: number;
  rateLimitedShare: number;
  sequentialDocuments: number;
  sequentialSecondsPerDoc: number;
  queueSecondsPerDoc: number;
  speedUp: number;
};

async function startChildSim(args: string[]) {
  const child = spawn(process.execPath, [path.resolve('bin/scandesk.js'), 'sim', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      const m = /SIM_URL=(\S+)/.exec((buf += d.toString()));
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`sim exited ${c}`)));
  });
  return {
    url,
    log: async () => (await (await fetch(`${url}/__sim/log`)).json()) as SimLogEntry[],
    clear: async () => void (await fetch(`${url}/__sim/log`, { method: 'DELETE' })),
    close: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
  };
}

async function makeImages(dir: string, n: number): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const file = path.join(dir, `scan-${i}.jpg`);
      const bg = { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 13 + Math.floor(i / 256)) % 256 };
      const img = await sharp({ create: { width: 900, height: 700, channels: 3, background: bg } })
        .composite([{ input: Buffer.from(`<svg width="900" height="700"><text x="50" y="100" font-size="40">${i}</text></svg>`), top: 0, left: 0 }])
        .jpeg({ quality: 70 })
        .toBuffer();
      fs.writeFileSync(file, img);
      return file;
    }),
  );
}

export async function runQueueBench(opts: { docs?: number; limitRps?: number; timeScale?: number; sequentialDocs?: number } = {}): Promise<QueueBenchResult> {
  const docs = opts.docs ?? 150;
  const R = opts.limitRps ?? 20;
  const timeScale = opts.timeScale ?? 0.1;
  const seqDocs = opts.sequentialDocs ?? 20;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-qbench-'));
  const sim = await startChildSim(['--time-scale', String(timeScale), '--rps-limit', String(R)]);
  try {
    const files = await makeImages(path.join(root, 'in'), docs + seqDocs);
    const engine = await createEngine({
      dataDir: root, mode: 'test', dbKey: null, log: createLogger({}), secrets: createMemorySecretStore({ ...SIM_CREDENTIALS }), autoStart: false,
      settingsOverrides: { apiUrl: sim.url, concurrency: 24, rps: R, burst: R, pollFirstDelayMs: Math.max(100, 4000 * timeScale), pollMaxIntervalMs: Math.max(500, 15_000 * timeScale), pollDeadlineMs: 600_000 },
    });
    const db = engine.ctx.db;
    const now = Date.now();
    const insCase = db.prepare(`INSERT INTO cases(case_key, label, state, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)`);
    const insDoc = db.prepare(`INSERT INTO documents(case_id, path, rel_path, file_name, current_path, doc_type, api_key, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'PASSPORT', 'PASSPORT1', 'queued', ?, ?)`);
    db.transaction(() => {
      for (const f of files.slice(0, docs)) {
        const id = Number(insCase.run(f, path.basename(f), now, now).lastInsertRowid);
        insDoc.run(id, f, path.basename(f), path.basename(f), f, now, now);
      }
    })();
    await sim.clear();
    const t0 = Date.now();
    await engine.start();
    await engine.queue.idle();
    const queueMs = Date.now() - t0;
    await engine.stop();
    const log = (await sim.log()).filter((e) => e.kind === 'upload' || e.kind === 'poll');
    const lastUpload = Math.max(...log.filter((e) => e.kind === 'upload').map((e) => e.t));
    const firstT = Math.min(...log.map((e) => e.t));
    const saturated = log.filter((e) => e.t <= lastUpload).length / Math.max(0.001, (lastUpload - firstT) / 1000);
    const limited = log.filter((e) => e.status === 429).length;

    // Sequential baseline: POST, then poll every (1 s × timeScale) until ready, one document at a time.
    await sim.clear();
    const client = createBeorgClient({ baseUrl: sim.url, timeoutMs: 30_000 });
    const s0 = Date.now();
    for (const f of files.slice(docs)) {
      const add = await client.addDocument({ ...SIM_CREDENTIALS }, [fs.readFileSync(f)], [{ key: 'PASSPORT1', type: 'PASSPORT', options: { stages: ['verification'] } }]);
      if (add.kind !== 'ok') continue;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000 * timeScale));
        const r = await client.getResult(SIM_CREDENTIALS.token, add.value.documentId);
        if (r.kind === 'ok' || r.kind === 'invalid' || r.kind === 'not-found') break;
      }
    }
    const seqPerDoc = (Date.now() - s0) / 1000 / seqDocs;
    const queuePerDoc = queueMs / 1000 / docs;
    const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      limitRps: R, timeScale, documents: docs, queueSeconds: round(queueMs / 1000, 1),
      saturatedThroughputOfLimit: round(saturated / R), overallRequestsPerSecond: round(log.length / (queueMs / 1000), 2),
      requestsPerDocument: round(log.length / docs, 2), rateLimited429: limited, rateLimitedShare: round(limited / Math.max(1, log.length), 4),
      sequentialDocuments: seqDocs, sequentialSecondsPerDoc: round(seqPerDoc), queueSecondsPerDoc: round(queuePerDoc), speedUp: round(seqPerDoc / queuePerDoc, 1),
    };
  } finally {
    await sim.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
