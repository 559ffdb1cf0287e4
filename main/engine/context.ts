// What every engine module receives. Built once in main/engine/app.ts (the composition root).
import type { Handlers } from '../../shared/api.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db/open.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './log.ts';
import type { SecretStore } from './secrets.ts';
import type { SettingsStore } from './settings-store.ts';

/** Engine-internal signals between modules (never sent to the UI). */
export type InternalSignals = {
  /** Intake made a case ready (state 'queued'): wake the queue. */
  'case:queued': { caseId: number };
  /** A case's result (or final failure) is committed: validate, move originals, notify. */
  'case:finished': { caseId: number; state: 'done' | 'failed' | 'rejected' | 'cancelled' };
  /** A clerk changed a field: recompute findings for the case. */
  'document:edited': { documentId: number; caseId: number | null; field: string | null };
  /** The queue became idle with nothing left in flight (batch finished). */
  'queue:idle': { finishedCases: number };
};

export type Signals = {
  emit<K extends keyof InternalSignals>(name: K, payload: InternalSignals[K]): void;
  on<K extends keyof InternalSignals>(name: K, fn: (payload: InternalSignals[K]) => void): () => void;
};

/**
 * Signals notify; they never carry a status write of their own (lifecycle moves go through the table in
 * state/transitions.ts). Every handler runs; if any throws, emit throws a SignalError naming them all, so the emitter's
 * operation fails visibly (a clerk request returns the error, a queue job reports «Внутренняя ошибка очереди») instead
 * of committing stale findings behind a log line. Emit only after the emitter's transaction commits: a handler that
 * fails must not roll back, or be rolled back with, work it did not do.
 */
export class SignalError extends AggregateError {
  constructor(
    readonly signal: keyof InternalSignals,
    errors: unknown[],
  ) {
    super(errors, `Обработчик сигнала ${signal} завершился с ошибкой: ${errors.map((e) => String(e)).join('; ')}`);
  }
}

export function createSignals(log?: Logger): Signals {
  const map = new Map<string, Set<(p: never) => void>>();
  return {
    emit(name, payload) {
      const errors: unknown[] = [];
      for (const fn of [...(map.get(name) ?? [])]) {
        try {
          (fn as (p: typeof payload) => void)(payload);
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length === 0) return;
      log?.error('signal handler failed', { signal: name, err: errors.map(String) });
      throw new SignalError(name, errors);
    },
    on(name, fn) {
      let set = map.get(name);
      if (!set) map.set(name, (set = new Set()));
      set.add(fn as (p: never) => void);
      return () => set.delete(fn as (p: never) => void);
    },
  };
}

export type EngineMode = 'electron' | 'web' | 'cli' | 'test';

export type EngineContext = {
  db: Db;
  dataDir: string;
  clock: Clock;
  log: Logger;
  events: EventBus;
  signals: Signals;
  settings: SettingsStore;
  secrets: SecretStore;
  /** OS user name: recorded in audit rows and export logs. */
  actor: string;
  /** This running instance among those sharing the database ([Note: instances hold leases]). */
  instanceId: string;
  mode: EngineMode;
  /** Reveal a file in the OS file manager (Electron shell provides it); false when unavailable. */
  reveal: (absPath: string) => boolean;
};

/** Intake controls used by the CLI (`process --once`) and tests. */
export type IntakeController = {
  /** Scan every enabled folder now (full walk); resolves when the walk is done. */
  scanNow(folderId?: number): Promise<void>;
  /** Resolves when no file is 'seen'/'waiting' and no case is 'collecting' (everything present is decided). */
  settled(opts?: { signal?: AbortSignal }): Promise<void>;
  /** Documents whose original could not be moved to Обработано/ or Ошибки/ and is still in place. */
  moveFailures(): number;
};

/** Queue controls used by the CLI and tests. */
export type QueueController = {
  /** Resolves when no case is queued/sending/processing (all final, incl. uncertain). */
  idle(opts?: { signal?: AbortSignal }): Promise<void>;
};

/** A module contributes handlers for its part of the contract, and optional lifecycle hooks. */
export type EngineModule = {
  name: string;
  handlers: Partial<Handlers>;
  start?(): void | Promise<void>;
  /** Drain: stop taking work, let in-flight work reach a safe point, then resolve. */
  stop?(): void | Promise<void>;
};
