// The queue's global gates: why nothing may be sent (or polled) right now. A 429 or "offline" blocks every request
// until its end; bad credentials block until the clerk resumes or enters new ones; the clerk's pause and the daily
// cap stop uploads only. Outcomes that concern everyone (429, offline, auth) are applied here.
import type { QueueState } from '../../../shared/api/queue.ts';
import type { EngineContext } from '../context.ts';
import type { BeorgOutcome } from '../beorg/client.ts';
import type { Credentials } from '../secrets.ts';
import type { RateBudget } from './rate-budget.ts';
import type { QueueRepo } from './repo.ts';
import { billedDocuments } from './cost.ts';
import type { createSharedPauses } from '../team/shared-budget.ts';

type SharedPauses = ReturnType<typeof createSharedPauses>;

export type BlockReason = Exclude<QueueState['pausedReason'], null>;
export type Block = { reason: BlockReason; message: string | null; until: number | null };

// After a 429 pause the whole queue restarts at RAMP_START of its rate and doubles every RAMP_STEP_MS
// (¼ → ½ → full in 2 × 2 s): a provider that just throttled us sees a gradual ramp, not the old burst at once.
const RAMP_START = 0.25;
const RAMP_STEP_MS = 2_000;
const MAX_BACKOFF_MS = 60_000;

/** Exponential back-off with full jitter in [base/2, base]. */
export function backoff(attempt: number, baseMs: number, random = Math.random): number {
  const b = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(b / 2 + random() * (b / 2));
}

/** Local midnight of `now`: the cost meter counts "today" in the clerk's day. */
export function startOfLocalDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export type Gates = ReturnType<typeof createGates>;

export function createGates(ctx: EngineContext, repo: QueueRepo, budget: RateBudget, shared: SharedPauses) {
  const { clock, log } = ctx;
  const settings = () => ctx.settings.get();
  let block: Block | null = null;
  let rateLimitStreak = 0;
  let offlineStreak = 0;
  let authFailedFor: Credentials | null = null;

  const isClerkPaused = () => ctx.settings.getRaw<boolean>('queue.paused') === true;
  const sameCreds = (a: Credentials, b: Credentials) => a.token === b.token && a.machineUid === b.machineUid && a.projectId === b.projectId;

  /** The credentials to send with, or null; new credentials lift an auth block. */
  function credentials(): Credentials | null {
    const c = ctx.secrets.get();
    if (c && authFailedFor && sameCreds(c, authFailedFor)) return c;
    if (c && authFailedFor) {
      authFailedFor = null; // new credentials: try again
      if (block?.reason === 'auth') block = null;
    }
    return c;
  }

  /** The cap counts billed documents ([Note: what a submission costs]), those being sent included; the last case
   *  sent may overshoot it by at most its own documents (a case is never split). */
  function dailyCapReached(): boolean {
    const cap = settings().dailyCap;
    if (cap <= 0) return false;
    return (repo.billable.get(startOfLocalDay(clock.now()))?.today ?? 0) + billedInFlight() >= cap;
  }

  /** What the cases every instance is sending now will bill: the cap holds across instances sharing the database. */
  function billedInFlight(): number {
    const byCase = new Map<number, string[]>();
    for (const r of repo.inFlightDocTypes.all()) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r.doc_type]);
    let n = 0;
    for (const types of byCase.values()) n += billedDocuments(types);
    return n;
  }

  function currentBlock(): Block | null {
    const now = clock.now();
    if (block && block.until !== null && block.until <= now) block = null;
    const sharedUntil = shared.until();
    if (sharedUntil !== null && sharedUntil > now && (block === null || (block.until !== null && block.until < sharedUntil))) {
      pauseForRateLimit(sharedUntil); // another instance on this token saw a 429 ([Note: one request budget per token])
    }
    return block;
  }

  function pauseForRateLimit(until: number): void {
    if (!block || (block.until ?? Infinity) < until) block = { reason: 'rate-limit', message: 'Сервер Beorg просит снизить частоту запросов: пауза', until };
    // Come back gently: a fraction of the rate when the pause ends, doubling step by step (RAMP_START).
    budget.rampUp({ from: until, startFactor: RAMP_START, stepMs: RAMP_STEP_MS });
  }

  /** Why nothing may be sent right now (uploads), or null. Polls are only stopped by network-level blocks. */
  function uploadBlock(): Block | null {
    if (!credentials()) return { reason: 'no-credentials', message: 'Не заданы учётные данные Beorg (токен, machine_uid, project_id): отправка приостановлена', until: null };
    const b = currentBlock();
    if (b) return b;
    if (isClerkPaused()) return { reason: 'clerk', message: null, until: null };
    if (dailyCapReached()) return { reason: 'daily-cap', message: `Достигнут дневной лимит: ${settings().dailyCap} док. Отправка продолжится завтра или после увеличения лимита`, until: null };
    return null;
  }

  function pollBlock(): Block | null {
    const b = currentBlock();
    if (b) return b;
    if (!credentials()) return { reason: 'no-credentials', message: null, until: null };
    return null;
  }

  function onRateLimited(retryAfterMs: number | null): void {
    const t = clock.now();
    rateLimitStreak++;
    const wait = retryAfterMs ?? backoff(rateLimitStreak, 1000);
    const until = t + Math.max(200, wait);
    pauseForRateLimit(until);
    shared.record(until);
    log.warn('queue: 429, pausing all requests', { waitMs: until - t });
  }

  /** Reactions that affect everyone. Returns true when the outcome was a global condition. */
  function applyGlobal(outcome: BeorgOutcome<unknown>, creds: Credentials): boolean {
    switch (outcome.kind) {
      case 'rate-limited':
        onRateLimited(outcome.retryAfterMs);
        return true;
      case 'offline':
        offlineStreak++;
        block = { reason: 'offline', message: `${outcome.message}: отправка приостановлена`, until: clock.now() + backoff(offlineStreak, 2000) };
        return true;
      case 'auth':
        authFailedFor = creds;
        block = { reason: 'auth', message: outcome.message, until: null };
        ctx.events.emit('notify', { level: 'error', messageRu: outcome.message, messageEn: 'Invalid Beorg token or machine_uid: sending paused' });
        return true;
      case 'ok':
      case 'not-ready':
        rateLimitStreak = 0;
        offlineStreak = 0;
        return false;
      case 'transient':
      case 'no-response':
      case 'not-found':
      case 'invalid':
        offlineStreak = 0;
        return false;
    }
  }

  return {
    credentials,
    uploadBlock,
    dailyCapReached,
    pollBlock,
    applyGlobal,
    /** When the current network-level block ends (null = none, or it has no end). */
    blockedUntil: (): number | null => currentBlock()?.until ?? null,
    /** Unknown project: every upload would fail the same way — block like bad credentials. */
    blockAsAuth(message: string, creds: Credentials): void {
      block = { reason: 'auth', message, until: null };
      authFailedFor = creds;
    },
    /** The clerk says "try again": lift auth/offline blocks (a 429 pause is the server's, keep it). */
    liftOnResume(): void {
      if (block && block.reason !== 'rate-limit') block = null;
      authFailedFor = null;
    },
  };
}
