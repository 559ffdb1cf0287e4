// Composition root: opens the database, builds the context, wires the modules, exposes the contract.
// Used identically by the CLI, browser mode, the Electron shell, tests and benchmarks.
import { randomUUID } from 'node:crypto';
import type { Channel, Envelope, Handlers, ArgsOf, ResultOf } from '../../shared/api.ts';
import type { Settings } from '../../shared/settings.ts';
import { realClock, type Clock } from './clock.ts';
import { createSignals, type EngineContext, type EngineMode, type EngineModule, type IntakeController, type QueueController } from './context.ts';
import type { DbKeySource } from './db/keys.ts';
import { openDatabase } from './db/open.ts';
import { PgError } from './db/pg/sync-connection.ts';
import { DisposableStore } from './disposable.ts';
import { createForeignCommitsModule } from './team/foreign-commits.ts';
import { dispatch, missingHandlers, requestVia } from './dispatch.ts';
import { createEventBus } from './events.ts';
import { createLogger, type Logger } from './log.ts';
import { dataPaths, osUser } from './paths.ts';
import { createMemorySecretStore, type SecretStore } from './secrets.ts';
import { createSettingsStore } from './settings-store.ts';
import { createIntakeModule, type IntakeOptions } from './intake/index.ts';
import { createQueueModule, type QueueOptions } from './queue/index.ts';
import { createReviewModule } from './review/index.ts';
import { createValidationModule } from './validation/module.ts';
import type { BackgroundRecomputeOptions } from './validation/background.ts';
import { createExportModule } from './export/index.ts';
import { createAppModule } from './app-module.ts';
import { createTeamServerModule, serverAddressStoreOf, type ServerAddressStore } from './team/server-address.ts';
import { createInsightsModule } from './insights/index.ts';

export type EngineOptions = {
  dataDir: string;
  mode: EngineMode;
  /** Defaults to <dataDir>/scandesk.db */
  dbFile?: string;
  /** 32-byte hex key for the encrypted DB; null = plain file (tests only). */
  dbKey?: string | null;
  /** Where dbKey came from (resolveDbKey): app:info reports it and warns when it is weaker than intended. */
  dbKeySource?: DbKeySource;
  secrets?: SecretStore;
  settingsOverrides?: Partial<Settings>;
  /** The clerk recorded in the audit trail and shown on claims; default: the Settings name, SCANDESK_CLERK, the OS user. */
  actor?: string;
  clock?: Clock;
  log?: Logger;
  reveal?: (absPath: string) => boolean;
  /** Start watching and submitting immediately (default true). */
  autoStart?: boolean;
  /** Intake dependencies (tests inject a lossy watcher). */
  intake?: IntakeOptions;
  /** Queue dependencies (tests count HTTP exchanges to drive a manual clock). */
  queue?: QueueOptions;
  /** Chunking and progress pacing of the background recompute (tests use small chunks). */
  validation?: BackgroundRecomputeOptions;
  /** Where Settings keeps the team server's address (hosts seal it with the data folder's key; default: memory). */
  teamServer?: ServerAddressStore;
  /** Folder picker roots (tests); defaults to the user's home and mount points. */
  browseRoots?: () => string[];
};

export type Engine = {
  ctx: EngineContext;
  intake: IntakeController;
  queue: QueueController;
  handlers: Handlers;
  /** Validate + run, with the envelope both transports return. */
  call(channel: string, args: unknown): Promise<Envelope<unknown>>;
  /** Typed convenience for tests and the CLI; throws on an error envelope. */
  request<C extends Channel>(channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const paths = dataPaths(opts.dataDir);
  const log = opts.log ?? createLogger({ file: paths.logs });
  const db = openDatabase(opts.dbFile ?? paths.db, { key: opts.dbKey ?? null });
  const teardown = new DisposableStore();
  teardown.add(() => {
    db.close();
  });
  const settings = createSettingsStore(db, opts.settingsOverrides, paths.localSettings);
  const ctx: EngineContext = {
    db,
    dataDir: opts.dataDir,
    clock: opts.clock ?? realClock,
    log,
    events: createEventBus(),
    signals: createSignals(log),
    settings,
    secrets: opts.secrets ?? createMemorySecretStore(),
    // Read on every use: a name changed in Settings applies from the next action on.
    get actor() {
      return clerkName(opts.actor ?? settings.get().clerkName);
    },
    instanceId: randomUUID(),
    mode: opts.mode,
    reveal: opts.reveal ?? (() => false),
  };

  // Order matters for start (intake records files before the queue looks) and reverse for stop.
  const intake = createIntakeModule(ctx, opts.intake);
  const queue = createQueueModule(ctx, opts.queue);
  const modules: EngineModule[] = [
    createValidationModule(ctx, opts.validation),
    intake,
    queue,
    createReviewModule(ctx),
    createExportModule(ctx),
    // Late-bound: the app module's demo mode calls 'folders:add' through the merged handlers.
    createAppModule(ctx, { getHandlers: () => handlers, dbKeySource: opts.dbKeySource ?? null }),
    createInsightsModule(ctx, { getHandlers: () => handlers, ...(opts.browseRoots ? { browseRoots: opts.browseRoots } : {}) }),
    createForeignCommitsModule(ctx),
    createTeamServerModule(ctx, opts.teamServer ?? serverAddressStoreOf(opts.dataDir, null)),
  ];
  // Closed before the database; flushed first so pending 'documents:changed' still reach the UI.
  teardown.add(() => {
    ctx.events.flush();
    ctx.events.close();
  });
  const handlers = Object.assign({}, ...modules.map((m) => m.handlers)) as Handlers;
  const missing = missingHandlers(handlers);
  if (missing.length > 0) throw new Error(`Contract entries without a handler: ${missing.join(', ')}`);

  let started = false;
  const engine: Engine = {
    ctx,
    intake: intake.controller,
    queue: queue.controller,
    handlers,
    call: (channel, args) => dispatch(handlers, channel, args, log),
    request: requestVia((channel, args) => dispatch(handlers, channel, args, log)),
    async start() {
      if (started) return;
      started = true;
      for (const m of modules) {
        await m.start?.();
        // Stopped in reverse order of starting, before the event bus and the database close.
        if (m.stop) teardown.add(() => m.stop?.());
      }
    },
    async stop() {
      started = false;
      try {
        await teardown.dispose();
      } catch (err) {
        // Team mode with the server out of reach: every teardown still ran; what could not be written (a claim, the
        // lease) lapses on its timeout on the server, so closing the app is not an error for the clerk.
        if (!(err instanceof PgError && err.connectionLost)) throw err;
        log.warn('stopped without reaching the database server', { err: err.message });
      }
    },
  };
  if (opts.autoStart ?? true) await engine.start();
  return engine;
}

/** Who this instance's clerk is: the option or the name set in Settings, else SCANDESK_CLERK («Иванова»), else the OS user. */
function clerkName(chosen: string | undefined): string {
  const name = (chosen || process.env.SCANDESK_CLERK || '').trim().slice(0, 64);
  return name || osUser();
}
