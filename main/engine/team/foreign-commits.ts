// [Note: other instances' changes reach the grid] When another instance (a colleague's desktop, a `scandesk process`
// run) commits to the shared database, this engine hears nothing of it through its own events. SQLite's
// `PRAGMA data_version` on our connection changes exactly when ANOTHER connection has committed since we last asked
// (our own commits never change it), so looking once a second tells whether the grid may be stale; if so one
// 'documents:changed' for everything goes out and every open grid re-reads its page, and the settings are re-read
// (a rate or a daily cap a colleague changed applies here too). Cheap when idle (one pragma),
// at most one refresh a second when busy. On PostgreSQL the same role falls to LISTEN/NOTIFY.
import { every, type Timer } from '../clock.ts';
import type { EngineContext, EngineModule } from '../context.ts';

export const FOREIGN_CHECK_MS = 1_000;

export function createForeignCommitsModule(ctx: EngineContext): EngineModule {
  const { db, clock, log } = ctx;
  let timer: Timer | null = null;
  let seen = -1;

  const version = () => db.pragma('data_version', { simple: true }) as number;
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
    start() {
      seen = version();
      timer = every(clock, FOREIGN_CHECK_MS, look);
    },
    stop() {
      timer?.cancel();
      timer = null;
    },
  };
}
