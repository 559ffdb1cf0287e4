// Injected time: tests control it; production uses the real one.
/** A scheduled callback; `cancel()` is idempotent and harmless after it ran. */
export type Timer = { cancel(): void };

export type Clock = {
  now(): number;
  /** Resolves after ms, or rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` after ms (setTimeout-like). Optional so older clocks still fit: `setTimer` derives it from `sleep`. */
  timer?(ms: number, fn: () => void): Timer;
};

const abortError = (signal?: AbortSignal): unknown => signal?.reason ?? new DOMException('Aborted', 'AbortError');

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(t);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  timer: (ms, fn) => {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/** `fn` after `ms` on `clock`: its own timer when it has one, else a cancellable sleep. */
export function setTimer(clock: Clock, ms: number, fn: () => void): Timer {
  if (clock.timer) return clock.timer(ms, fn);
  const ac = new AbortController();
  clock.sleep(ms, ac.signal).then(fn, () => undefined);
  return { cancel: () => ac.abort() };
}

/** `fn` every `ms` on the injected clock until cancelled (a timer re-armed after each run, so runs never overlap). */
export function every(clock: Clock, ms: number, fn: () => void): Timer {
  let current: Timer | null = null;
  let cancelled = false;
  const arm = () => {
    current = setTimer(clock, ms, () => {
      if (cancelled) return;
      try {
        fn();
      } finally {
        if (!cancelled) arm();
      }
    });
  };
  arm();
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}
