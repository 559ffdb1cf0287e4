// Deciding a settled file: the read guard, hash, duplicate check and pre-flight — the heavy part, run in a decode
// slot. Decisions are queued in a batch ([Note: intake writes are batched]); the commit is handed back (not awaited)
// so the slot is free while it waits.
//
// [Note: one path, one current document]
// A file that changes after it was decided re-decides its OWN row as long as nothing of it went to the API: a
// rejected (half-written, empty), duplicate, skipped or vanished row, or one queued in a case still collecting. The
// old decision is written to audit_events ('intake-redecide': status, reason, code, hash, size) and the row goes back
// to 'seen' in its case — a case closed as «Не принято» collects again, a case that went on to the queue without
// it is left, and the row joins an open case of its group. Once its case was handed to the queue (queued in a closed
// case, sending, processing, recognised, failed, uncertain, cancelled) the row is a record of what was sent or
// decided by the clerk: new bytes under that name are a NEW document with a case of its own, sent and paid like any
// new scan (the duplicate policy is by content — different bytes are a different document; the same bytes touched
// again are not a new document at all). A duplicate the clerk already reviewed keeps its row too.
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { Folder } from '../../../shared/settings.ts';
import { hashFile, preflight, type PreflightResult } from './preflight.ts';
import { openInside, stillSame, type Skip } from './fs-guard.ts';
import { errCode, type Hub } from './hub.ts';
import { emptyMeta, type DocRow, type EarlierCopy, type Meta } from './repo.ts';
import { placeFile } from './rules.ts';
import type { Pending } from './settle.ts';
import type { DocStatus } from '../../../shared/types.ts';

type Committed = { committed: Promise<void> };
const nothing = (): Committed => ({ committed: Promise.resolve() });

export type DecidePart = {
  /** May a changed file re-decide this row ([Note: one path, one current document])? */
  canRedecide(d: DocRow): boolean;
  processFile(folder: Folder, p: Pending): Promise<Committed>;
};

function duplicateReason(earlier: EarlierCopy, copied: boolean): string {
  const when = new Date(earlier.created_at).toLocaleString('ru-RU');
  const what =
    earlier.status === 'recognised' ? 'Тот же файл уже распознан'
    : earlier.status === 'uncertain' ? 'Тот же файл уже отправлялся без ответа API (возможно, оплачен)'
    : earlier.status === 'failed' ? 'Тот же файл уже отправлялся и оплачен (результат с ошибкой)'
    : 'Тот же файл уже в работе';
  return `${what}: ${earlier.file_name}, ${when}` + (copied ? ' — результат скопирован без повторной оплаты' : ' — повторно не отправляется');
}

/** Same bytes arriving twice at once: the second waits until the first's decision is committed. */
function createHashGate() {
  const inflight = new Map<string, Promise<void>>();
  return async function decideOnce(sha: string, run: () => Promise<Committed>): Promise<Committed> {
    while (inflight.has(sha)) await inflight.get(sha);
    let release!: () => void;
    inflight.set(sha, new Promise<void>((r) => (release = r)));
    let committed: Promise<void> = Promise.resolve();
    try {
      ({ committed } = await run());
    } finally {
      const free = () => {
        inflight.delete(sha);
        release();
      };
      void committed.then(free, free);
    }
    return { committed };
  };
}

/** The old decision to history, the row back to 'seen' in a case that can still take it. */
function createReopenRow(hub: Hub) {
  const { ctx, q } = hub;
  return ctx.db.transaction((folder: Folder, p: Pending, prev: DocRow): number => {
    const now = ctx.clock.now();
    const details = { status: prev.status, reason: prev.status_reason, code: prev.status_code, sha256: prev.sha256, size: prev.size, mtimeMs: prev.mtime_ms, currentPath: prev.current_path, caseId: prev.case_id };
    q.audit.run({ at: now, actor: ctx.actor, caseId: prev.case_id, documentId: prev.id, action: 'intake-redecide', oldValue: prev.status, newValue: 'seen', details: JSON.stringify(details) });
    const place = placeFile(prev.rel_path, folder.defaultType);
    const caseId = hub.cases.rejoinCase(folder, prev.case_id, place);
    q.dropFields.run(prev.id);
    q.dropFindings.run(prev.id);
    q.resetDoc.run({ id: prev.id, caseId, path: p.abs, size: p.size, mtimeMs: p.mtimeMs, search: prev.file_name.toLowerCase(), now });
    return prev.id;
  });
}

