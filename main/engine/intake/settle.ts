// Noticing files and waiting until they are written to the end: every watcher event and rescan hit lands in
// noteFile; a file is "settled" when size AND mtime are stable for the folder's settle window and it opens; settled
// files then wait for a decode slot (decide.ts does the heavy part).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Folder } from '../../../shared/settings.ts';
import { setTimer, type Timer } from '../clock.ts';
import { createDecodeQueue } from './decode-queue.ts';
import { inspectEntry, OPEN_READ, type Skip } from './fs-guard.ts';
import { errCode, type Hub } from './hub.ts';
import { ignoreReason, placeFile } from './rules.ts';

/** A file being settled: size/mtime observed last, and its timer. docId null = a known path changed (hash decides). */
export type Pending = {
  folderId: number;
  abs: string;
  docId: number | null;
  prevId: number | null;
  size: number;
  mtimeMs: number;
  since: number;
  timer: Timer | null;
  /** settling: waiting for its settle timer; ready: settled, in the decode queue; processing: in a decode slot. */
  stage: 'settling' | 'ready' | 'processing';
  dirty: boolean;
  attempts: number;
};

export const WRITING = 'Файл ещё записывается…';
export const VANISHED = 'Файл удалён или переименован до окончания записи';
const isWindows = process.platform === 'win32';

export type SettlePart = {
  pending: Map<string, Pending>;
  /** Entry point for every watcher event and every rescan hit. Idempotent: a known, unchanged file is a no-op. */
  noteFile(folder: Folder, abs: string): Promise<void>;
  insertSeen(folder: Folder, abs: string, rel: string, size: number, mtimeMs: number): number;
  /** A skipped entry (link out of the folder, FIFO…): one «Пропущен» row with its reason. */
  recordSkipped(folder: Folder, abs: string, rel: string, skip: Skip): void;
  schedule(abs: string, ms: number): void;
  vanish(p: Pending): void;
  /** Forgets the files of a removed folder. */
  dropFolder(folderId: number): void;
  reset(): void;
};

/** The rows intake creates for what it notices. */
function createRowWriters(hub: Hub) {
  const { ctx, q } = hub;
  const { db, clock } = ctx;
  function recordSkipped(folder: Folder, abs: string, rel: string, skip: Skip) {
    const latest = q.latestByPath.get(abs);
    if (latest?.status === 'ignored' && latest.status_code === skip.code) return;
    const now = clock.now();
    const name = path.basename(abs);
    const id = Number(q.insertDoc.run(folder.id, null, abs, rel, name, abs, null, null, folder.defaultType, 'ignored', skip.reason, skip.code, name.toLowerCase(), now, now).lastInsertRowid);
    hub.changed(id);
  }

  function insertSeen(folder: Folder, abs: string, rel: string, size: number, mtimeMs: number): number {
    const place = placeFile(rel, folder.defaultType);
    const now = clock.now();
    const name = path.basename(abs);
    const id = db.transaction(() => {
      const caseId = hub.cases.assignCase(folder, place.groupKey, place.label, place.type);
      return Number(q.insertDoc.run(folder.id, caseId, abs, rel, name, abs, size, mtimeMs, place.type, 'seen', null, null, name.toLowerCase(), now, now).lastInsertRowid);
    })();
    hub.changed(id);
    return id;
  }


  return { recordSkipped, insertSeen };
}

/** Does it open? Windows: a writer's lock means "still writing". Never blocks (FIFO swapped in: O_NONBLOCK). */
async function opens(hub: Hub, p: Pending, folder: Folder, on: { vanish(p: Pending): void; schedule(abs: string, ms: number): void }): Promise<boolean> {
  try {
    const fh = await fs.open(p.abs, OPEN_READ);
    await fh.close();
  } catch (err) {
    const code = errCode(err);
    if (code === 'ENOENT') {
      on.vanish(p);
      return false;
    }
    if (isWindows && (code === 'EBUSY' || code === 'EPERM')) {
      // Windows: the writer still holds the file locked — keep waiting, visibly.
      if (p.docId !== null) hub.setStatus(p.docId, 'waiting', `${WRITING} (файл занят другой программой)`, 'intake.locked');
      on.schedule(p.abs, folder.options.settleMs);
      return false;
    }
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
  }
  return true;
}

