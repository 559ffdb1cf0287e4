// The worker side of `scandesk process` (main/cli-host.ts): runs the batch with its engine in this thread, ends
// watching when the main thread forwards a stop, and reports the exit code.
import { parentPort, workerData } from 'node:worker_threads';
import { reportError, runProcess, type ProcessRun } from './cli.ts';
import type { FromCliWorker } from './cli-host.ts';

if (!parentPort) throw new Error('cli worker: not started as a worker');
const port = parentPort;
const stopRequested = new Promise<void>((resolve) => {
  port.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'stop') resolve();
  });
});
const done = (code: number) => {
  port.postMessage({ t: 'done', code } satisfies FromCliWorker);
  port.close(); // nothing more to hear: the thread ends once the engine has stopped
};
runProcess(workerData as ProcessRun, stopRequested).then(done, (err: unknown) => done(reportError(err)));