export function createDecide(hub: Hub): DecidePart {
  const { ctx, q } = hub;
  const { db, clock } = ctx;
  const uploadsDir = path.join(ctx.dataDir, 'cache', 'uploads');

  function canRedecide(d: DocRow): boolean {
    switch (d.status) {
      case 'rejected':
      case 'ignored':
        return true;
      case 'duplicate':
        return d.review_state === 'pending';
      case 'queued':
        return d.case_id !== null && q.caseState.get(d.case_id)?.state === 'collecting';
      default:
        return false;
    }
  }

  function decide(id: number, status: DocStatus, reason: string | null, code: string | null, p: Pending, sha: string | null, m: Meta, dupOf: number | null) {
    q.decide.run(status, reason, code, p.size, p.mtimeMs, sha, m.mime, m.width, m.height, m.pages, m.uploadPath, dupOf, clock.now(), id);
    hub.changed(id);
  }

  const reopenRow = createReopenRow(hub);
  const decideOnce = createHashGate();

  /** The row this version of the file is decided on: its own (re-decided) or a new document. */
  function rowFor(folder: Folder, p: Pending): number {
    if (p.docId !== null) return p.docId;
    const prev = p.prevId !== null ? q.doc.get(p.prevId) : undefined;
    const id = prev && canRedecide(prev) ? reopenRow(folder, p, prev) : hub.settle.insertSeen(folder, p.abs, path.relative(folder.path, p.abs), p.size, p.mtimeMs);
    hub.changed(id);
    p.docId = id;
    return id;
  }

  function skipRow(folder: Folder, p: Pending, skip: Skip): Committed {
    const id = rowFor(folder, p);
    return {
      committed: hub.writes.batched(null, () => {
        decide(id, 'ignored', skip.reason, skip.code, p, null, emptyMeta, null);
        q.detachDoc.run(clock.now(), id); // not a document of its case: the case must not wait for it or show it
      }),
    };
  }

  function unreadable(folder: Folder, p: Pending, code: string): Committed {
    const id = rowFor(folder, p);
    const reason = code === 'EACCES' || code === 'EPERM' ? 'Нет прав на чтение файла — проверьте права доступа' : `Файл не читается (${code || 'ошибка'})`;
    return { committed: hub.writes.batched(null, () => decide(id, 'rejected', reason, 'preflight.unreadable', p, null, emptyMeta, null)).then(() => hub.originals.moveRejected(folder, id)) };
  }

  /** Read guard, hash, then the content decision. A later copy of the same bytes waits until this decision is committed. */
  async function processFile(folder: Folder, p: Pending): Promise<Committed> {
    if (!hub.isRunning()) return nothing();
    let opened;
    try {
      opened = await openInside(await hub.realRoot(folder), p.abs);
    } catch (err) {
      if (errCode(err) !== 'ENOENT') return unreadable(folder, p, errCode(err));
      hub.settle.vanish(p);
      return nothing();
    }
    if (!opened.ok) {
      if ('skip' in opened) return skipRow(folder, p, opened.skip);
      p.dirty = true; // swapped between the open and the check: look again
      return nothing();
    }
    try {
      let hashed;
      try {
        hashed = await hashFile(opened.real);
      } catch (err) {
        return unreadable(folder, p, errCode(err));
      }
      const prev = p.docId === null && p.prevId !== null ? q.doc.get(p.prevId) : undefined;
      if (prev && prev.sha256 === hashed.sha256 && prev.current_path === p.abs && prev.status !== 'ignored') {
        q.setStat.run(p.size, p.mtimeMs, clock.now(), prev.id); // touched, same bytes: not a new document
        return nothing();
      }
      const docId = rowFor(folder, p);
      return await decideOnce(hashed.sha256, () => decideContent(folder, p, docId, opened, hashed.sha256, hashed.head));
    } finally {
      await opened.handle.close();
    }
  }

  function duplicate(docId: number, p: Pending, sha: string, earlier: EarlierCopy, policy: string): Committed {
    const copied = policy === 'warn' && earlier.status === 'recognised';
    const reason = duplicateReason(earlier, copied);
    return {
      committed: hub.writes.batched(null, () =>
        db.transaction(() => {
          decide(docId, 'duplicate', reason, `duplicate.${policy}`, p, sha, emptyMeta, earlier.id);
          if (copied) {
            q.copyResult.run({ src: earlier.id, dst: docId });
            q.copyFields.run(docId, earlier.id);
          }
        })(),
      ),
    };
  }

  /** The duplicate check and pre-flight of one file whose hash is `sha`. Its decision's commit comes back in an object:
   *  an async function returning the bare promise would wait for it. */
  async function decideContent(folder: Folder, p: Pending, docId: number, opened: { real: string; st: Stats }, sha: string, head: Buffer): Promise<Committed> {
    const earlier = q.earlierSame.get(sha, docId);
    const policy = folder.options.duplicatePolicy;
    if (earlier && policy !== 'allow') return duplicate(docId, p, sha, earlier, policy);
    let result: PreflightResult;
    try {
      result = await preflight(opened.real, p.size, sha, ctx.settings.get(), uploadsDir, head);
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT') {
        hub.settle.vanish(p);
        return nothing();
      }
      result = { ok: false, code: code === 'EACCES' ? 'preflight.unreadable' : 'preflight.error', reason: `Не удалось проверить файл (${code || String(err)})` };
    }
    if (!hub.isRunning() && !result.ok && result.code === 'preflight.error') return nothing();
    if (!(await stillSame(opened))) {
      p.dirty = true; // replaced while pre-flight read it: this decision is not about the file now there
      return nothing();
    }
    if (result.ok) {
      const ok = result;
      const reason = earlier ? `Повторная отправка по настройке папки (уже был: ${earlier.file_name})` : ok.note;
      return { committed: hub.writes.batched(null, () => decide(docId, 'queued', reason, earlier ? 'duplicate.allow' : null, p, sha, ok, earlier?.id ?? null)) };
    }
    const bad = result;
    return { committed: hub.writes.batched(null, () => decide(docId, 'rejected', bad.reason, bad.code, p, sha, emptyMeta, null)).then(() => hub.originals.moveRejected(folder, docId)) };
  }

  return { canRedecide, processFile };
}
