// The queue's loop: one timer on the injected clock wakes `tick`, which launches due polls and uploads under the
// concurrency cap and sleeps until the next due time (or the end of a block). Jobs finishing wake it again. Also
// the idle detection the CLI waits on, and the batched progress push.
import type { QueueState } from '../../../shared/api/queue.ts';
import type { QueueController } from '../context.ts';
import { setTimer, type Timer } from '../clock.ts';
import type { QueueCore } from './core.ts';

/** Lifecycle flags shared with the jobs: stop() aborts `stop` and sets `stopping`. */
export type QueueLife = { running: boolean; stopping: boolean; stop: AbortController };

type Jobs = { submit(caseId: number): Promise<void>; poll(caseId: number): Promise<void> };

const PROGRESS_MS = 100;
/** Gates are re-checked at least this often (clerk resume, new credentials, a raised cap). */
const RECHECK_MS = 1000;

export function createScheduler(core: QueueCore, life: QueueLife, jobsOf: Jobs, state: () => QueueState) {
  const { ctx, repo, gates, limit } = core;
  const { clock, log } = ctx;
  const busy = new Set<number>(); // case ids with a job scheduled or running
  const jobs = new Set<Promise<void>>();
  let wakeTimer: Timer | null = null;
  let progressTimer: Timer | null = null;
  let idleWaiters: (() => void)[] = [];
  let wasActive = false;

  function scheduleWake(delay: number): void {
    if (!life.running || life.stopping) return;
    wakeTimer?.cancel();
    wakeTimer = setTimer(clock, delay, tick);
  }
  const wake = (): void => scheduleWake(0);

  function tick(): void {
    wakeTimer = null;
    if (!life.running || life.stopping) return;
    const t = clock.now();
    const free = () => Math.max(0, limit.concurrency - busy.size);
    if (!gates.pollBlock()) {
      for (const { id } of repo.duePolls.all(t, 200)) {
        if (free() <= 0) break;
        if (!busy.has(id)) launch(id, () => jobsOf.poll(id));
      }
    }
    if (!gates.uploadBlock()) {
      for (const { id } of repo.dueUploads.all(t, 200)) {
        if (free() <= 0) break;
        if (!busy.has(id)) launch(id, () => jobsOf.submit(id));
      }
    }
    // Sleep until the next due time (or the end of a block); jobs finishing also wake us.
    // Something already due but not launched (budget wait, concurrency full) is woken by a finishing job instead.
    const hasRoom = free() > 0;
    const ub = gates.uploadBlock();
    const pb = gates.pollBlock();
    const nextUpload = !ub && hasRoom ? (repo.nextUpload.get()?.t ?? null) : null;
    const nextPoll = !pb && hasRoom ? (repo.nextPoll.get()?.t ?? null) : null;
    const candidates = [nextUpload, nextPoll, ub?.until ?? null, pb?.until ?? null, t + RECHECK_MS].filter((x): x is number => x !== null && x > t);
    const at = Math.max(t + 5, Math.min(...candidates));
    scheduleWake(Math.max(0, Math.min(at - t, 60_000)));
    pushProgress();
    checkIdle();
  }

  function launch(caseId: number, job: () => Promise<void>): void {
    busy.add(caseId);
    const p = limit(job)
      .catch((err: unknown) => {
        // A job that throws is a bug, not a network condition: say so where the clerk looks, not only in the log.
        log.error('queue job failed', { caseId, err: String(err) });
        ctx.events.emit('notify', { level: 'error', messageRu: `Внутренняя ошибка очереди (дело ${caseId}): ${String(err)}`, messageEn: `Queue error (case ${caseId}): ${String(err)}` });
      })
      .finally(() => {
        busy.delete(caseId);
        jobs.delete(p);
        pushProgress();
        wake();
        checkIdle();
      });
    jobs.add(p);
  }

  function pushProgress(): void {
    if (progressTimer) return;
    progressTimer = setTimer(clock, PROGRESS_MS, () => {
      progressTimer = null;
      try {
        ctx.events.emit('queue:progress', state());
      } catch (err) {
        log.error('queue progress failed', { err: String(err) });
      }
    });
  }

  /** Idle = nothing queued/sending/processing and no job running; queued cases that cannot be sent (auth,
   *  no credentials) do not keep the queue "busy" so the CLI can report instead of hanging. */
  function isIdle(): boolean {
    if (busy.size > 0) return false;
    const blk = gates.uploadBlock();
    // Blocks that no amount of waiting lifts today (the daily cap resets at midnight): report instead of hanging.
    const blockedForGood = blk !== null && (blk.reason === 'auth' || blk.reason === 'no-credentials' || blk.reason === 'daily-cap');
    const n = blockedForGood ? repo.nonQueuedActive.get()?.n ?? 0 : repo.activeCount.get()?.n ?? 0;
    if (blockedForGood && n > 0 && gates.pollBlock()) return true;
    return n === 0;
  }

  function releaseIdleWaiters(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function checkIdle(): void {
    if (!life.running) return;
    if (!isIdle()) {
      wasActive = true;
      return;
    }
    releaseIdleWaiters();
    if (wasActive) {
      wasActive = false;
      const n = core.takeFinishedCount();
      ctx.signals.emit('queue:idle', { finishedCases: n });
      if (n > 0) ctx.events.emit('notify', { level: 'info', messageRu: `Пакет обработан: дел ${n}`, messageEn: `Batch finished: ${n} cases` });
      pushProgress();
    }
  }

  const controller: QueueController = {
    idle({ signal } = {}) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const done = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          idleWaiters = idleWaiters.filter((w) => w !== done);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        // Checked on the next tick so a case queued just before idle() is counted.
        idleWaiters.push(done);
        if (life.running) wake();
      });
    },
  };

  return {
    controller,
    wake,
    pushProgress,
    inFlight: () => busy.size,
    /** Stops the loop: in-flight POSTs finish and are committed; polls and budget waits abort. */
    async drain(): Promise<void> {
      wakeTimer?.cancel();
      wakeTimer = null;
      await Promise.allSettled([...jobs]);
      progressTimer?.cancel();
      progressTimer = null;
      releaseIdleWaiters();
    },
  };
}
