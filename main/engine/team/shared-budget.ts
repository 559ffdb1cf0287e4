// [Note: one request budget per token] Beorg limits a token, not a computer: every instance sending with the same
// token shares one per-second cap and one 429 pause, held in the database they share. Each request takes a row in
// `api_slots` inside an IMMEDIATE transaction (writers queue: [Note: write transactions begin IMMEDIATE]), and a row
// counts the same way the local budget counts ([Note: a request counts until its answer]): while in flight and for
// 1 s after its answer; a slot in flight of an instance whose lease is gone ([Note: instances hold leases]) stops
// counting. The local budget still shapes each instance's own bursts; the shared cap only ever holds back further.
// Why rows in the database, not advisory locks or LISTEN/NOTIFY: it works the same on a shared SQLite file and on
// PostgreSQL, survives any instance dying mid-request, and needs no connection held open between requests. A 429 seen
// by one instance is written to `api_pauses`; the others read it before each request and pause and ramp up the same.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { WINDOW_MS, type Permit, type RateBudget } from '../queue/rate-budget.ts';

/** How often a request waiting only on other instances' requests in flight looks again. */
const RECHECK_MS = 100;

/** A short hash of the token: rows say which budget they belong to without holding the secret. */
export function budgetKeyOf(token: string): string {
  return createHash('sha256').update(`scandesk-budget:${token}`).digest('hex').slice(0, 32);
}

export type SharedBudgetOptions = {
  db: Db;
  clock: Clock;
  instanceId: string;
  /** The budget key for the credentials in use, or null (nothing is sent without credentials). */
  key(): string | null;
  rps(): number;
};

function slotStatements(db: Db) {
  return {
    counted: db.prepare<{ key: string; since: number; me: string }, { n: number; firstEnd: number | null }>(
      `SELECT COUNT(*) AS n, MIN(ended_at) AS firstEnd FROM api_slots
       WHERE budget_key = @key
         AND (ended_at > @since OR (ended_at IS NULL AND (instance_id = @me OR instance_id IN (SELECT id FROM instances))))`,
    ),
    take: db.prepare<{ key: string; me: string; now: number }>('INSERT INTO api_slots(budget_key, instance_id, started_at) VALUES (@key, @me, @now)'),
    end: db.prepare<{ id: number | bigint; now: number }>('UPDATE api_slots SET ended_at = @now WHERE id = @id AND ended_at IS NULL'),
    prune: db.prepare<{ key: string; since: number; me: string }>(
      `DELETE FROM api_slots WHERE budget_key = @key
         AND (ended_at <= @since OR (ended_at IS NULL AND instance_id <> @me AND instance_id NOT IN (SELECT id FROM instances)))`,
    ),
  };
}

/** Wraps this instance's budget so a request also needs a place in the shared per-second cap. */
export function shareBudget(local: RateBudget, opts: SharedBudgetOptions): RateBudget {
  const { db, clock, instanceId: me } = opts;
  const q = slotStatements(db);

  /** A slot id when a request may start now, else how long to wait before looking again. */
  const admit = db.transaction((key: string, now: number): { id: number | bigint } | { waitMs: number } => {
    const since = now - WINDOW_MS;
    q.prune.run({ key, since, me });
    const cap = Math.max(1, Math.ceil(opts.rps() * local.factorAt(now)));
    const { n, firstEnd } = q.counted.get({ key, since, me }) ?? { n: 0, firstEnd: null };
    if (n < cap) return { id: q.take.run({ key, me, now }).lastInsertRowid };
    return { waitMs: firstEnd === null ? RECHECK_MS : Math.max(1, Math.min(RECHECK_MS * 10, firstEnd + WINDOW_MS - now)) };
  });

  async function take(signal?: AbortSignal): Promise<Permit> {
    const permit = await local.take(signal);
    try {
      for (;;) {
        const key = opts.key();
        if (key === null) return permit;
        const now = clock.now();
        const r = admit(key, now);
        if ('id' in r) return sharedPermit(permit, r.id, now);
        await clock.sleep(r.waitMs, signal);
      }
    } catch (err) {
      permit.release();
      throw err;
    }
  }

  function sharedPermit(permit: Permit, id: number | bigint, at: number): Permit {
    return {
      at,
      release() {
        permit.release();
        try {
          q.end.run({ id, now: clock.now() });
        } catch {
          // The database closed first (engine stopped): the slot stops counting with this instance's lease.
        }
      },
    };
  }

  return { ...local, take };
}

/** The 429 pause every instance on this token honours. */
export function createSharedPauses(db: Db, key: () => string | null) {
  const record = db.prepare<{ key: string; until: number }>(
    'INSERT INTO api_pauses(budget_key, until) VALUES (@key, @until) ON CONFLICT(budget_key) DO UPDATE SET until = MAX(api_pauses.until, excluded.until)',
  );
  const read = db.prepare<[string], { until: number }>('SELECT until FROM api_pauses WHERE budget_key = ?');
  return {
    /** This instance saw a 429: everybody pauses until `until`. */
    record(until: number): void {
      const k = key();
      if (k !== null) record.run({ key: k, until });
    },
    /** The end of the pause another instance (or this one) recorded, or null. */
    until(): number | null {
      const k = key();
      return k === null ? null : (read.get(k)?.until ?? null);
    },
  };
}
