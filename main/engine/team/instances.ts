// [Note: instances hold leases] Several ScanDesk instances (desktops, `scandesk process` runs) may share one database.
// Each running instance keeps a row in `instances` and renews its heartbeat every 5 s on the engine's clock; a row
// whose heartbeat is older than 30 s belongs to a dead instance, and so does one from this computer whose process is
// gone (a crash here is seen at once, not after the lease). Dead rows are reaped; a case being sent by an instance
// without a row is orphaned, and crash recovery (queue/recovery.ts) applies to exactly those: a send in flight on a
// live instance is never touched, one whose instance died becomes «uncertain» and is never re-sent automatically. Two
// instances never send one case: the move to 'sending' is one conditional UPDATE (state = 'queued'), which only one
// writer can win on SQLite (writers serialise) and on PostgreSQL (the WHERE is re-checked on the locked row). Clocks
// of team PCs must agree (NTP); the 30 s lease is six heartbeats, a wide margin for a busy machine.
import os from 'node:os';
import { every, type Timer } from '../clock.ts';
import type { EngineContext } from '../context.ts';

export const LEASE_MS = 30_000;
export const HEARTBEAT_MS = 5_000;

export type InstanceLease = ReturnType<typeof createInstanceLease>;

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** `onReaped` runs after dead instances were found and removed (their cases are now orphans to recover). */
export function createInstanceLease(ctx: EngineContext, onReaped: () => void) {
  const { db } = ctx;
  const id = ctx.instanceId;
  const host = os.hostname();
  const beatStmt = db.prepare(
    `INSERT INTO instances(id, host, pid, clerk, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
  );
  const others = db.prepare<[string], { id: string; host: string; pid: number; heartbeat_at: number }>(
    'SELECT id, host, pid, heartbeat_at FROM instances WHERE id <> ?',
  );
  const removeStmt = db.prepare('DELETE FROM instances WHERE id = ?');
  let startedAt = 0;
  let timer: Timer | null = null;

  /** Renews this instance's lease and removes the dead ones; true when any was removed. */
  function beatAndReap(): boolean {
    const now = ctx.clock.now();
    return db.transaction(() => {
      beatStmt.run(id, host, process.pid, ctx.actor, startedAt, now);
      const dead = others.all(id).filter((r) => r.heartbeat_at < now - LEASE_MS || (r.host === host && processGone(r.pid)));
      for (const r of dead) removeStmt.run(r.id);
      return dead.length > 0;
    })();
  }

  function tick(): void {
    try {
      if (beatAndReap()) onReaped();
    } catch (err) {
      ctx.log.error('instances: heartbeat failed', { error: String(err) });
    }
  }

  return {
    id,
    /** Registers this instance and reaps the dead (before crash recovery, which then sees their orphans). */
    start(): void {
      startedAt = ctx.clock.now();
      beatAndReap();
      timer = every(ctx.clock, HEARTBEAT_MS, tick);
    },
    /** A clean stop ends the lease at once: nothing of ours is in flight after the queue drained. */
    stop(): void {
      timer?.cancel();
      timer = null;
      removeStmt.run(id);
    },
  };
}
