// The full recompute after a threshold change, run in the background: a chunk of cases per transaction, a turn of
// the event loop between chunks, so the engine keeps answering requests and sending events while it runs.
//
// [Note: findings are derived data]
// Findings, counts and verdicts are a function of the stored field values and the thresholds, so recomputing a case
// twice gives the same rows (writeCase even keeps unchanged rows and their ids). That is what makes a commit per chunk
// safe: a reader between chunks sees some cases under the new thresholds and some under the old, each case whole and
// consistent; a run stopped midway leaves exactly that, and the next run redoes everything. A case that finishes or
// is edited during a run is recomputed by its own path (recomputeCase) with the thresholds current at that moment.
import type { EngineContext } from '../context.ts';
import { planRecompute, recomputeSpan } from './module.ts';

export type BackgroundRecomputeOptions = {
  /** Cases per chunk (per transaction). Default 400: ~60 ms per chunk on a 100,000-document base; 100 cost a third
   * more total time in commits, one transaction (recomputeAll) leaves the engine silent for the whole run. */
  chunkCases?: number;
  /** Progress pushes at most this often (by ctx.clock); the first and the final one always go out. */
  progressEveryMs?: number;
};

export type BackgroundRecompute = {
  /** Starts a run, or restarts the one under way from its first chunk with the current thresholds. Returns at once. */
  request(): void;
  /** Resolves when no run is under way. */
  idle(): Promise<void>;
  /** Cancels a run at its next chunk boundary (committed chunks stay; see the note) and resolves when it stopped. */
  dispose(): Promise<void>;
};

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

export function createBackgroundRecompute(ctx: EngineContext, opts: BackgroundRecomputeOptions = {}): BackgroundRecompute {
  const chunk = opts.chunkCases ?? 400;
  const every = opts.progressEveryMs ?? 250;
  let running: Promise<void> | null = null;
  let restart = false;
  let disposed = false;

  function progress(total: number) {
    let last = -Infinity;
    let done = 0;
    const push = (finished: boolean) => {
      last = ctx.clock.now();
      ctx.events.emit('checks:progress', { done: finished ? total : Math.min(done, total), total, finished });
    };
    return {
      add(n: number) {
        done += n;
        if (ctx.clock.now() - last >= every) push(false);
      },
      start: () => push(false),
      finish: () => push(true),
    };
  }

  function failed(err: unknown): void {
    ctx.log.error('validation: background recompute failed', { err: String(err) });
    ctx.events.emit('notify', {
      level: 'error',
      messageRu: `Проверки пересчитаны под новые пороги не полностью — у части дел остались прежние результаты; пересчёт повторится при следующем изменении порогов: ${String(err)}`,
      messageEn: `Checks were only partly recomputed for the new thresholds; some cases still show the previous results. The recompute runs again on the next threshold change: ${String(err)}`,
    });
  }

  /** One pass over every done case; it ends early, without a final event, when stopped or asked to restart. */
  async function pass(): Promise<void> {
    restart = false;
    const plan = planRecompute(ctx);
    const report = progress(plan.total);
    report.start();
    let retried = false;
    for (let lo = plan.first; lo <= plan.last; ) {
      await nextTurn();
      if (disposed || restart) return;
      const hi = Math.min(lo + chunk - 1, plan.last);
      try {
        report.add(ctx.db.transaction(() => recomputeSpan(plan, lo, hi))());
      } catch (err) {
        // The chunk rolled back whole; chunks before it are committed (see the note). Retry the rest once.
        if (!retried) {
          retried = true;
          ctx.log.warn('validation: a recompute chunk failed; retrying the rest once', { lo, hi, err: String(err) });
          continue;
        }
        failed(err);
        break;
      }
      lo = hi + 1;
    }
    report.finish();
    ctx.events.documentsChanged('all');
  }

  async function run(): Promise<void> {
    try {
      // A restart asked for while the last chunk's pass was ending is still honoured: the flag is checked here,
      // in the same turn that clears `running`.
      do await pass();
      while (restart && !disposed);
    } catch (err) {
      failed(err); // planning failed (nothing was written): the previous findings stand
    } finally {
      running = null;
    }
  }

  return {
    request() {
      if (disposed) return;
      if (running) restart = true;
      else running = run();
    },
    idle: () => running ?? Promise.resolve(),
    async dispose() {
      disposed = true;
      await running;
    },
  };
}
