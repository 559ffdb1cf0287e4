// One request budget shared by uploads AND polls. Two rules at once:
// a token bucket (rps, burst) on start times, so we are never burstier than a server-side bucket with the same
// numbers, and a per-second cap of ceil(rps) requests counted the way the SERVER sees them
// ([Note: a request counts until its answer]). `rampUp` slows everything down temporarily after a 429 and then
// doubles the rate step by step back to the configured one (ramp up after a pause, not one jump back
// to full speed).
//
// [Note: a request counts until its answer]
// The server logs a request at an arrival time we cannot observe: somewhere between our start and its answer
// (our event loop, connection setup, the server's own loop — 100–300 ms after the start on a busy machine, measured
// in the fault tests). So for the per-second cap a request counts from its start until 1 s after its answer (or
// failure), and while it is in flight. Then no 1 s window of ARRIVALS can hold more than ceil(rps), whatever the
// delays: if k is the last one started among the requests arriving in [x, x + 1 s), then x > start_k − 1 s, and
// every other one was answered after its arrival ≥ x, or was still in flight — so it was counted when k started.
// The old fixed margin (a 1040 ms window over start times) covered 40 ms of delay and no more. The cost: a request
// in flight holds its place (a 30 s stall holds it 30 s), and one with a slow answer a little longer; with fast
// answers the window is ~1 s and throughput is ~rps. The bucket's burst is kept on start times: the same guarantee
// at sub-second scale would need at most `burst` requests in flight at all.
import type { Clock } from '../clock.ts';

/** How long an answered request still counts ([Note: a request counts until its answer]). */
export const WINDOW_MS = 1000;
/** How long `recentStarts` remembers. */
const HISTORY_MS = 60_000;

/** One request's place in the budget: `at` = when it was granted (its start, as counted); call `release()` once it is
 *  answered or has failed, or was not sent after all (later calls are ignored). */
export type Permit = { at: number; release(): void };

export type RateBudget = {
  /** Resolves when one request may start now; rejects if the signal aborts. Release the permit when the request has
   *  its answer (or failed, or was not sent after all): it counts until then, plus 1 s. */
  take(signal?: AbortSignal): Promise<Permit>;
  setLimits(rps: number, burst: number): void;
  /**
   * From `from` (epoch ms, the end of a pause) run at `startFactor` × rps, doubling every `stepMs` until the full
   * rate is back. A new call (another 429) restarts the ramp.
   */
  rampUp(opts: { from: number; startFactor: number; stepMs: number }): void;
  /** The rate factor in force at `now` (1 = full rate); for progress and tests. */
  factorAt(now: number): number;
  /** Requests started in the last 60 s (for statistics). */
  recentStarts(): number[];
};

type Counted = { end: number | null };

export function createRateBudget(opts: { rps: number; burst: number; clock: Clock }): RateBudget {
  const { clock } = opts;
  let rps = opts.rps;
  let burst = opts.burst;
  let tokens = Math.min(burst, Math.max(1, rps));
  let lastRefill = clock.now();
  let ramp: { from: number; startFactor: number; stepMs: number } | null = null;
  const starts: number[] = []; // ascending start times within the last HISTORY_MS
  const counted = new Set<Counted>(); // in flight, or answered less than WINDOW_MS ago
  let chain: Promise<void> = Promise.resolve();
  let waking: AbortController | null = null;

  function factorAt(now: number): number {
    if (!ramp) return 1;
    const steps = now < ramp.from ? 0 : Math.floor((now - ramp.from) / ramp.stepMs);
    const f = ramp.startFactor * 2 ** steps;
    if (f >= 1) {
      ramp = null;
      return 1;
    }
    return f;
  }
  const effectiveRps = (now: number) => rps * factorAt(now);
  const capacity = (now: number) => Math.max(1, Math.min(burst, Math.ceil(effectiveRps(now))));

  function refill(now: number): void {
    tokens = Math.min(capacity(now), tokens + ((now - lastRefill) / 1000) * effectiveRps(now));
    lastRefill = now;
  }

  /** How long until a request may start (0 = now; Infinity = when a request in flight is answered). */
  function waitMs(now: number): number {
    refill(now);
    const r = effectiveRps(now);
    const tokenWait = tokens >= 1 ? 0 : ((1 - tokens) / r) * 1000;
    const cap = Math.max(1, Math.ceil(r));
    const ends: number[] = [];
    let inFlight = 0;
    for (const c of counted) {
      if (c.end === null) inFlight++;
      else if (c.end + WINDOW_MS > now) ends.push(c.end);
      else counted.delete(c);
    }
    const over = inFlight + ends.length - cap + 1; // how many must stop counting before one more may start
    if (over <= 0) return tokenWait;
    if (over > ends.length) return Infinity;
    ends.sort((a, b) => a - b);
    return Math.max(tokenWait, ends[over - 1]! + WINDOW_MS - now);
  }

  /** Sleeps `ms` (capped), or until a request is released; rejects only when `signal` aborts. */
  async function pause(ms: number, signal?: AbortSignal): Promise<void> {
    const wake = new AbortController();
    waking = wake;
    const onAbort = () => wake.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await clock.sleep(Math.ceil(Math.min(ms, HISTORY_MS)), wake.signal);
    } catch {
      signal?.throwIfAborted(); // otherwise: woken by a release, look again
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (waking === wake) waking = null;
    }
  }

  async function takeOne(signal?: AbortSignal): Promise<Permit> {
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      const w = waitMs(now);
      if (w <= 0) {
        tokens -= 1;
        starts.push(now);
        while (starts.length > 0 && starts[0]! < now - HISTORY_MS) starts.shift();
        const c: Counted = { end: null };
        counted.add(c);
        return {
          at: now,
          release: () => {
            if (c.end !== null) return;
            c.end = clock.now();
            waking?.abort();
          },
        };
      }
      await pause(w, signal);
    }
  }

  return {
    take(signal) {
      // Serialise takers so they are served in arrival order and never race on `tokens`.
      const p = chain.then(() => takeOne(signal));
      chain = p.then(
        () => undefined,
        () => undefined,
      );
      return p;
    },
    setLimits(nextRps, nextBurst) {
      refill(clock.now());
      rps = nextRps;
      burst = nextBurst;
      tokens = Math.min(tokens, capacity(clock.now()));
    },
    rampUp(opts) {
      refill(clock.now());
      ramp = { from: opts.from, startFactor: Math.min(1, Math.max(0.01, opts.startFactor)), stepMs: Math.max(100, opts.stepMs) };
      tokens = Math.min(tokens, capacity(clock.now()));
    },
    factorAt,
    recentStarts: () => starts.slice(),
  };
}
