// Privacy actions: delete every trace of a case, and purge images/raw results after retention.
// The clerk's original scans in watched folders are NOT deleted (they are the clerk's files); only copies the
// engine made under <dataDir>/cache are. UI text says so.
// Rows: deleted data is overwritten in the file (PRAGMA secure_delete, db/open.ts) and the WAL is truncated after
// each action, so neither freed pages nor old WAL frames keep a copy of what was removed.
import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from './context.ts';
import { UserError } from './dispatch.ts';
import { dataPaths, isInside } from './paths.ts';
import { privacyRepo, type DocFiles } from './privacy-repo.ts';

const DAY_MS = 86_400_000;
/** Previews named before [Note: cache files are named by document id]: they cannot be attributed, so any purge drops them (they are re-made on demand). */
const LEGACY_PREVIEW = /^[0-9a-f]{32}\.png$/;

/**
 * Cache files of these documents: TIFF previews (named by document id, images.ts), prepared uploads and any copy
 * under the cache dir. Found from the rows alone — no original file is needed. Call AFTER the rows are gone or
 * cleared: a prepared upload is named by content hash and may be shared with a document that stays.
 */
function cacheFilesOf(ctx: EngineContext, docs: readonly DocFiles[]): string[] {
  const cache = dataPaths(ctx.dataDir).cache;
  const out = new Set<string>();
  const { stillUsed } = privacyRepo(ctx.db);
  for (const d of docs) {
    for (const p of [d.upload_path, d.current_path, d.path]) {
      if (!p || !isInside(path.resolve(p), cache)) continue;
      if (stillUsed.get(p, p, p)!.n === 0) out.add(path.resolve(p));
    }
  }
  const ids = new Set(docs.map((d) => d.id));
  const previews = path.join(cache, 'previews');
  let names: string[] = [];
  try {
    names = fs.readdirSync(previews);
  } catch {
    /* no previews yet */
  }
  for (const n of names) if (ids.has(Number(n.split('-')[0])) || LEGACY_PREVIEW.test(n)) out.add(path.join(previews, n));
  return [...out];
}

function removeFiles(files: string[]): number {
  let removed = 0;
  for (const f of files) {
    try {
      fs.rmSync(f);
      removed++;
    } catch {
      /* not there */
    }
  }
  return removed;
}

/** Old page images of deleted rows live on in WAL frames until a checkpoint: copy back and truncate now. */
function truncateWal(ctx: EngineContext): void {
  try {
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    ctx.log.warn('wal checkpoint after privacy action failed', { err });
  }
}

export function deleteCase(ctx: EngineContext, caseId: number): { removedDocuments: number; removedFiles: number } {
  const { db } = ctx;
  const q = privacyRepo(db);
  if (!q.caseExists.get(caseId)) throw new UserError('not-found', `Дело №${caseId} не найдено`, `Case ${caseId} not found`);
  const docs = q.caseDocFiles.all(caseId);
  const ids = JSON.stringify(docs.map((d) => d.id));
  db.transaction(() => {
    q.deleteAudit.run(caseId, ids);
    // Another case's finding that points at this person ("same passport number as …") goes too: it names them.
    q.deleteFindings.run(caseId, ids, ids);
    // fields and the export links would cascade from documents; explicit so this list is the whole story.
    q.deleteFields.run(ids);
    q.deleteExportLinks.run(ids);
    q.deleteExportMarks.run(ids);
    q.unlinkDuplicates.run(ids);
    q.deleteDocuments.run(caseId);
    q.deleteCase.run(caseId);
    // The request log is the cost meter: keep the counts, drop the link to the person.
    q.unlinkRequests.run(caseId);
    // The only trace left: that a case was deleted, by whom and when — no names, numbers or paths.
    q.auditDeleted.run(ctx.clock.now(), ctx.actor, caseId, JSON.stringify({ documents: docs.length }));
  })();
  truncateWal(ctx);
  const removedFiles = removeFiles(cacheFilesOf(ctx, docs));
  ctx.log.info('case deleted', { caseId, documents: docs.length, removedFiles });
  ctx.events.documentsChanged('all');
  return { removedDocuments: docs.length, removedFiles };
}

/** Documents exported more than retentionDays ago: cached images gone, raw API JSON nulled, purged_at set. */
export function purgeExpired(ctx: EngineContext): { purgedDocuments: number } {
  const days = ctx.settings.get().retentionDays;
  if (days <= 0) return { purgedDocuments: 0 }; // 0 = keep forever
  const now = ctx.clock.now();
  const cutoff = now - days * DAY_MS;
  const q = privacyRepo(ctx.db);
  const docs = q.expired.all(cutoff);
  if (docs.length === 0) return { purgedDocuments: 0 };
  ctx.db.transaction(() => {
    for (const d of docs) q.purgeDocument.run(now, d.id);
    q.purgeCaseResults.run();
  })();
  truncateWal(ctx);
  // path/current_path of a purged row still point at its file: only the prepared upload and previews go.
  removeFiles(cacheFilesOf(ctx, docs.map((d) => ({ ...d, path: '', current_path: null }))));
  ctx.log.info('retention purge', { documents: docs.length });
  return { purgedDocuments: docs.length };
}
