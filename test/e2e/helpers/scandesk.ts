// Starts a real ScanDesk in the Playwright test process: temp data dir, the Beorg simulator on
// 127.0.0.1 (fast time scale), the engine with simulator credentials, a watched folder, and the
// browser-mode web server serving the built renderer (dist/renderer — `npm run test:e2e` builds it first).
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../../shared/settings.ts';
import { createEngine, type Engine } from '../../../main/engine/app.ts';
import { createMemorySecretStore } from '../../../main/engine/secrets.ts';
import { startSimulator, SIM_CREDENTIALS, type Simulator, type SimConfigPatch } from '../../../main/engine/sim/server.ts';
import { startWebServer } from '../../../main/web/server.ts';
import { seedDocuments } from '../../helpers/seed.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const RENDERER_DIR = path.join(REPO_ROOT, 'dist/renderer');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test/artifacts');

export type ScanDeskApp = {
  engine: Engine;
  sim: Simulator | null;
  url: string;
  token: string;
  dataDir: string;
  watchDir: string;
  /** Typed-enough call for assertions: throws on an error envelope. */
  request<T = unknown>(channel: string, args?: unknown): Promise<T>;
  close(): Promise<void>;
};

export type StartOptions = {
  /** Seed this many recognised documents straight into the DB (no simulator round-trip). */
  seed?: number;
  seedOptions?: { lowConfidenceShare?: number; seed?: number };
  /** Start the simulator and watch a folder (default true unless seeding). */
  watch?: boolean;
  settings?: Partial<Settings>;
  sim?: SimConfigPatch;
};

export function assertRendererBuilt(): void {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` (npm run test:e2e does it first)');
  }
}

export async function startScanDesk(opts: StartOptions = {}): Promise<ScanDeskApp> {
  assertRendererBuilt();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'scandesk-e2e-'));
  const watchDir = path.join(dataDir, 'Входящие');
  await mkdir(watchDir, { recursive: true });
  const watch = opts.watch ?? opts.seed === undefined;
  const sim = watch ? await startSimulator({ config: { timeScale: 0.01, ...opts.sim } }) : null;
  const engine = await createEngine({
    dataDir,
    mode: 'web',
    dbKey: null,
    secrets: createMemorySecretStore(sim ? { ...SIM_CREDENTIALS } : null),
    settingsOverrides: {
      ...(sim ? { apiUrl: sim.url, projectId: SIM_CREDENTIALS.projectId } : {}),
      rps: 50, burst: 50, concurrency: 8, pollFirstDelayMs: 100, pollMaxIntervalMs: 500,
      ...opts.settings,
    },
    autoStart: true,
  });
  const request = async <T,>(channel: string, args: unknown = {}): Promise<T> => {
    const res = await engine.call(channel, args);
    if (!res.ok) throw new Error(`${channel}: ${res.error.code}: ${res.error.message}`);
    return res.value as T;
  };
  let web: Awaited<ReturnType<typeof startWebServer>>;
  try {
    if (opts.seed !== undefined) {
      seedDocuments(engine.ctx.db, { count: opts.seed, ...opts.seedOptions });
      engine.ctx.events.documentsChanged('all');
    }
    if (watch) {
      await request('folders:add', { path: watchDir, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 500, rescanMinutes: 0.05 } });
    }
    // Skip the first-run screen: these tests are about the workspace.
    await request('app:first-run-done', {}).catch(() => undefined);
    web = await startWebServer({ engine, port: 0, staticDir: RENDERER_DIR });
  } catch (err) {
    // A half-started app must not leak servers or temp dirs into the next test.
    await engine.stop().catch(() => undefined);
    await sim?.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    engine,
    sim,
    url: web.url,
    token: web.token,
    dataDir,
    watchDir,
    request,
    async close() {
      await web.close();
      await engine.stop();
      await sim?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
