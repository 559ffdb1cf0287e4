// The caller side of the engine host: starts the worker thread, sends requests, resolves them from replies,
// forwards push events, and rejects everything pending when the host dies (no request hangs silently).
import { Worker } from 'node:worker_threads';
import type { ArgsOf, Channel, Envelope, ResultOf } from '../../../shared/api.ts';
import type { Listener } from '../events.ts';
import type { ImageResult } from '../images.ts';
import { requestVia } from '../dispatch.ts';
import type { Logger } from '../log.ts';
import type { Credentials } from '../secrets.ts';
import { HOST_DOWN_EN, HOST_DOWN_RU, HOST_STOPPING_RU, parseFromHost, type FromHost, type HostInit, type ToHost } from './protocol.ts';

export type EngineHost = {
  call(channel: string, args: unknown): Promise<Envelope<unknown>>;
  request<C extends Channel>(channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>>;
  resolveImage(documentId: number, page: number): Promise<ImageResult>;
  subscribe(listener: Listener): () => void;
  /** Resolves with the crash message when the host dies unexpectedly. */
  readonly crashed: Promise<string>;
  log: Logger;
  /** Stops taking requests, lets the accepted ones finish, stops the engine and ends the worker. */
  stop(): Promise<void>;
  /** Tests only: send a raw (possibly malformed) message. */
  postRaw(msg: unknown): void;
};

/** In dev and tests the sources run through tsx; a release runs the bundled worker next to its own bundle. */
function workerEntry(): { url: URL; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts')) return { url: new URL('./worker-dev.mjs', import.meta.url), execArgv: [] };
  return { url: new URL('./host-worker.cjs', import.meta.url), execArgv: [] };
}

export class HostDownError extends Error {
  readonly messageRu = HOST_DOWN_RU;
  constructor(readonly detail: string) {
    super(`${HOST_DOWN_EN} (${detail})`);
  }
}

/** What the Electron main process does for a host it gave its secrets ([Note: the desktop host is given its secrets]). */
export type HostDelegate = {
  /** Seal the credentials the clerk set (null: cleared) in the OS keystore. */
  saveCredentials(credentials: Credentials | null): void;
  /** Show this file or folder in the system file manager. */
  reveal(absPath: string): void;
};

export async function startEngineHost(init: HostInit, log: Logger, delegate?: HostDelegate): Promise<EngineHost> {
  const entry = workerEntry();
  const worker = new Worker(entry.url, { workerData: init, execArgv: entry.execArgv });
  const pending = new Map<number, { resolve: (e: Envelope<unknown>) => void; reject: (err: Error) => void }>();
  const listeners = new Set<Listener>();
  let nextId = 1;
  let down: HostDownError | null = null;
  let stopping = false;
  let onReady: { resolve: () => void; reject: (err: Error) => void } = { resolve: () => undefined, reject: () => undefined };
  const ready = new Promise<void>((resolve, reject) => (onReady = { resolve, reject }));
  let reportCrash: (m: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (reportCrash = resolve));

  const fail = (detail: string) => {
    if (down) return;
    down = new HostDownError(detail);
    if (!stopping) log.error('engine host down', { detail });
    for (const p of pending.values()) p.reject(down);
    pending.clear();
    onReady.reject(down);
    if (!stopping) {
      // The clerk sees it in the UI like any other engine notice (the event stream stays up in the bridge).
      for (const l of listeners) l('notify', { level: 'error', messageRu: HOST_DOWN_RU, messageEn: HOST_DOWN_EN });
      reportCrash(detail);
    }
  };
  worker.on('message', (raw: unknown) => {
    const msg = parseFromHost(raw);
    if (!msg) return log.warn('engine host: malformed message dropped');
    if (msg.t === 'ready') onReady.resolve();
    else if (msg.t === 'fatal') fail(msg.message);
    else if (msg.t === 'event') for (const l of listeners) l(msg.name, msg.payload);
    else if (msg.t === 'secrets' || msg.t === 'reveal') applyDelegated(msg);
    else {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      p?.resolve(msg.envelope);
    }
  });
  const applyDelegated = (msg: Extract<FromHost, { t: 'secrets' | 'reveal' }>) => {
    if (!delegate) return log.warn('engine host: a delegated request without a delegate, dropped', { t: msg.t });
    try {
      if (msg.t === 'secrets') delegate.saveCredentials(msg.credentials);
      else delegate.reveal(msg.path);
    } catch (err) {
      log.error('engine host: delegated request failed', { t: msg.t, error: err instanceof Error ? err.message : 'unknown' });
    }
  };
  worker.on('error', (err) => fail(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('exit', (code) => fail(`exit code ${code}`));

  const send = (make: (id: number) => ToHost): Promise<Envelope<unknown>> => {
    if (down) return Promise.reject(down);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage(make(id));
    });
  };
  const stopped: Envelope<never> = { ok: false, error: { code: 'stopping', message: 'Engine is stopping', messageRu: HOST_STOPPING_RU } };
  const call = (channel: string, args: unknown) => (stopping ? Promise.resolve(stopped) : send((id) => ({ t: 'call', id, channel, args })));

  await ready;
  return {
    call,
    request: requestVia(call),
    async resolveImage(documentId, page) {
      const res = await send((id) => ({ t: 'image', id, documentId, page }));
      return res.ok ? (res.value as ImageResult) : { error: 'not-found' };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    crashed,
    log,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (!down) await send((id) => ({ t: 'stop', id })).catch(() => undefined);
      await exited;
    },
    postRaw: (msg) => worker.postMessage(msg),
  };
}
