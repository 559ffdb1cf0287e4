// Test helpers for the queue: an engine on a temp SQLite file against the real simulator, and a seeder that
// records cases exactly as the intake does (documents + a 'queued' case with api_key set, then 'case:queued').
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../../main/engine/app.ts';
import { createMemorySecretStore } from '../../main/engine/secrets.ts';
import { SIM_CREDENTIALS, type SimConfigPatch, type SimDocumentInfo, type SimLogEntry } from '../../main/engine/sim/server.ts';
import { createLogger } from '../../main/engine/log.ts';
import type { Clock } from '../../main/engine/clock.ts';
import type { VirtualTime } from '../helpers/virtual-time.ts';
import type { Settings } from '../../shared/settings.ts';
import type { DocType } from '../../shared/types.ts';
import { recordMoves } from '../helpers/moves.ts';

export function tempDir(prefix = 'scandesk-queue-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const running = new Set<Engine>();

/** Stop engines a failed test left running (their timers would keep the test process alive). */
export async function stopAllEngines(): Promise<void> {
  for (const e of running) await e.stop().catch(() => {});
  running.clear();
}

/** Every lifecycle move the engines started here made (test/helpers/moves.ts). */
export const movesSeen = new Set<string>();

export async function startEngine(dir: string, apiUrl: string, settings: Partial<Settings> = {}, autoStart = true, extra: Partial<EngineOptions> = {}): Promise<Engine> {
  const engine = await createEngine({
    ...extra,
    dataDir: dir,
    mode: 'test',
    dbKey: null,
    secrets: createMemorySecretStore({ ...SIM_CREDENTIALS }),
    log: quietLogger(),
    settingsOverrides: {
      apiUrl,
      pollFirstDelayMs: 100,
      pollMaxIntervalMs: 500,
      pollDeadlineMs: 30_000,
      requestTimeoutMs: 5_000,
      concurrency: 4,
      rps: 50,
      burst: 10,
      ...settings,
    },
    autoStart: false,
  });
  recordMoves(engine.ctx.db, movesSeen);
  if (autoStart) await engine.start();
  const stop = engine.stop.bind(engine);
  let stopped = false;
  engine.stop = async () => {
    if (stopped) return;
    stopped = true;
    running.delete(engine);
    await stop();
  };
  running.add(engine);
  return engine;
}

/** An engine on the virtual clock: its queue's HTTP is counted so `vt.run` moves time only when the wire is quiet. */
export function startVirtualEngine(vt: VirtualTime, dir: string, apiUrl: string, settings: Partial<Settings> = {}): Promise<Engine> {
  return startEngine(dir, apiUrl, settings, true, { clock: vt.clock, queue: { fetch: vt.fetch } });
}

/** Calls `fn` every `ms` on `clock` until the returned stop() (a test's director, in the test's own time). */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let stopped = false;
  const loop = () => {
    if (stopped) return;
    fn();
    void clock.sleep(ms).then(loop);
  };
  void clock.sleep(ms).then(loop);
  return () => {
    stopped = true;
  };
}

function quietLogger() {
  return createLogger({});
}
export type SeedDoc = { file: string; type: DocType };

