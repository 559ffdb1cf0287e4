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

const isDone = (m: unknown): m is FromCliWorker =>
  typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'done' && Number.isInteger((m as { code?: unknown }).code);

export function runProcessInWorker(run: ProcessRun): Promise<number> {
  // The worker's stderr is not a terminal: it is told whether ours is, so the progress line still redraws in place.
  const worker = new Worker(new URL('./cli-worker-dev.mjs', import.meta.url), { workerData: { ...run, tty: process.stderr.isTTY === true } });
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
      if (isDone(m)) code = m.code;
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
