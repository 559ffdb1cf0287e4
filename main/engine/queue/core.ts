// What the queue's parts share: the repository, the request budget, the gates, the Beorg client, and the few
// writes every outcome ends in (the request log row, a failed case, a finished case). Built once per queue module.
import pLimit, { type LimitFunction } from 'p-limit';
import type { DocStatus } from '../../../shared/types.ts';
import type { EngineContext } from '../context.ts';
import { createBeorgClient, type BeorgClient, type BeorgOutcome } from '../beorg/client.ts';
import { createRateBudget, type RateBudget } from './rate-budget.ts';
import { createGates, type Gates } from './gates.ts';
import { createQueueRepo, type QueueRepo } from './repo.ts';
import { recoverInterrupted } from './recovery.ts';
import { createInstanceLease, type InstanceLease } from '../team/instances.ts';
import { budgetKeyOf, createSharedPauses, shareBudget } from '../team/shared-budget.ts';

export type QueueOptions = {
  /** HTTP for the Beorg client (tests/bench may wrap it); defaults to global fetch. */
  fetch?: typeof fetch;
};

export type QueueCore = {
  ctx: EngineContext;
  repo: QueueRepo;
  budget: RateBudget;
  limit: LimitFunction;
  gates: Gates;
  /** This instance's lease among those sharing the database; its id marks the cases it sends. */
  instance: InstanceLease;
  client(): BeorgClient;
  /** `billed` = documents billed by this request ([Note: what a submission costs]), 0 for everything but an accepted upload. */
  recordRequest(caseId: number, kind: 'upload' | 'poll', outcome: BeorgOutcome<unknown>, startedAt: number, billed?: number): void;
  failCase(caseId: number, message: string, kind: string, fromStatuses: DocStatus[]): void;
  finished(caseId: number, state: 'done' | 'failed'): void;
  /** Cases finished since the queue was last idle (for the "batch finished" notice); reading resets it. */
  takeFinishedCount(): number;
  /** Aborted by stop(): polls and budget waits end, an upload already sent is let finish. */
  stopSignal(): AbortSignal;
  stopping(): boolean;
  /** A progress push soon (batched); wired by the scheduler. */
  progress(): void;
};

export function createQueueCore(ctx: EngineContext, opts: QueueOptions, lifecycle: { stopSignal(): AbortSignal; stopping(): boolean }): QueueCore {
  const { db, clock } = ctx;
  const settings = () => ctx.settings.get();
  const repo = createQueueRepo(db);
  // A dead instance's orphaned sends are recovered as soon as its lease is found expired.
  const instance = createInstanceLease(ctx, () => recoverInterrupted(ctx, repo));
  const budgetKey = sharedKey(ctx);
  const local = createRateBudget({ rps: settings().rps, burst: settings().burst, clock });
  const budget = shareBudget(local, { db, clock, instanceId: instance.id, key: budgetKey, rps: () => settings().rps });
  const gates = createGates(ctx, repo, budget, createSharedPauses(db, budgetKey));
  let finishedSinceIdle = 0;

  let client: BeorgClient | null = null;
  let clientKey = '';
  const getClient = (): BeorgClient => {
    const s = settings();
    const key = `${s.apiUrl}|${s.requestTimeoutMs}|${s.uploadTimeoutMs}`;
    if (!client || key !== clientKey) {
      client = createBeorgClient({ baseUrl: s.apiUrl, timeoutMs: s.requestTimeoutMs, uploadTimeoutMs: s.uploadTimeoutMs, fetch: opts.fetch, now: () => ctx.clock.now() });
      clientKey = key;
    }
    return client;
  };

  const core: QueueCore = {
    ctx,
    repo,
    budget,
    instance,
    limit: pLimit(settings().concurrency),
    gates,
    client: getClient,
    recordRequest(caseId, kind, outcome, startedAt, billed = 0) {
      const status = 'status' in outcome ? outcome.status : null;
      const o = outcome.kind === 'auth' || outcome.kind === 'not-found' || outcome.kind === 'invalid' ? 'final' : outcome.kind;
      repo.apiRequest.run({ at: startedAt, caseId, kind, status, outcome: o, ms: clock.now() - startedAt, billable: billed });
    },
    failCase(caseId, message, kind, fromStatuses) {
      const t = clock.now();
      db.transaction(() => {
        repo.failCase.run({ id: caseId, err: message, kind, now: t });
        for (const from of fromStatuses) repo.docStatus.run({ caseId, status: 'failed', reason: message, code: `queue.${kind}`, now: t, from });
      })();
      core.finished(caseId, 'failed');
    },
    finished(caseId, state) {
      finishedSinceIdle++;
      ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
      ctx.signals.emit('case:finished', { caseId, state });
    },
    takeFinishedCount() {
      const n = finishedSinceIdle;
      finishedSinceIdle = 0;
      return n;
    },
    stopSignal: lifecycle.stopSignal,
    stopping: lifecycle.stopping,
    progress: () => undefined,
  };
  return core;
}

/** The shared budget's key for the token in use ([Note: one request budget per token]); the hash is kept per token. */
function sharedKey(ctx: EngineContext): () => string | null {
  let last: { token: string; key: string } | null = null;
  return () => {
    const token = ctx.secrets.get()?.token;
    if (!token) return null;
    if (last?.token !== token) last = { token, key: budgetKeyOf(token) };
    return last.key;
  };
}
