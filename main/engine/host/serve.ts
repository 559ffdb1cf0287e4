// The host side: owns one engine and answers the caller's messages over a port. Used by the worker-thread
// entry (worker.ts); the port is an interface so an Electron utility process can serve the same protocol.
import fs from 'node:fs';
import { createEngine, type Engine } from '../app.ts';
import { serverAddressStoreOf } from '../team/server-address.ts';
import { resolveImage } from '../images.ts';
import { createLogger, type Logger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import { prepareSecurity } from '../secret-file.ts';
import { createMemorySecretStore, type Credentials, type SecretStore } from '../secrets.ts';
import { badMessage, parseToHost, type DelegatedSecurity, type FromHost, type HostInit, type ToHost } from './protocol.ts';

export type HostPort = { post(msg: FromHost): void; onMessage(fn: (raw: unknown) => void): void; close(): void };

async function openEngine(init: HostInit, log: Logger, port: HostPort): Promise<Engine> {
  const base = { dataDir: init.dataDir, mode: init.mode, log, autoStart: init.autoStart ?? true };
  // The database: a server given at start, else one saved in Settings, else the data folder's file.
  const store = (dbKey: string | null) => {
    const teamServer = serverAddressStoreOf(init.dataDir, dbKey);
    const dbFile = init.dbUrl ?? teamServer.get() ?? undefined;
    return { teamServer, ...(dbFile ? { dbFile } : {}) };
  };
  if (init.security === 'plain') return createEngine({ ...base, ...store(null), dbKey: null });
  if (init.security === 'delegated') {
    const given = init.delegated;
    if (!given) throw new Error('engine host: delegated security without its key');
    // See [Note: the desktop host is given its secrets].
    const secrets = delegatedSecretStore(given, (credentials) => port.post({ t: 'secrets', credentials }));
    const reveal = (absPath: string) => {
      if (!fs.existsSync(absPath)) return false;
      port.post({ t: 'reveal', path: absPath });
      return true;
    };
    return createEngine({ ...base, ...store(given.dbKey), dbKey: given.dbKey, dbKeySource: given.dbKeySource, secrets, reveal });
  }
  // The key is resolved here, inside the host: it never travels over the port and is never logged.
  const { dbKey, keySource, secrets } = prepareSecurity(init.dataDir);
  return createEngine({ ...base, ...store(dbKey), dbKey, dbKeySource: keySource, secrets });
}

/** Credentials held in this thread, every change sent to the main process to be sealed in the OS keystore. */
function delegatedSecretStore(given: DelegatedSecurity, save: (c: Credentials | null) => void): SecretStore {
  const memory = createMemorySecretStore(given.credentials, given.credentialsStorage);
  // Without a usable keystore the main process keeps them for this session only, and says so (its warning).
  const warning = given.credentialsWarning;
  return {
    get: memory.get,
    set(c) {
      memory.set(c);
      save(c);
    },
    clear() {
      memory.clear();
      save(null);
    },
    status: () => ({ ...memory.status(), warning }),
  };
}

export async function serveEngine(port: HostPort, init: HostInit, log = createLogger({ file: dataPaths(init.dataDir).logs })): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const queued: unknown[] = [];
  let engine: Engine | null = null;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const handle = (msg: ToHost, e: Engine) => {
    switch (msg.t) {
      case 'call':
        if (stopping) return port.post({ t: 'reply', id: msg.id, envelope: { ok: false, error: { code: 'stopping', message: 'Engine is stopping', messageRu: 'Движок останавливается' } } });
        return track(e.call(msg.channel, msg.args).then((envelope) => port.post({ t: 'reply', id: msg.id, envelope })));
      case 'image':
        return track(
          resolveImage(e.ctx, msg.documentId, msg.page).then(
            (value) => port.post({ t: 'reply', id: msg.id, envelope: { ok: true, value } }),
            (err: unknown) => {
              log.warn('host image failed', { err });
              port.post({ t: 'reply', id: msg.id, envelope: { ok: true, value: { error: 'not-found' } } });
            },
          ),
        );
      case 'stop':
        stopping = true;
        // Drain: every request already accepted gets its answer before the engine closes.
        return void Promise.allSettled([...inFlight])
          .then(() => e.stop())
          .then(() => port.post({ t: 'reply', id: msg.id, envelope: { ok: true, value: null } }))
          .finally(() => port.close());
      case 'test:crash':
        if (!init.testHooks || init.mode !== 'test') return;
        throw new Error('test crash requested');
      case 'test:hold':
        if (!init.testHooks || init.mode !== 'test') return;
        Atomics.wait(new Int32Array(msg.buffer), 0, 0);
        return;
    }
  };
  const receive = (raw: unknown) => {
    if (!engine) return void queued.push(raw);
    const msg = parseToHost(raw);
    if (!msg) {
      log.warn('host: malformed message dropped');
      const rawId = (raw as { id?: unknown } | null)?.id;
      if (typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0) port.post({ t: 'reply', id: rawId, envelope: badMessage() });
      return;
    }
    handle(msg, engine);
  };
  port.onMessage(receive);

  engine = await openEngine(init, log, port);
  engine.ctx.events.subscribe((name, payload) => port.post({ t: 'event', name, payload }));
  port.post({ t: 'ready' });
  for (const raw of queued.splice(0)) receive(raw);
}
