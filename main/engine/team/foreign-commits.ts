// [Note: other instances' changes reach the grid] When another instance (a colleague's desktop, a `scandesk process`
// run) commits to the shared database, this engine hears nothing of it through its own events. SQLite's
// `PRAGMA data_version` on our connection changes exactly when ANOTHER connection has committed since we last asked
// (our own commits never change it), so looking once a second tells whether the grid may be stale; if so one
// 'documents:changed' for everything goes out and every open grid re-reads its page, and the settings are re-read
// (a rate or a daily cap a colleague changed applies here too). Cheap when idle (one pragma),
// at most one refresh a second when busy. On PostgreSQL the same role falls to LISTEN/NOTIFY.
import { every, type Timer } from '../clock.ts';
import { isPostgres } from '../db/open.ts';
import type { PgDatabase } from '../db/pg/database.ts';
import { CHANGES_CHANNEL } from '../db/pg/open-pg.ts';
import type { EngineContext, EngineModule } from '../context.ts';

export const FOREIGN_CHECK_MS = 1_000;

export function createForeignCommitsModule(ctx: EngineContext): EngineModule {
  const { db, clock, log } = ctx;
  let timer: Timer | null = null;
  let seen = -1;

  // On PostgreSQL the count of other connections' commits heard through LISTEN/NOTIFY stands in for data_version.
  let heard: ReturnType<PgDatabase['listenForChanges']> | null = null;
  const version = () => (heard ? heard.count() : (db.pragma('data_version', { simple: true }) as number));
  function look(): void {
    try {
      const v = version();
      if (v !== seen) {
        seen = v;
        ctx.settings.reload();
        ctx.events.documentsChanged('all');
      }
    } catch (err) {
      log.warn('team: data_version check failed', { error: String(err) });
    }
  }

  return {
    name: 'foreign-commits',
    handlers: {},
    async start() {
      if (isPostgres(db)) {
        heard = db.listenForChanges(CHANGES_CHANNEL, (err) => log.warn('team: change listener lost', { error: String(err) }));
        // Listening before the engine works, so no colleague's commit falls between start and LISTEN; a server that
        // does not answer in 5 s does not hold the start up (the listener keeps trying).
        await Promise.race([heard.ready, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      }
      seen = version();
      timer = every(clock, FOREIGN_CHECK_MS, look);
    },
    stop() {
      timer?.cancel();
      timer = null;
      heard?.close();
      heard = null;
    },
  };
}
