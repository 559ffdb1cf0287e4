// Waiting in tests for something the engine reaches on its own (a watcher event, a settled file, a queue state).
// The deadline only ends a hung test with a clear message; it asserts nothing about speed, so it is generous for a
// busy 2-core machine running two test files at once.
export const WAIT_DEADLINE_MS = 60_000;

/** Polls `fn` until it holds; returns the wall-clock time it was first seen true. */
export async function waitFor(what: string, fn: () => boolean | Promise<boolean>, ms = WAIT_DEADLINE_MS): Promise<number> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now();
}
