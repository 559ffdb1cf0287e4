// [Note: intake writes are batched]
// Intake's hot writes (a file noticed: its document and case rows; a file decided) share ONE transaction per
// batch: queued as they come, committed FLUSH_MS after the first one or as soon as FLUSH_MAX are waiting. A commit
// per file cost 0.5–3 ms (WAL append + index pages) and was most of an initial scan's time. "Within a tick" was
// not enough: stats and decodes complete one or two per event-loop turn, so batches stayed at ~2 writes; a short
// window gives ~FLUSH_MAX during a scan and 5–10 decisions per commit while decoding, and nobody waits on it
// (the decode slot is free before the commit, see settle.ts runFile). Only intake's own writes join: the queue's
// "intent before the POST" commit must never wait for, or be rolled back with, ours.
import { setTimer, type Clock, type Timer } from '../clock.ts';
import type { Db } from '../db/open.ts';

const FLUSH_MS = 20;

type Write = { run: () => void; resolve: () => void; reject: (err: unknown) => void; noticed: string | null };

export type WriteBatcher = {
  /** Runs `run` inside the next batch's transaction; resolves once that is committed. `noticed` = the file whose
   *  pending entry `run` may create (handed to `onLost` if the commit fails, so the next event or rescan re-notices it). */
  batched(noticed: string | null, run: () => void): Promise<void>;
  /** Commits whatever is queued now. */
  flush(): void;
  readonly size: number;
};

export function createWriteBatcher(deps: { db: Db; clock: Clock; flushMax: number; onLost: (noticed: string) => void }): WriteBatcher {
  const { db, clock, flushMax, onLost } = deps;
  let writes: Write[] = [];
  let flushTimer: Timer | null = null;

  function flush() {
    flushTimer?.cancel();
    flushTimer = null;
    const batch = writes;
    writes = [];
    if (batch.length === 0) return;
    const failed = new Map<Write, unknown>();
    try {
      db.transaction(() => {
        for (const w of batch) {
          try {
            w.run(); // a failing statement undoes only itself (or its savepoint); the others still commit
          } catch (err) {
            failed.set(w, err);
          }
        }
      })();
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of this turn is stored.
      for (const w of batch) {
        if (w.noticed !== null) onLost(w.noticed);
        w.reject(err);
      }
      return;
    }
    for (const w of batch) {
      if (failed.has(w)) w.reject(failed.get(w));
      else w.resolve();
    }
  }

  return {
    batched(noticed, run) {
      return new Promise<void>((resolve, reject) => {
        writes.push({ run, resolve, reject, noticed });
        if (writes.length >= flushMax) {
          flushTimer?.cancel();
          flushTimer = setTimer(clock, 0, flush);
        } else flushTimer ??= setTimer(clock, FLUSH_MS, flush);
      });
    },
    flush,
    get size() {
      return writes.length;
    },
  };
}
