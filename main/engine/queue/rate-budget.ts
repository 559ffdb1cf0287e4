// One request budget shared by uploads AND polls (STYLE.md "Background work"). Two rules at once:
// a token bucket (rps, burst) so we are never burstier than a server-side bucket with the same numbers, and a
// sliding 1-second window of at most ceil(rps) starts so that no 1-second window exceeds the budget.
// `rampUp` slows everything down temporarily after a 429 and then doubles the rate step by step back to the
// configured one (pitfall 10: "ramp up after a pause", not one jump back to full speed). The window is measured with a safety margin
// (WINDOW_MS > 1 s) because a request reaches the server a little later than we count it (event loop, sockets).
const WINDOW_MS = 1040;
import type { Clock } from '../clock.ts';

export type RateBudget = {
  /** Resolves when one request may start now; rejects if the signal aborts. */
  take(signal?: AbortSignal): Promise<void>;
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

export function createRateBudget(opts: { rps: number; burst: number; clock: Clock }): RateBudget {
  const { clock } = opts;
  let rps = opts.rps;
  let burst = opts.burst;
  let tokens = Math.min(burst, Math.max(1, rps));
  let lastRefill = clock.now();
  let ramp: { from: number; startFactor: number; stepMs: number } | null = null;
  const starts: number[] = []; // ascending start times within the last 60 s
  let chain: Promise<void> = Promise.resolve();

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

  /** How long until a request may start (0 = now). */
  function waitMs(now: number): number {
    refill(now);
    const r = effectiveRps(now);
    const tokenWait = tokens >= 1 ? 0 : ((1 - tokens) / r) * 1000;
    const windowCap = Math.max(1, Math.ceil(r));
    let windowWait = 0;
    const inWindow = starts.filter((t) => t > now - WINDOW_MS);
    if (inWindow.length >= windowCap) windowWait = inWindow[inWindow.length - windowCap]! + WINDOW_MS - now + 1;
    return Math.max(tokenWait, windowWait);
  }

  async function takeOne(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      const w = waitMs(now);
      if (w <= 0) {
        tokens -= 1;
        starts.push(now);
        while (starts.length > 0 && starts[0]! < now - 60_000) starts.shift();
        return;
      }
      await clock.sleep(Math.ceil(w), signal);
    }
  }

  return {
    take(signal) {
      // Serialise takers so they are served in arrival order and never race on `tokens`.
      const p = chain.then(() => takeOne(signal));
      chain = p.catch(() => {});
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