export function createSettle(hub: Hub): SettlePart {
  const { ctx, q } = hub;
  const { clock, log } = ctx;
  const pending = new Map<string, Pending>();
  const decodeQueue = createDecodeQueue(hub, { pending, schedule: (abs, ms) => schedule(abs, ms), noteFile: (f, abs) => noteFile(f, abs) });

  const { recordSkipped, insertSeen } = createRowWriters(hub);

  async function noteFile(folder: Folder, abs: string): Promise<void> {
    if (!hub.isRunning()) return;
    const rel = path.relative(folder.path, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
    const ignored = ignoreReason(rel);
    if (ignored) {
      // A temp file already renamed away (a scanner's or the drop's `.name.part`) leaves nothing to tell the clerk.
      if (!(await fs.lstat(abs).then(() => true, () => false))) return;
      return hub.writes.batched(null, () => recordSkipped(folder, abs, rel, { code: 'intake.ignored', reason: ignored }));
    }
    let entry;
    try {
      entry = await inspectEntry(await hub.realRoot(folder), abs);
    } catch (err) {
      if (pending.has(abs)) schedule(abs, 0);
      else if (errCode(err) !== 'ENOENT') log.warn('intake: stat failed', { code: errCode(err) });
      return;
    }
    if (entry.kind === 'dir') return;
    if (entry.kind === 'skip') {
      const { skip } = entry;
      if (!pending.has(abs)) return hub.writes.batched(null, () => recordSkipped(folder, abs, rel, skip));
      return schedule(abs, 0); // was a file while settling: the settle check and the read guard decide it
    }
    const { size, mtimeMs } = entry;
    return hub.writes.batched(abs, () => noteStat(folder, abs, rel, size, mtimeMs));
  }

  /** The synchronous half of noteFile, run in a batch's transaction ([Note: intake writes are batched]). */
  function noteStat(folder: Folder, abs: string, rel: string, size: number, mtimeMs: number): void {
    if (!hub.isRunning()) return;
    const p = pending.get(abs);
    if (p) {
      if (p.stage === 'processing') p.dirty = true;
      else if (p.size !== size || p.mtimeMs !== mtimeMs) markChanged(folder, p, size, mtimeMs);
      return;
    }
    const latest = q.latestByPath.get(abs);
    let docId: number | null = null;
    let prevId: number | null = null;
    if (latest && (latest.status === 'seen' || latest.status === 'waiting')) {
      docId = latest.id; // restart: re-check a file that was settling when we stopped
      hub.cases.bumpCaseOf(docId, folder);
    } else if (latest && (latest.current_path === abs || hub.decide.canRedecide(latest))) {
      if (latest.current_path === abs && latest.size === size && latest.mtime_ms === mtimeMs) return; // known and unchanged
      prevId = latest.id; // same name, changed on disk: the hash decides ([Note: one path, one current document])
      hub.cases.bumpCaseOf(prevId, folder); // its case keeps collecting while the new version settles
    } else {
      docId = insertSeen(folder, abs, rel, size, mtimeMs);
    }
    pending.set(abs, { folderId: folder.id, abs, docId, prevId, size, mtimeMs, since: clock.now(), timer: null, stage: 'settling', dirty: false, attempts: 0 });
    schedule(abs, folder.options.settleMs);
  }

  function markChanged(folder: Folder, p: Pending, size: number, mtimeMs: number) {
    p.size = size;
    p.mtimeMs = mtimeMs;
    if (p.docId !== null) {
      const since = new Date(p.since).toLocaleTimeString('ru-RU');
      q.setStat.run(size, mtimeMs, clock.now(), p.docId);
      hub.setStatus(p.docId, 'waiting', `${WRITING} (с ${since})`, 'intake.writing');
      hub.cases.bumpCaseOf(p.docId, folder);
    }
    schedule(p.abs, folder.options.settleMs);
  }

  function schedule(abs: string, ms: number) {
    const p = pending.get(abs);
    if (!p || !hub.isRunning()) return;
    p.timer?.cancel();
    p.stage = 'settling'; // if it was in the decode queue, that entry is skipped now
    p.timer = setTimer(clock, ms, () => {
      p.timer = null;
      hub.track(checkSettled(abs));
    });
  }

  function vanish(p: Pending) {
    pending.delete(p.abs);
    if (p.docId !== null) {
      q.setGone.run('ignored', VANISHED, 'intake.vanished', clock.now(), p.docId);
      hub.changed(p.docId); // (its case is looked at before the row leaves it)
      q.detachDoc.run(clock.now(), p.docId); // gone before it was written: not part of the person's case
    }
  }

  async function checkSettled(abs: string): Promise<void> {
    const p = pending.get(abs);
    const folder = p ? hub.getFolder(p.folderId) : null;
    if (!p || !folder || !hub.isRunning()) return;
    let entry;
    try {
      entry = await inspectEntry(await hub.realRoot(folder), abs);
    } catch {
      return vanish(p);
    }
    if (entry.kind === 'dir') return vanish(p);
    if (entry.kind === 'file') {
      // Stable = size AND mtime equal to the previous observation (mtime vs mtime, never vs now: clock skew on shares).
      if (entry.size !== p.size || entry.mtimeMs !== p.mtimeMs) return markChanged(folder, p, entry.size, entry.mtimeMs);
      const go = await opens(hub, p, folder, { vanish, schedule });
      if (!go) return;
    }
    // While we looked, the file may have changed again (a newer check is scheduled) or been removed: that one decides.
    // A skip (now a link out of the folder, a FIFO) goes on too: the read guard decides it without reading.
    if (p.timer !== null || p.stage !== 'settling' || pending.get(abs) !== p || !hub.isRunning()) return;
    decodeQueue.push(p);
  }

  return {
    pending,
    noteFile,
    insertSeen,
    recordSkipped,
    schedule,
    vanish,
    dropFolder(folderId) {
      for (const [abs, p] of pending) {
        if (p.folderId !== folderId) continue;
        p.timer?.cancel();
        pending.delete(abs);
      }
    },
    reset() {
      for (const p of pending.values()) p.timer?.cancel();
      pending.clear();
      decodeQueue.reset();
    },
  };
}
