// The queue's state as the header and the CLI show it: counts per status, throughput and ETA, the pause reason,
// and the cost meter ([Note: what a submission costs]).
import type { DocStatus } from '../../../shared/types.ts';
import { DOC_STATUSES } from '../../../shared/types.ts';
import type { QueueState } from '../../../shared/api/queue.ts';
import { rub } from './cost.ts';
import { startOfLocalDay } from './gates.ts';
import type { QueueCore } from './core.ts';

export function createMeter(core: QueueCore, inFlight: () => number) {
  const { ctx, repo, gates, limit } = core;

  /** Documents per minute over the last 5 minutes, or since the batch's first completion if that is more recent
   *  (≥ 30 s), so a fresh batch does not show a rate diluted by idle minutes. */
  function docsPerMinute(t: number): number {
    const since = t - 5 * 60_000;
    const first = repo.firstDoneSince.get(since)?.t ?? null;
    const windowMs = Math.max(30_000, t - (first ?? since));
    const recent = repo.recentDone.get(since)?.n ?? 0;
    return Math.round((recent / (windowMs / 60_000)) * 10) / 10;
  }

  function cost(t: number): QueueState['cost'] {
    const s = ctx.settings.get();
    const bill = repo.billable.get(startOfLocalDay(t)) ?? { total: 0, today: 0 };
    const saved = Object.fromEntries(repo.savedCounts.all().map((r) => [r.status, r.n])) as Record<string, number>;
    const savedDuplicates = saved.duplicate ?? 0;
    const savedRejected = saved.rejected ?? 0;
    return {
      todayDocuments: bill.today,
      todayRub: rub(bill.today, s.pricePerDocumentRub),
      totalDocuments: bill.total,
      totalRub: rub(bill.total, s.pricePerDocumentRub),
      savedDuplicates,
      savedRejected,
      savedRub: rub(savedDuplicates + savedRejected, s.pricePerDocumentRub),
      uncertainCases: repo.uncertainCount.get()?.n ?? 0,
      dailyCap: s.dailyCap,
      pricePerDocumentRub: s.pricePerDocumentRub,
    };
  }

  function state(): QueueState {
    const t = ctx.clock.now();
    const counts = Object.fromEntries(DOC_STATUSES.map((k) => [k, 0])) as Record<DocStatus, number>;
    for (const r of repo.statusCounts.all()) if (r.status in counts) counts[r.status] = r.n;
    const rate = docsPerMinute(t);
    const remaining = counts.queued + counts.sending + counts.processing;
    const blk = gates.uploadBlock();
    return {
      paused: blk !== null,
      pausedReason: blk?.reason ?? null,
      pausedMessage: blk?.message ?? null,
      nextTryAt: blk?.until ?? null,
      counts,
      inFlight: inFlight(),
      docsPerMinute: rate,
      etaMs: remaining === 0 ? 0 : rate > 0 ? Math.round((remaining / rate) * 60_000) : null,
      concurrency: limit.concurrency,
      rps: ctx.settings.get().rps,
      cost: cost(t),
    };
  }

  return { state };
}
