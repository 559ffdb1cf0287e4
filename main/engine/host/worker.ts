// Worker-thread entry of the engine host (browser mode, CLI, tests). Built as its own bundle entry for releases.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import type { HostInit } from './protocol.ts';
import { serveReader } from './reader.ts';
import { serveEngine, type HostPort } from './serve.ts';

if (!parentPort) throw new Error('engine host: not started as a worker');
const port = parentPort;
const init = workerData as HostInit;
const hostPort: HostPort = { post: (msg) => port.postMessage(msg), onMessage: (fn) => port.on('message', fn), close: () => port.close() };
const log = createLogger({ file: dataPaths(init.dataDir).logs });
const serving = init.role === 'reader' ? Promise.resolve().then(() => serveReader(hostPort, init, log)) : serveEngine(hostPort, init, log);
serving.catch((err: unknown) => {
  // Opening failed (bad key, locked DB): say so, then let the thread end; the caller rejects what is pending.
  port.postMessage({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  port.close();
});
