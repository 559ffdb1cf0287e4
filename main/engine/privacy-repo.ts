// SQL of the privacy actions (privacy.ts): delete every row of a case, purge expired data. Prepared once per connection.
import { perConnection } from './db/per-connection.ts';

export type DocFiles = { id: number; path: string; current_path: string | null; upload_path: string | null };

const IN_DOCS = 'IN (SELECT value FROM json_each(?))';

export const privacyRepo = perConnection((db) => ({
  stillUsed: db.prepare<[string, string, string], { n: number }>('SELECT count(*) AS n FROM documents WHERE upload_path = ? OR path = ? OR current_path = ?'),
  caseExists: db.prepare<[number], { id: number }>('SELECT id FROM cases WHERE id = ?'),
  caseDocFiles: db.prepare<[number], DocFiles>('SELECT id, path, current_path, upload_path FROM documents WHERE case_id = ?'),
  // One statement per table, in delete-case order (privacy.ts says why each is there). `ids`: JSON array of document ids.
  deleteAudit: db.prepare<[number, string]>(`DELETE FROM audit_events WHERE case_id = ? OR document_id ${IN_DOCS}`),
  deleteFindings: db.prepare<[number, string, string]>(`DELETE FROM findings WHERE case_id = ? OR document_id ${IN_DOCS} OR related_document_id ${IN_DOCS}`),
  deleteFields: db.prepare<[string]>(`DELETE FROM fields WHERE document_id ${IN_DOCS}`),
  deleteExportLinks: db.prepare<[string]>(`DELETE FROM export_documents WHERE document_id ${IN_DOCS}`),
  deleteExportMarks: db.prepare<[string]>(`DELETE FROM document_exports WHERE document_id ${IN_DOCS}`),
  unlinkDuplicates: db.prepare<[string]>(`UPDATE documents SET duplicate_of = NULL WHERE duplicate_of ${IN_DOCS}`),
  deleteDocuments: db.prepare<[number]>('DELETE FROM documents WHERE case_id = ?'),
  deleteCase: db.prepare<[number]>('DELETE FROM cases WHERE id = ?'),
  unlinkRequests: db.prepare<[number]>('UPDATE api_requests SET case_id = NULL WHERE case_id = ?'),
  auditDeleted: db.prepare<[number, string, number, string]>(`INSERT INTO audit_events(at, actor, case_id, action, source, details) VALUES (?, ?, ?, 'delete-case', 'clerk', ?)`),
  expired: db.prepare<[number], DocFiles>(
    `SELECT id, path, current_path, upload_path FROM documents d JOIN document_exports de ON de.document_id = d.id
     WHERE de.exported_at < ? AND d.purged_at IS NULL`,
  ),
  purgeDocument: db.prepare<[number, number]>('UPDATE documents SET raw_document = NULL, upload_path = NULL, purged_at = ? WHERE id = ?'),
  // A case's raw result holds every document's values: drop it once none of its documents still needs it.
  purgeCaseResults: db.prepare<[]>(
    `UPDATE cases SET raw_result = NULL WHERE raw_result IS NOT NULL AND id IN (SELECT case_id FROM documents WHERE purged_at IS NOT NULL)
     AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = cases.id AND d.purged_at IS NULL)`,
  ),
}));
