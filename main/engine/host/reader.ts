// The reader host: the grid's read queries on their own read-only connection, in their own thread, so a full
// recompute or a large ingest in the engine thread never delays a page of the grid.
// [Note: grid reads have their own connection] SQLite in WAL mode lets this connection read the last committed
// state while the engine's connection writes. A full recompute commits a chunk of cases at a time, so a page may
// show some cases under new thresholds and some under old, each case whole ([Note: findings are derived data]).
import type { Channel, Handlers } from '../../../shared/api.ts';
import { realClock } from '../clock.ts';
import { resolveDbKey } from '../db/keys.ts';
import { openDatabase, type Db } from '../db/open.ts';
import { serverAddressStoreOf } from '../team/server-address.ts';
import { dispatch } from '../dispatch.ts';
import type { Logger } from '../log.ts';
import { dataPaths } from '../paths.ts';
import { createReviewReader } from '../review/read.ts';
import { createSettingsStore, type SettingsStore } from '../settings-store.ts';
import { parseToHost, badMessage, type HostInit } from './protocol.ts';
import type { HostPort } from './serve.ts';

/** Channels the reader answers; everything else goes to the engine host. */
export const READ_CHANNELS: readonly Channel[] = ['documents:list', 'documents:counts', 'documents:facets'];

/** Settings as the engine last committed them: re-read only when another connection has committed since. */
function liveSettings(db: Db): Pick<SettingsStore, 'get'> {
  let version = -1;
  let store: SettingsStore | null = null;
  return {
    get() {
      const now = db.pragma('data_version', { simple: true }) as number;
      if (!store || now !== version) {
        version = now;
        store = createSettingsStore(db);
      }
      return store.get();
    },
  };
}

function delegatedKey(init: HostInit): string {
  if (!init.delegated) throw new Error('engine host: delegated security without its key');
  return init.delegated.dbKey;
}

/** How far behind a busy writer the quick-filter and picker counts may be ([Note: counts may lag a busy writer]). */
export const COUNTS_MAX_LAG_MS = 500;

/**
 * [Note: counts may lag a busy writer] The counts behind the quick filters and pickers scan the whole table (~55 ms
 * at 100k documents). While the engine commits an ingest batch every few milliseconds, recounting for every grid page
 * kept the reader busy and pages queued behind it (p95 341 ms during a 5,000-file ingest). A count is reused while
 * nothing was committed since, and also for COUNTS_MAX_LAG_MS after it was taken even if something was: a badge may
 * be half a second behind the rows, never the rows themselves (the page and its total are always read fresh).
 */
export function lagTolerantCache<A, R>(db: Db, now: () => number, compute: (args: A) => R): (args: A) => R {
  const cache = new Map<string, { version: number; at: number; value: R }>();
  return (args) => {
    const key = JSON.stringify(args) ?? '';
    const version = db.pragma('data_version', { simple: true }) as number;
    const hit = cache.get(key);
    const t = now();
    if (hit && (hit.version === version || t - hit.at < COUNTS_MAX_LAG_MS)) return hit.value;
    if (cache.size >= 32) cache.clear(); // a handful of filters are in use at once; keep it bounded
    const value = compute(args);
    cache.set(key, { version, at: t, value });
    return value;
  };
}

export function serveReader(port: HostPort, init: HostInit, log: Logger): void {
  // The key is resolved inside this thread (the engine host has already created it); it never crosses a port.
  const key = init.security === 'plain' ? null : init.security === 'delegated' ? delegatedKey(init) : resolveDbKey(init.dataDir).key;
  const location = init.dbUrl ?? serverAddressStoreOf(init.dataDir, key).get() ?? dataPaths(init.dataDir).db;
  const db = openDatabase(location, { key, readonly: true });
  const reader = createReviewReader({ db, clock: realClock, settings: liveSettings(db) });
  const now = () => realClock.now();
  const counts = lagTolerantCache(db, now, (filter: Parameters<typeof reader.counts>[0]) => reader.counts(filter));
  const facets = lagTolerantCache(db, now, (filter: Parameters<typeof reader.facets>[0]) => reader.facets(filter));
  const handlers = {
    'documents:list': (q) => reader.list(q),
    'documents:counts': ({ filter }) => counts(filter),
    'documents:facets': ({ filter }) => facets(filter),
  } satisfies Partial<Handlers>;
  port.onMessage((raw) => {
    const msg = parseToHost(raw);
    if (msg?.t === 'call' && (READ_CHANNELS as readonly string[]).includes(msg.channel)) {
      // The reader's handlers are a subset of the contract; dispatch validates the args the same way.
      void dispatch(handlers as Handlers, msg.channel, msg.args, log).then((envelope) => port.post({ t: 'reply', id: msg.id, envelope }));
    } else if (msg?.t === 'stop') {
      db.close();
      port.post({ t: 'reply', id: msg.id, envelope: { ok: true, value: null } });
      port.close();
    } else {
      log.warn('reader host: message dropped');
      const id = msg && 'id' in msg ? msg.id : null;
      if (id !== null) port.post({ t: 'reply', id, envelope: badMessage() });
    }
  });
  port.post({ t: 'ready' });
}