/** Insert one case the way the intake does; returns its id. */
/** The content hash intake records for a file it decided to send. */
const sha256Of = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function seedCase(engine: Engine, label: string, docs: SeedDoc[], emit = true): number {
  const db = engine.ctx.db;
  const now = engine.ctx.clock.now();
  const caseId = Number(
    db.prepare(`INSERT INTO cases(case_key, label, state, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)`).run(label, label, now, now).lastInsertRowid,
  );
  const seen = new Map<string, number>();
  for (const d of docs) {
    const n = (seen.get(d.type) ?? 0) + 1;
    seen.set(d.type, n);
    db.prepare(
      `INSERT INTO documents(case_id, path, rel_path, file_name, current_path, size, sha256, doc_type, api_key, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    ).run(caseId, d.file, path.basename(d.file), path.basename(d.file), d.file, fs.statSync(d.file).size, sha256Of(d.file), d.type, `${d.type}${n}`, now, now);
  }
  if (emit) engine.ctx.signals.emit('case:queued', { caseId });
  return caseId;
}

export function rmrf(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The simulator in its own process (`scandesk sim`): its request timestamps are then not delayed by the engine's
 * event loop, so rate assertions measure what really reached the server. Admin endpoints give the log.
 */
export type ChildSim = {
  url: string;
  log(): Promise<SimLogEntry[]>;
  /** Documents the server CREATED (and billed), answered or not. */
  documents(): Promise<SimDocumentInfo[]>;
  setConfig(patch: SimConfigPatch): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
};

export async function spawnSim(args: string[] = []): Promise<ChildSim> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [path.resolve('bin/scandesk.js'), 'sim', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /SIM_URL=(\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`sim exited ${code}`)));
  });
  const admin = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${url}/__sim/${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.status === 204 ? null : res.json();
  };
  return {
    url,
    log: async () => (await admin('GET', 'log')) as Awaited<ReturnType<ChildSim['log']>>,
    documents: async () => (await admin('GET', 'documents')) as SimDocumentInfo[],
    setConfig: async (patch) => void (await admin('PATCH', 'config', patch)),
    reset: async () => void (await admin('POST', 'reset')),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The most requests that started in any window [t, t + windowMs) — a true sliding window over every start. */
export function maxInWindow(times: number[], windowMs = 1000): number {
  const ts = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < ts.length; i++) {
    while (ts[i]! - ts[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * The request budget, checked strictly on the SERVER's log: every API request that reached the simulator counts at
 * the time the simulator logged it (429s, faults and stalls included), with no allowance for bunching: no sliding
 * 1 s window [t, t + 1000) of arrivals holds more than ceil(rps). That is the whole budget of a second, burst
 * included — the engine's bucket holds min(burst, ceil(rps)) tokens, so a burst is spent inside the second, never on
 * top of it. The engine guarantees this whatever the delays ([Note: a request counts until its answer]).
 * The bucket itself (burst, then rps/s) is checked exactly on the client's start times. On arrivals it is not: at
 * sub-second scale a delay the client cannot observe (100–300 ms on a busy machine) moves requests closer together,
 * and no client can rule that out short of keeping at most `burst` requests in flight.
 * `lateness` (server arrival − client start, matched in order) is reported to show how much delay there was.
 */
export function checkBudget(
  serverTimes: number[],
  clientTimes: number[],
  rps: number,
  burst: number,
): { serverPeak: number; clientPeak: number; lateness: { median: number; max: number }; problems: string[] } {
  const srv = [...serverTimes].sort((a, b) => a - b);
  const cli = [...clientTimes].sort((a, b) => a - b);
  const problems: string[] = [];
  if (srv.length !== cli.length) problems.push(`server logged ${srv.length} API requests, the client recorded ${cli.length}`);
  const perSecond = Math.max(1, Math.ceil(rps));
  const serverPeak = maxInWindow(srv);
  for (let i = 0, j = 0, reported = 0; i < srv.length && serverPeak > perSecond; i++) {
    while (srv[i]! - srv[j]! >= 1000) j++;
    if (i - j + 1 > perSecond && reported++ < 5) problems.push(`server window at ${srv[j]}: ${i - j + 1} requests in 1 s, budget ${perSecond}`);
  }
  // GCRA: start t conforms when t ≥ TAT − (burst − 1)·T, T = 1000/rps; then TAT = max(TAT, t) + T (1 ms slack).
  const bucket = (times: number[], who: string) => {
    const T = 1000 / rps;
    const tau = (burst - 1) * T;
    let tat = -Infinity;
    let reported = 0;
    for (const t of times) {
      if (t < tat - tau - 1 && reported++ < 5) problems.push(`${who} at ${t}: ${((tat - tau - t) / T).toFixed(2)} token(s) early for rps ${rps}, burst ${burst}`);
      tat = Math.max(tat, t) + T;
    }
  };
  const clientPeak = maxInWindow(cli);
  if (clientPeak > perSecond) problems.push(`the client started ${clientPeak} requests in one 1 s window (budget ${perSecond})`);
  bucket(cli, 'client start');
  const late = srv.slice(0, cli.length).map((t, i) => t - cli[i]!).sort((a, b) => a - b);
  return { serverPeak, clientPeak, lateness: { median: late[late.length >> 1] ?? 0, max: late[late.length - 1] ?? 0 }, problems };
}
