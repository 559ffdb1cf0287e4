// See [Note: one table of lifecycle moves]. Every statement intake uses to create or move a document's `status` and a
// case's `state`, typed by the statuses it may write. intake/repo.ts spreads them into intake's repository.
import type { CaseState, DocStatus, DocType } from '../../../shared/types.ts';
import type { Db } from '../db/open.ts';

export function createIntakeMoves(db: Db) {
  return {
    insertDoc: db.prepare<[number, number | null, string, string, string, string, number | null, number | null, DocType, DocStatus, string | null, string | null, string, number, number]>(
      `INSERT INTO documents(folder_id, case_id, path, rel_path, file_name, current_path, size, mtime_ms, doc_type, status,
         status_reason, status_code, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setStatus: db.prepare<[DocStatus, string | null, string | null, number, number]>('UPDATE documents SET status = ?, status_reason = ?, status_code = ?, updated_at = ? WHERE id = ?'),
    setGone: db.prepare<[DocStatus, string, string, number, number]>(
      'UPDATE documents SET status = ?, status_reason = ?, status_code = ?, current_path = NULL, updated_at = ? WHERE id = ?',
    ),
    decide: db.prepare<[DocStatus, string | null, string | null, number, number, string | null, string | null, number | null, number | null, number | null, string | null, number | null, number, number]>(
      `UPDATE documents SET status = ?, status_reason = ?, status_code = ?, size = ?, mtime_ms = ?, sha256 = ?, mime = ?, width = ?,
         height = ?, pages = ?, upload_path = ?, duplicate_of = ?, updated_at = ? WHERE id = ?`,
    ),
    // See [Note: one path, one current document]. The row goes back to 'seen' with nothing of its old decision left
    // (that decision is in audit_events): no hash, no copied result, no fields, no findings.
    resetDoc: db.prepare<{ id: number; caseId: number | null; path: string; size: number; mtimeMs: number; search: string; now: number }>(
      `UPDATE documents SET status = 'seen', status_reason = NULL, status_code = NULL, case_id = @caseId, current_path = @path, size = @size,
         mtime_ms = @mtimeMs, sha256 = NULL, mime = NULL, width = NULL, height = NULL, pages = NULL, upload_path = NULL, duplicate_of = NULL,
         api_key = NULL, broken = NULL, broken_reasons = '[]', broken_reasons_ru = '[]', values_json = '{}', error_count = 0, warning_count = 0,
         low_conf_count = 0, min_confidence = NULL, search_text = @search, updated_at = @now WHERE id = @id`,
    ),
    insertCase: db.prepare<[number, string, string, number, number, number]>(
      "INSERT INTO cases(folder_id, case_key, label, state, window_until, created_at, updated_at) VALUES (?, ?, ?, 'collecting', ?, ?, ?)",
    ),
    // A case closed as 'rejected' was never sent (nothing of it was paid): it may collect again.
    reopenCase: db.prepare<[number, number, number]>(
      "UPDATE cases SET state = 'collecting', window_until = ?, updated_at = ? WHERE id = ? AND state = 'rejected' AND intent_at IS NULL AND beorg_document_id IS NULL",
    ),
    setCaseState: db.prepare<[CaseState, number, number]>('UPDATE cases SET state = ?, updated_at = ? WHERE id = ?'),
  };
}
