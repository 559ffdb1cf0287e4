// App module: settings, credentials (write-only), app info, demo mode, privacy actions.
// See [Note: credentials never reach the renderer]: set-credentials stores through ctx.secrets and returns only a status.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handlers } from '../../shared/api.ts';
import type { AppInfo } from '../../shared/api/settings.ts';
import type { EngineContext, EngineModule } from './context.ts';
import { dispatch, UserError } from './dispatch.ts';
import { keyStorageWarning, type DbKeySource } from './db/keys.ts';
import { exportDirOf } from './export/index.ts';
import { dataPaths } from './paths.ts';
import { deleteCase, purgeExpired } from './privacy.ts';
import { demoScenarioFor, generateSamples } from './samples/index.ts';
import { demoSimConfig, SIM_CREDENTIALS, startSimulator, type Simulator } from './sim/server.ts';

export type AppModuleDeps = {
  /** Late-bound merged handlers (app.ts builds them after the modules): demo mode registers its folder via 'folders:add'. */
  getHandlers?: () => Handlers;
  /** Where the DB key came from (resolveDbKey); null = plain database. */
  dbKeySource?: DbKeySource | null;
};

const PURGE_EVERY_MS = 86_400_000;
/** Demo: results arrive within seconds instead of the real service's tens of seconds. */
function readVersion(): string {
  try {
    const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    // Bundled (Electron): esbuild inlines nothing here, the shell sets SCANDESK_VERSION from app.getVersion().
    return process.env.SCANDESK_VERSION ?? '0.0.0';
  }
}

export function createAppModule(ctx: EngineContext, deps: AppModuleDeps = {}): EngineModule {
  let sim: Simulator | null = null;
  let purgeTimer: NodeJS.Timeout | null = null;
  const version = readVersion();

  const info = (): AppInfo => ({
    version,
    mode: ctx.mode === 'electron' ? 'electron' : 'web',
    firstRun: ctx.settings.getRaw<boolean>('firstRunDone') !== true,
    demo: ctx.settings.get().demoMode,
    dataDir: ctx.dataDir,
    exportDir: exportDirOf(ctx),
    user: ctx.actor,
    keyStorage: deps.dbKeySource ?? 'none',
    keyWarning: keyStorageWarning(ctx.mode, deps.dbKeySource ?? null),
  });

  /** Start (or restart after an app restart: the port changes) the in-process simulator and point the engine at it. */
  async function startDemoSimulator(): Promise<void> {
    await sim?.close();
    sim = await startSimulator({ port: 0, config: demoSimConfig() });
    ctx.secrets.set({ ...SIM_CREDENTIALS });
    ctx.settings.set({ apiUrl: sim.url, demoMode: true, projectId: SIM_CREDENTIALS.projectId });
    ctx.log.info('demo simulator started', { url: sim.url });
  }

  async function registerFolder(folder: string): Promise<void> {
    const handlers = deps.getHandlers?.();
    if (!handlers) throw new UserError('demo-unavailable', 'Демо-режим недоступен: папку нельзя подключить', 'Demo mode unavailable');
    const existing = ctx.db.prepare<[string], { id: number }>('SELECT id FROM folders WHERE path = ?').get(folder);
    if (existing) {
      await dispatch(handlers, 'folders:rescan', { id: existing.id }, ctx.log);
      return;
    }
    const res = await dispatch(handlers, 'folders:add', { path: folder, defaultType: 'PASSPORT' }, ctx.log);
    if (!res.ok) throw new UserError(res.error.code, res.error.messageRu ?? res.error.message, res.error.message);
  }

  const handlers: EngineModule['handlers'] = {
    'settings:get': () => ctx.settings.get(),
    // A biometry-threshold change recomputes every case through the validation module's settings subscription;
    // recomputing here as well ran the full recompute twice for one change.
    'settings:set': (patch) => ctx.settings.set(patch),
    'settings:credentials-status': () => ctx.secrets.status(),
    'settings:set-credentials': (c) => {
      ctx.secrets.set({ token: c.token, machineUid: c.machineUid, projectId: c.projectId });
      ctx.settings.set({ projectId: c.projectId });
      ctx.log.info('credentials updated', { machineUidHint: c.machineUid.slice(-4) });
      return ctx.secrets.status();
    },
    'settings:clear-credentials': () => {
      ctx.secrets.clear();
      ctx.log.info('credentials cleared');
      return ctx.secrets.status();
    },
    'app:info': info,
    'app:first-run-done': () => {
      ctx.settings.setRaw('firstRunDone', true);
      return info();
    },
    'app:start-demo': async ({ count }) => {
      await startDemoSimulator();
      const dir = dataPaths(ctx.dataDir).demoFolder;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const already = fs.readdirSync(dir).length > 0;
      // The planted defects are the demo's listed ones ([Note: the scan carries its own answer]), the same as `scandesk demo`.
      if (!already) await generateSamples({ dir, count, layout: 'mixed', scenarioFor: demoScenarioFor });
      await registerFolder(dir);
      ctx.settings.setRaw('firstRunDone', true);
      return info();
    },
    'privacy:delete-case': ({ caseId }) => deleteCase(ctx, caseId),
    'privacy:purge-now': () => purgeExpired(ctx),
  };

  return {
    name: 'app',
    handlers,
    async start() {
      if (ctx.settings.get().demoMode) {
        try {
          await startDemoSimulator();
        } catch (err) {
          ctx.log.error('demo simulator failed to start', { err });
        }
      }
      const purge = () => {
        try {
          purgeExpired(ctx);
        } catch (err) {
          ctx.log.error('retention purge failed', { err });
        }
      };
      purge();
      // On the wall clock on purpose: a virtual clock that jumps hours ahead while a test waits would purge the
      // test's documents. The purge itself reads ctx.clock, so tests call purgeExpired with the time they set.
      purgeTimer = setInterval(purge, PURGE_EVERY_MS);
      purgeTimer.unref();
    },
    async stop() {
      if (purgeTimer) clearInterval(purgeTimer);
      purgeTimer = null;
      await sim?.close();
      sim = null;
    },
  };
}
