// Hot-folder intake: every file picked up exactly once, settled, pre-flighted, grouped into cases. The parts, one
// job each: repo.ts (SQL), write-batcher.ts (one commit per batch), watch.ts (watcher + rescans), settle.ts (noticing
// and "written to the end"), fs-guard.ts (links and special files), decide.ts (hash, duplicates, pre-flight),
// cases.ts (case assembly and closing), originals.ts (moving originals), folders.ts (the contract's handlers).
// This file wires them and owns the lifecycle. All time comes from ctx.clock.
import fs from 'node:fs/promises';
import type { watch } from 'chokidar';
import type { Folder } from '../../../shared/settings.ts';
import { every, type Timer } from '../clock.ts';
import type { EngineContext, EngineModule, IntakeController } from '../context.ts';
import { createCases } from './cases.ts';
import { createDecide } from './decide.ts';
import { createFolderHandlers } from './folders.ts';
import { type Hub } from './hub.ts';
import { createOriginals } from './originals.ts';
import { createIntakeRepo, toFolder } from './repo.ts';
import { createSettle } from './settle.ts';
import { createWatch, SCAN_WIDTH } from './watch.ts';
import { createWriteBatcher } from './write-batcher.ts';
import type { DocStatus } from '../../../shared/types.ts';

export type IntakeOptions = {
  /** The watcher factory (chokidar's `watch`). Tests wrap it to drop events like a flaky network share does. */
  watch?: typeof watch;
};

/** How often collecting cases are checked for ripeness besides the passes decisions trigger. */
const CASE_TICK_MS = 200;
/** settled() looks again this often. */
const SETTLED_POLL_MS = 50;

export function createIntakeModule(ctx: EngineContext, opts: IntakeOptions = {}): EngineModule & { controller: IntakeController } {
  const { db, clock, log } = ctx;
  const q = createIntakeRepo(db);
  const inflight = new Set<Promise<void>>();
  const realRoots = new Map<string, Promise<string>>();
  let running = false;
  let caseTicker: Timer | null = null;
  let offFinished: (() => void) | null = null;

  const hub = {
    ctx,
    q,
    isRunning: () => running,
    getFolder(id: number): Folder | null {
      const r = q.folder.get(id);
      return r ? toFolder(r) : null;
    },
    realRoot(folder: Folder): Promise<string> {
      let root = realRoots.get(folder.path);
      if (!root) {
        root = fs.realpath(folder.path).catch(() => folder.path);
        realRoots.set(folder.path, root);
      }
      return root;
    },
    changed(id: number) {
      ctx.events.documentsChanged([id]);
      hub.cases.noteDirty(id);
    },
    setStatus(id: number, status: DocStatus, reason: string | null, code: string | null) {
      q.setStatus.run(status, reason, code, clock.now(), id);
      hub.changed(id);
    },
    track(p: Promise<void>) {
      const guarded = p.catch((err: unknown) => log.error('intake: unexpected failure', { err: String(err) }));
      inflight.add(guarded);
      void guarded.finally(() => inflight.delete(guarded));
    },
    async eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
      let next = 0;
      const worker = async () => {
        while (next < items.length && running) {
          const item = items[next++]!;
          try {
            await fn(item);
          } catch (err) {
            log.warn('intake: noting a file failed', { err: String(err) });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
    },
  } as Hub;
  hub.writes = createWriteBatcher({
    db,
    clock,
    flushMax: SCAN_WIDTH,
    onLost: (abs) => {
      // The commit failed: forget the file (unless it is being decoded) so the next event or rescan re-notices it.
      const p = hub.settle.pending.get(abs);
      if (p && p.stage !== 'processing') {
        p.timer?.cancel();
        hub.settle.pending.delete(abs);
      }
    },
  });
  hub.cases = createCases(hub);
  hub.settle = createSettle(hub);
  hub.decide = createDecide(hub);
  hub.originals = createOriginals(hub);
  const watcher = createWatch(hub, opts.watch);

  async function settled(o?: { signal?: AbortSignal }): Promise<void> {
    for (;;) {
      o?.signal?.throwIfAborted();
      hub.cases.evaluateCases();
      if (hub.settle.pending.size === 0 && inflight.size === 0 && (q.countUnsettled.get()?.n ?? 0) === 0) return;
      await clock.sleep(SETTLED_POLL_MS, o?.signal);
    }
  }

  return {
    name: 'intake',
    handlers: createFolderHandlers(hub, watcher),
    controller: { scanNow: watcher.scanNow, settled, moveFailures: hub.originals.moveFailures },
    async start() {
      running = true;
      realRoots.clear();
      offFinished = ctx.signals.on('case:finished', hub.originals.onCaseFinished);
      caseTicker = every(clock, CASE_TICK_MS, () => hub.cases.evaluateCases());
      for (const f of q.folders.all().map(toFolder)) if (f.enabled) void watcher.watchFolder(f);
      hub.track(
        (async () => {
          await hub.originals.moveFinishedOriginals();
          await watcher.scanNow();
        })(),
      );
    },
    async stop() {
      running = false;
      offFinished?.();
      caseTicker?.cancel();
      await watcher.closeAll();
      hub.settle.reset();
      await Promise.allSettled([...inflight]);
      if (hub.writes.size > 0) hub.writes.flush(); // anything queued by an untracked caller still commits before the DB closes
      hub.settle.reset();
      hub.cases.reset();
    },
  };
}
