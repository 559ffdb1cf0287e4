// Where team mode's database is: a PostgreSQL address set in Settings, sealed at rest like the Beorg credentials
// (AES-256-GCM under a key derived from this computer's database key, which itself sits in the OS keystore on the
// desktop or in a 0600 key file; see [Note: credentials never reach the renderer]). The renderer learns the address
// without its password, never the password. A saved address applies from the next start.
import fs from 'node:fs';
import type { TeamServerStatus } from '../../../shared/settings.ts';
import type { EngineContext, EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { writePrivate } from '../db/keys.ts';
import { DatabaseError, isPostgres } from '../db/open.ts';
import { redactUrl } from '../db/pg/database.ts';
import { isServerUrl, openPgDatabase } from '../db/pg/open-pg.ts';
import { dataPaths } from '../paths.ts';
import { createAesGcmCipher, type SecretCipher } from '../secret-file.ts';

export type ServerAddressStore = { get(): string | null; set(url: string): void; clear(): void };

const PURPOSE = 'scandesk-team-server-v1';

export function createServerAddressStore(file: string, cipher: SecretCipher): ServerAddressStore {
  const read = (): string | null => {
    if (!fs.existsSync(file)) return null;
    try {
      const v = (JSON.parse(cipher.decrypt(fs.readFileSync(file)).toString('utf8')) as { url?: unknown }).url;
      return typeof v === 'string' ? v : null;
    } catch {
      return null; // unreadable (another key, a damaged file): as if none were saved; never anything plain
    }
  };
  return {
    get: read,
    set: (url) => writePrivate(file, cipher.encrypt(Buffer.from(JSON.stringify({ url })))),
    clear: () => fs.rmSync(file, { force: true }),
  };
}

/** The store of a data folder, sealed with its database key (null key: a plain test setup keeps it in memory). */
export function serverAddressStoreOf(dataDir: string, dbKey: string | null): ServerAddressStore {
  if (!dbKey) {
    let url: string | null = null;
    return { get: () => url, set: (u) => void (url = u), clear: () => void (url = null) };
  }
  return createServerAddressStore(dataPaths(dataDir).teamServer, createAesGcmCipher(dbKey, PURPOSE));
}

export function teamServerStatus(store: ServerAddressStore, active: string | null): TeamServerStatus {
  const saved = store.get();
  return { configured: saved !== null, address: saved ? redactUrl(saved) : null, active: active ? redactUrl(active) : null };
}

/** Settings' team-server requests: an address is saved only once a connection to it worked (and its schema is ready). */
export function createTeamServerModule(ctx: EngineContext, store: ServerAddressStore): EngineModule {
  const active = () => (isPostgres(ctx.db) ? ctx.db.name : null);
  return {
    name: 'team-server',
    handlers: {
      'settings:team-server-status': () => teamServerStatus(store, active()),
      'settings:set-team-server': ({ url }) => {
        if (!isServerUrl(url) || !URL.canParse(url)) {
          throw new UserError(
            'bad-address',
            'Адрес сервера: postgres://пользователь:пароль@сервер:5432/база',
            'Server address: postgres://user:password@host:5432/database',
          );
        }
        try {
          openPgDatabase(url).close();
        } catch (err) {
          const ru = err instanceof DatabaseError ? err.message : `Сервер ${redactUrl(url)} не принял подключение`;
          throw new UserError('team-server-unreachable', ru, `Could not use ${redactUrl(url)}: ${String(err instanceof Error ? err.message : err)}`);
        }
        store.set(url);
        ctx.log.info('team server saved (applies at next start)', { address: redactUrl(url) });
        return teamServerStatus(store, active());
      },
      'settings:clear-team-server': () => {
        store.clear();
        ctx.log.info('team server cleared (applies at next start)');
        return teamServerStatus(store, active());
      },
    },
  };
}
