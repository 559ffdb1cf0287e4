// The supervisor's charts ('stats:charts'), aggregated in SQLite from what the engine already records:
// cases.completed_at (results), documents.reviewed_at (clerk decisions), api_requests (every HTTP request with its
// status, outcome, duration and billed documents), audit_events (corrections and decisions). Hourly series are dense
// (every hour of the range is present) so a time axis shows quiet hours as zero, not as a line across them.
import type { Charts } from '../../../shared/api/insights.ts';
import type { EngineContext } from '../context.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** A gap longer than this between two decisions is a break, not review time. */
const MAX_REVIEW_GAP_SEC = 600;
const REVIEW_BUCKETS_SEC = [10, 30, 60, 120, 300, MAX_REVIEW_GAP_SEC];

type Counted = { h: number; n: number };

function denseHours(from: number, to: number): number[] {
  const out: number[] = [];
  for (let h = Math.floor(from / HOUR_MS) * HOUR_MS; h <= to; h += HOUR_MS) out.push(h);
  return out;
}

/** 'YYYY-MM-DD' (local) → epoch seconds of that local midnight. */
function localDaySec(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return Math.round(new Date(y!, (m ?? 1) - 1, d ?? 1).getTime() / 1000);
}

export function createChartsReader(ctx: EngineContext) {
  const { db } = ctx;
  const hourOf = (col: string) => `(${col} / ${HOUR_MS}) * ${HOUR_MS}`;
  const q = {
    recognised: db.prepare<[number], Counted>(
      `SELECT ${hourOf('c.completed_at')} AS h, count(*) AS n FROM documents d JOIN cases c ON c.id = d.case_id
       WHERE d.status = 'recognised' AND c.completed_at >= ? GROUP BY h`,
    ),
    verified: db.prepare<[number], Counted>(
      `SELECT ${hourOf('reviewed_at')} AS h, count(*) AS n FROM documents WHERE review_state = 'verified' AND reviewed_at >= ? GROUP BY h`,
    ),
    failed: db.prepare<[number], Counted>(
      `SELECT ${hourOf('updated_at')} AS h, count(*) AS n FROM documents WHERE status IN ('failed','rejected','uncertain') AND updated_at >= ? GROUP BY h`,
    ),
    api: db.prepare<[number], { h: number; n: number; mean: number | null; max: number | null; limited: number; errors: number }>(
      `SELECT ${hourOf('at')} AS h, count(*) AS n, avg(duration_ms) AS mean, max(duration_ms) AS max,
              sum(CASE WHEN http_status = 429 OR outcome = 'rate-limited' THEN 1 ELSE 0 END) AS limited,
              sum(CASE WHEN outcome IN ('transient','final','offline') THEN 1 ELSE 0 END) AS errors
       FROM api_requests WHERE at >= ? GROUP BY h`,
    ),
    billedPerDay: db.prepare<[number], { d: string; n: number }>(
      `SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch', 'localtime') AS d, sum(billable) AS n FROM api_requests
       WHERE billable > 0 AND at >= ? GROUP BY d ORDER BY d`,
    ),
    corrections: db.prepare<[number], { field: string; count: number }>(
      `SELECT field, count(*) AS count FROM audit_events WHERE action IN ('set-field','rule-fix') AND field IS NOT NULL AND at >= ?
       GROUP BY field ORDER BY count DESC, field`,
    ),
    gaps: db.prepare<[number], { gap: number }>(
      `SELECT (at - prev) / 1000.0 AS gap FROM (
         SELECT at, lag(at) OVER (PARTITION BY actor ORDER BY at, id) AS prev FROM audit_events
         WHERE source = 'clerk' AND action IN ('confirm','postpone','reject') AND at >= ?) AS decisions
       WHERE prev IS NOT NULL AND at - prev <= ${MAX_REVIEW_GAP_SEC * 1000} ORDER BY gap`,
    ),
    failures: db.prepare<[number], { reason: string; count: number }>(
      `SELECT coalesce(status_reason, status) AS reason, count(*) AS count FROM documents
       WHERE status IN ('failed','rejected','uncertain') AND updated_at >= ? GROUP BY reason ORDER BY count DESC, reason LIMIT 15`,
    ),
  };

  function reviewTime(since: number): Charts['reviewTime'] {
    const gaps = q.gaps.all(since).map((r) => r.gap);
    const buckets = REVIEW_BUCKETS_SEC.map((upToSec, i) => ({
      upToSec,
      count: gaps.filter((g) => g <= upToSec && (i === 0 || g > REVIEW_BUCKETS_SEC[i - 1]!)).length,
    }));
    const mid = gaps.length === 0 ? null : gaps.length % 2 ? gaps[(gaps.length - 1) / 2]! : (gaps[gaps.length / 2 - 1]! + gaps[gaps.length / 2]!) / 2;
    return { buckets, medianSec: mid === null ? null : Math.round(mid * 10) / 10, decisions: gaps.length };
  }

  function charts(days: number): Charts {
    const to = ctx.clock.now();
    const since = to - days * DAY_MS;
    const hours = denseHours(since, to);
    const index = new Map(hours.map((h, i) => [h, i]));
    const series = (rows: Counted[]) => {
      const out = hours.map(() => 0);
      for (const r of rows) {
        const i = index.get(r.h);
        if (i !== undefined) out[i] = r.n;
      }
      return out;
    };
    const api = { t: hours.map((h) => h / 1000), meanMs: hours.map((): number | null => null), maxMs: hours.map((): number | null => null), rateLimited: hours.map(() => 0), errors: hours.map(() => 0), requests: hours.map(() => 0) };
    for (const r of q.api.all(since)) {
      const i = index.get(r.h);
      if (i === undefined) continue;
      api.meanMs[i] = r.mean === null ? null : Math.round(r.mean);
      api.maxMs[i] = r.max;
      api.rateLimited[i] = r.limited;
      api.errors[i] = r.errors;
      api.requests[i] = r.n;
    }
    const s = ctx.settings.get();
    const billed = q.billedPerDay.all(since);
    return {
      from: Math.round(since / 1000),
      to: Math.round(to / 1000),
      perHour: { t: hours.map((h) => h / 1000), recognised: series(q.recognised.all(since)), verified: series(q.verified.all(since)), failed: series(q.failed.all(since)) },
      perDay: { t: billed.map((r) => localDaySec(r.d)), documents: billed.map((r) => r.n), rub: billed.map((r) => Math.round(r.n * s.pricePerDocumentRub * 100) / 100) },
      dailyCap: s.dailyCap,
      pricePerDocumentRub: s.pricePerDocumentRub,
      api,
      correctionsPerField: q.corrections.all(since),
      reviewTime: reviewTime(since),
      failuresByReason: q.failures.all(since),
    };
  }
  return { charts };
}
