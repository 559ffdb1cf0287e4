// The reader host: the grid's read queries on their own read-only connection, in their own thread, so a full
// recompute or a large ingest in the engine thread never delays a page of the grid.
// [Note: grid reads have their own connection] SQLite in WAL mode lets this connection read the last committed
// state while the engine's connection writes. A full recompute commits a chunk of cases at a time, so a page may
// show some cases under new thresholds and some under old, each case whole ([Note: findings are derived data]).
import type { Channel, Handlers } from '../../../shared/api.ts';
import { realClock } from '../clock.ts';
import { resolveDbKey } from '../db/keys.ts';
import { openDatabase, type Db } from '../db/open.ts';
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

export function serveReader(port: HostPort, init: HostInit, log: Logger): void {
  // The key is resolved inside this thread (the engine host has already created it); it never crosses a port.
  const key = init.security === 'plain' ? null : init.security === 'delegated' ? delegatedKey(init) : resolveDbKey(init.dataDir).key;
  const db = openDatabase(dataPaths(init.dataDir).db, { key, readonly: true });
  const reader = createReviewReader({ db, clock: realClock, settings: liveSettings(db) });
  const handlers = {
    'documents:list': (q) => reader.list(q),
    'documents:counts': ({ filter }) => reader.counts(filter),
    'documents:facets': ({ filter }) => reader.facets(filter),
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
