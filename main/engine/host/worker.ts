// Worker-thread entry of the engine host (browser mode, CLI, tests). Built as its own bundle entry for releases.
import { parentPort, workerData } from 'node:worker_threads';
import { serveEngine } from './serve.ts';
import type { HostInit } from './protocol.ts';

if (!parentPort) throw new Error('engine host: not started as a worker');
const port = parentPort;
serveEngine(
  { post: (msg) => port.postMessage(msg), onMessage: (fn) => port.on('message', fn), close: () => port.close() },
  workerData as HostInit,
).catch((err: unknown) => {
  // Opening failed (bad key, locked DB): say so, then let the thread end; the caller rejects what is pending.
  port.postMessage({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  port.close();
});
