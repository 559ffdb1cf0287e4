// `scandesk process` (and `demo`) run their engine in a worker thread, as the desktop app and browser mode do: this
// thread keeps Ctrl+C / SIGTERM and nothing else, so a stop is taken at once even while the engine is busy (a large
// re-check, a folder of thousands of files). A first signal asks the worker to drain — uploads already sent finish
// and are committed, as before — and a second ends it at once. The worker prints progress and the summary itself.
import { Worker } from 'node:worker_threads';
import { printable } from '../shared/printable.ts';
import type { ProcessRun } from './cli.ts';

export type ToCliWorker = { t: 'stop' };
export type FromCliWorker = { t: 'done'; code: number };

/** Exit code of a run ended by a second Ctrl+C (128 + SIGINT, as shells report it). */
const EXIT_INTERRUPTED = 130;
/**
 * How long the worker may take to end on its own once it has reported: its engine has stopped and its database is
 * closed by then, and its last output is on its way. A handle something left open (a timer, a watcher) must not keep
 * the clerk's terminal, or a script's `--once`, waiting for ever.
 */
const EXIT_GRACE_MS = 2_000;

const isDone = (m: unknown): m is FromCliWorker =>
  typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'done' && Number.isInteger((m as { code?: unknown }).code);

/** `script`: the worker's entry (tests give one of their own). */
export function runProcessInWorker(run: ProcessRun, script = new URL('./cli-worker-dev.mjs', import.meta.url)): Promise<number> {
  // The worker's stderr is not a terminal: it is told whether ours is, so the progress line still redraws in place.
  const worker = new Worker(script, { workerData: { ...run, tty: process.stderr.isTTY === true } });
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) worker.postMessage({ t: 'stop' } satisfies ToCliWorker);
    else void worker.terminate();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    let code: number | null = null;
    worker.on('message', (m: unknown) => {
      if (!isDone(m)) return;
      code = m.code;
      setTimeout(() => void worker.terminate(), EXIT_GRACE_MS).unref();
    });
    worker.on('error', (err) => {
      process.stderr.write(`scandesk: ошибка / error: ${printable(err.message)}\n`);
      code ??= 1;
    });
    worker.once('exit', (exit) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code ?? (signals > 1 ? EXIT_INTERRUPTED : exit || 1));
    });
  });
}
