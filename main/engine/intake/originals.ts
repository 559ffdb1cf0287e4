// [Note: originals move after the commit]
// Originals move (originals: 'move') only once the document's outcome is committed: on 'case:finished', for a
// pre-flight rejection right after its decision, and — for a crash between that commit and the rename — on every
// start (and when a folder is switched to 'move') for every final document still in place. Targets:
//   recognised → Обработано/; failed, rejected → Ошибки/; duplicate → Обработано/ (its content was processed
//   already and the row links to that result, whatever happened to the rest of its case); ignored, cancelled and
//   uncertain (the clerk must decide) stay where they are.
// A move that fails (name too long, no permission, a file where the folder should be) is written on the document —
// its reason gets MOVE_NOTE and why, visible in the grid and the detail, kept in the audit — and counted by
// moveFailures(), which `process --once` turns into exit code 3. The next start tries again.
import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Folder } from '../../../shared/settings.ts';
import { errCode, type Hub } from './hub.ts';
import type { DocRow } from './repo.ts';
import { DONE_DIR, FAILED_DIR } from './rules.ts';

export const MOVE_NOTE = 'Оригинал не удалось переместить';

export type OriginalsPart = {
  uniqueTarget(dir: string, name: string): Promise<string>;
  moveRejected(folder: Folder, docId: number): Promise<void>;
  onCaseFinished(p: { caseId: number; state: string }): void;
  /** Crash recovery for moves: final documents of 'move' folders whose original is still in place. */
  moveFinishedOriginals(folderId?: number): Promise<void>;
  /** Documents whose original could not be moved and is still in place. */
  moveFailures(): number;
};

function targetDir(status: string): string | null {
  switch (status) {
    case 'recognised':
    case 'duplicate':
      return DONE_DIR;
    case 'failed':
    case 'rejected':
      return FAILED_DIR;
    default:
      return null;
  }
}

function whyNotMoved(code: string): string {
  switch (code) {
    case 'ENAMETOOLONG':
      return 'слишком длинный путь';
    case 'EACCES':
    case 'EPERM':
      return 'нет прав на запись в папку';
    case 'EEXIST':
    case 'ENOTDIR':
      return 'на месте папки лежит файл с тем же именем';
    case 'ENOSPC':
      return 'нет места на диске';
    case 'EROFS':
      return 'папка только для чтения';
    case 'EBUSY':
      return 'файл занят другой программой';
    default:
      return `ошибка ${code || 'файловой системы'}`;
  }
}

/** The document's reason with the move note replaced (never appended twice). */
function withMoveNote(reason: string | null, note: string): string {
  const base = (reason ?? '').split(`. ${MOVE_NOTE}`)[0]?.split(MOVE_NOTE)[0]?.trim() ?? '';
  return base ? `${base}. ${note}` : note;
}

export function createOriginals(hub: Hub): OriginalsPart {
  const { ctx, q } = hub;
  const { clock, log } = ctx;

  async function uniqueTarget(dir: string, name: string): Promise<string> {
    const ext = path.extname(name);
    const stem = name.slice(0, name.length - ext.length);
    for (let n = 1; ; n++) {
      const candidate = path.join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
      try {
        await fs.access(candidate);
      } catch {
        return candidate;
      }
    }
  }

  function recordFailure(doc: DocRow, sub: string, code: string) {
    const note = `${MOVE_NOTE} в «${sub}»: ${whyNotMoved(code)}`;
    const fresh = q.doc.get(doc.id);
    if (!fresh) return;
    q.setReason.run(withMoveNote(fresh.status_reason, note), fresh.status_code ?? 'intake.move-failed', clock.now(), doc.id);
    q.audit.run({ at: clock.now(), actor: ctx.actor, caseId: fresh.case_id, documentId: doc.id, action: 'move-original-failed', oldValue: fresh.current_path, newValue: null, details: JSON.stringify({ target: sub, code }) });
    hub.changed(doc.id);
  }

  async function moveOriginal(folder: Folder, doc: DocRow, sub: string) {
    const src = doc.current_path;
    if (!src || src !== doc.path) return; // already moved or gone
    // The name may have been re-used for a new scan since: move only this document's own file.
    if (q.latestByPath.get(src)?.id !== doc.id) return;
    try {
      const st = await fs.lstat(src);
      if (!st.isFile() || (doc.size !== null && st.size !== doc.size) || (doc.mtime_ms !== null && Math.trunc(st.mtimeMs) !== doc.mtime_ms)) return;
    } catch {
      return;
    }
    const relDir = path.dirname(doc.rel_path);
    const dir = path.join(folder.path, sub, relDir === '.' ? '' : relDir);
    try {
      await fs.mkdir(dir, { recursive: true });
      const target = await uniqueTarget(dir, doc.file_name);
      try {
        await fs.rename(src, target);
      } catch (err) {
        if (errCode(err) !== 'EXDEV') throw err;
        await fs.copyFile(src, target, fsc.COPYFILE_EXCL);
        await fs.rm(src);
      }
      q.setCurrentPath.run(target, clock.now(), doc.id);
      hub.changed(doc.id);
    } catch (err) {
      log.warn('intake: moving original failed', { documentId: doc.id, code: errCode(err) });
      recordFailure(doc, sub, errCode(err));
    }
  }

  return {
    uniqueTarget,
    async moveRejected(folder, docId) {
      const doc = q.doc.get(docId);
      if (folder.options.originals === 'move' && doc) await moveOriginal(folder, doc, FAILED_DIR);
    },
    onCaseFinished({ caseId, state }) {
      if (state === 'cancelled') return;
      const docs = q.caseDocsFull.all(caseId);
      const folder = docs[0]?.folder_id != null ? hub.getFolder(docs[0].folder_id) : null;
      if (!folder || folder.options.originals !== 'move') return;
      hub.track(
        (async () => {
          for (const d of docs) {
            const dir = targetDir(d.status);
            if (dir) await moveOriginal(folder, d, dir);
          }
        })(),
      );
    },
    async moveFinishedOriginals(folderId) {
      for (const d of q.unmoved.all()) {
        if (!hub.isRunning()) return;
        if (d.folder_id === null || (folderId !== undefined && d.folder_id !== folderId)) continue;
        const folder = hub.getFolder(d.folder_id);
        const dir = targetDir(d.status);
        if (folder?.enabled && folder.options.originals === 'move' && dir) await moveOriginal(folder, d, dir);
      }
    },
    moveFailures: () => q.countMoveFailures.get(MOVE_NOTE)?.n ?? 0,
  };
}
