// Test helpers for the queue: an engine on a temp SQLite file against the real simulator, and a seeder that
// records cases exactly as the intake does (documents + a 'queued' case with api_key set, then 'case:queued').
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { createMemorySecretStore } from '../../main/engine/secrets.ts';
import { SIM_CREDENTIALS, type SimConfigPatch, type SimLogEntry } from '../../main/engine/sim/server.ts';
import { createLogger } from '../../main/engine/log.ts';
import type { Settings } from '../../shared/settings.ts';
import type { DocType } from '../../shared/types.ts';

export function tempDir(prefix = 'scandesk-queue-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const running = new Set<Engine>();

/** Stop engines a failed test left running (their timers would keep the test process alive). */
export async function stopAllEngines(): Promise<void> {
  for (const e of running) await e.stop().catch(() => {});
  running.clear();
}

export async function startEngine(dir: string, apiUrl: string, settings: Partial<Settings> = {}, autoStart = true): Promise<Engine> {
  const engine = await createEngine({
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
    autoStart,
  });
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

function quietLogger() {
  return createLogger({});
}
export type SeedDoc = { file: string; type: DocType };

/** Insert one case the way the intake does; returns its id. */
export function seedCase(engine: Engine, label: string, docs: SeedDoc[], emit = true): number {
  const db = engine.ctx.db;
  const now = Date.now();
  const caseId = Number(
    db.prepare(`INSERT INTO cases(case_key, label, state, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)`).run(label, label, now, now).lastInsertRowid,
  );
  const seen = new Map<string, number>();
  for (const d of docs) {
    const n = (seen.get(d.type) ?? 0) + 1;
    seen.set(d.type, n);
    db.prepare(
      `INSERT INTO documents(case_id, path, rel_path, file_name, current_path, size, doc_type, api_key, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
    ).run(caseId, d.file, path.basename(d.file), path.basename(d.file), d.file, fs.statSync(d.file).size, d.type, `${d.type}${n}`, now, now);
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
