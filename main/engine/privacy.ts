// Privacy actions (issue 7): delete every trace of a case, and purge images/raw results after retention.
// The clerk's original scans in watched folders are NOT deleted (they are the clerk's files); only copies the
// engine made under <dataDir>/cache are. UI text says so.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EngineContext } from './context.ts';
import { UserError } from './dispatch.ts';
import { dataPaths } from './paths.ts';

type DocFiles = { id: number; path: string; current_path: string | null; upload_path: string | null };

const DAY_MS = 86_400_000;
/** TIFF previews are cached per page; scans with more pages than this are rare and their previews age out with the cache. */
const MAX_PREVIEW_PAGES = 64;

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Files under the cache dir that belong to a document: its prepared upload, converted previews, and cache copies. */
function cachedFilesOf(ctx: EngineContext, doc: DocFiles): string[] {
  const cache = dataPaths(ctx.dataDir).cache;
  const out = new Set<string>();
  for (const p of [doc.upload_path, doc.current_path, doc.path]) if (p && isInside(path.resolve(p), cache)) out.add(path.resolve(p));
  // Previews are keyed like main/engine/images.ts: sha256(realpath \0 size \0 page).
  const original = doc.current_path ?? doc.path;
  try {
    const real = fs.realpathSync(original);
    const size = fs.statSync(real).size;
    for (let page = 1; page <= MAX_PREVIEW_PAGES; page++) {
      const key = createHash('sha256').update(`${real}\0${size}\0${page}`).digest('hex').slice(0, 32);
      out.add(path.join(cache, 'previews', `${key}.png`));
    }
  } catch {
    /* original gone: no preview key can be derived */
  }
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

export function deleteCase(ctx: EngineContext, caseId: number): { removedDocuments: number; removedFiles: number } {
  const exists = ctx.db.prepare<[number], { id: number }>('SELECT id FROM cases WHERE id = ?').get(caseId);
  if (!exists) throw new UserError('not-found', `Дело №${caseId} не найдено`, `Case ${caseId} not found`);
  const docs = ctx.db.prepare<[number], DocFiles>('SELECT id, path, current_path, upload_path FROM documents WHERE case_id = ?').all(caseId);
  const files = docs.flatMap((d) => cachedFilesOf(ctx, d));
  const ids = docs.map((d) => d.id);
  ctx.db.transaction(() => {
    const delAuditDoc = ctx.db.prepare('DELETE FROM audit_events WHERE document_id = ?');
    for (const id of ids) delAuditDoc.run(id);
    ctx.db.prepare('DELETE FROM audit_events WHERE case_id = ?').run(caseId);
    // fields, findings, export_documents cascade from documents/cases; delete explicitly anyway for clarity.
    const delDocRows = ['DELETE FROM fields WHERE document_id = ?', 'DELETE FROM export_documents WHERE document_id = ?', 'DELETE FROM findings WHERE document_id = ? OR related_document_id = ?'];
    for (const sql of delDocRows) {
      const st = ctx.db.prepare(sql);
      for (const id of ids) st.run(...(sql.includes('related') ? [id, id] : [id]));
    }
    ctx.db.prepare('DELETE FROM findings WHERE case_id = ?').run(caseId);
    ctx.db.prepare('DELETE FROM documents WHERE case_id = ?').run(caseId);
    ctx.db.prepare('DELETE FROM cases WHERE id = ?').run(caseId);
    // The only trace left: that a case was deleted, by whom and when — no names, numbers or paths.
    ctx.db
      .prepare(`INSERT INTO audit_events(at, actor, case_id, action, source, details) VALUES (?, ?, ?, 'delete-case', 'clerk', ?)`)
      .run(ctx.clock.now(), ctx.actor, caseId, JSON.stringify({ documents: ids.length }));
  })();
  const removedFiles = removeFiles(files);
  ctx.log.info('case deleted', { caseId, documents: ids.length, removedFiles });
  return { removedDocuments: ids.length, removedFiles };
}

/** Documents exported more than retentionDays ago: cached images gone, raw API JSON nulled, purged_at set. */
export function purgeExpired(ctx: EngineContext): { purgedDocuments: number } {
  const days = ctx.settings.get().retentionDays;
  if (days <= 0) return { purgedDocuments: 0 }; // 0 = keep forever
  const now = ctx.clock.now();
  const cutoff = now - days * DAY_MS;
  const docs = ctx.db
    .prepare<[number], DocFiles & { case_id: number | null }>(
      'SELECT id, case_id, path, current_path, upload_path FROM documents WHERE exported_at IS NOT NULL AND exported_at < ? AND purged_at IS NULL',
    )
    .all(cutoff);
  if (docs.length === 0) return { purgedDocuments: 0 };
  const files = docs.flatMap((d) => cachedFilesOf(ctx, d));
  ctx.db.transaction(() => {
    const st = ctx.db.prepare('UPDATE documents SET raw_document = NULL, upload_path = NULL, purged_at = ? WHERE id = ?');
    for (const d of docs) st.run(now, d.id);
    // A case's raw result holds every document's values: drop it once none of its documents still needs it.
    ctx.db
      .prepare(
        `UPDATE cases SET raw_result = NULL WHERE raw_result IS NOT NULL AND id IN (SELECT case_id FROM documents WHERE purged_at IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = cases.id AND d.purged_at IS NULL)`,
      )
      .run();
  })();
  removeFiles(files);
  ctx.log.info('retention purge', { documents: docs.length });
  return { purgedDocuments: docs.length };
}
