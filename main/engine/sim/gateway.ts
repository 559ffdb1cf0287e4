// What a real API gateway does before the application sees a request: a token bucket per token over every API
// endpoint (429 with Retry-After), a cap on concurrent uploads per token, and seeded fault injection.
import type { Rng } from '../samples/random.ts';
import type { FaultRates, SimConfig } from './config.ts';
import type { Reply } from './types.ts';

export const FAULT_LABEL: Record<keyof FaultRates, string> = {
  http500: 'http500', http502: 'http502', http503: 'http503', reset: 'reset', stall: 'stall', lostResponse: 'lost-response',
};

export function pickFault(rates: FaultRates, rng: Rng, kind: 'upload' | 'poll'): keyof FaultRates | null {
  const r = rng.next();
  let acc = 0;
  for (const f of ['http500', 'http502', 'http503', 'reset', 'stall', 'lostResponse'] as const) {
    if (f === 'lostResponse' && kind !== 'upload') continue;
    acc += rates[f];
    if (r < acc) return f;
  }
  return null;
}

export function createGateway(cfg: () => SimConfig) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const uploadsByToken = new Map<string, number>();

  /** Token bucket over all API endpoints of one token. Returns seconds to wait, or 0 when allowed. */
  function takeToken(token: string, now: number): number {
    const rl = cfg().rateLimit;
    if (!rl) return 0;
    const b = buckets.get(token) ?? { tokens: rl.burst, at: now };
    b.tokens = Math.min(rl.burst, b.tokens + ((now - b.at) / 1000) * rl.perSecond);
    b.at = now;
    buckets.set(token, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rl.perSecond));
  }

  const tooMany = (seconds: number, message: string): Reply => ({
    status: 429,
    body: { errors: { type: 'TooManyRequests', message } },
    headers: cfg().retryAfterHeader ? { 'Retry-After': String(seconds) } : {},
  });

  return {
    /** A 429 for this request, or null when the bucket lets it through. */
    rateLimited(token: string | null, now: number): Reply | null {
      const wait = takeToken(token ?? '(none)', now);
      return wait > 0 ? tooMany(wait, 'Rate limit exceeded') : null;
    },
    /** Counts an upload in flight for its token (release with `uploadDone`); a 429 when over the cap. */
    uploadStarted(token: string): Reply | null {
      const n = (uploadsByToken.get(token) ?? 0) + 1;
      uploadsByToken.set(token, n);
      const cap = cfg().maxInFlightUploads;
      return cap !== null && n > cap ? tooMany(1, 'Too many concurrent uploads') : null;
    },
    uploadDone(token: string): void {
      uploadsByToken.set(token, (uploadsByToken.get(token) ?? 1) - 1);
    },
    configChanged(): void {
      if (!cfg().rateLimit) buckets.clear();
    },
    reset(): void {
      buckets.clear();
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
