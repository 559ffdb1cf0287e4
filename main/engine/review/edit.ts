// The shared steps of the clerk's verification actions: the statements (prepared once), the guards (document
// exists, is reviewable, has the field), the audit writer and `edit`, which runs one change in a transaction
// with the after-edit steps described in index.ts.
import type { DocumentDetail } from '../../../shared/api/documents.ts';
import { confirmBlockers, isReviewable, notReviewableReason } from '../../../shared/review-rules.ts';
import type { DocStatus } from '../../../shared/types.ts';
import type { EngineContext } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { createDocumentFieldsWriter } from '../store/document-fields.ts';
import type { ReviewReader } from './read.ts';
import type { ReviewClaims } from './claims.ts';

type AuditSource = 'clerk' | 'rule-fix' | 'undo' | 'engine';
type FieldRecord = { recognised: string | null; value: string | null; state: string };

/** The statements and steps every verification action shares; the handlers in index.ts compose them. */
export function createReviewEditing(ctx: EngineContext, reader: ReviewReader, claims: ReviewClaims) {
  const { db } = ctx;
  const writer = createDocumentFieldsWriter(db);

  const docCase = db.prepare<[number], { case_id: number | null }>('SELECT case_id FROM documents WHERE id = ?');
  const docReview = db.prepare<[number], { status: DocStatus; review_state: string; match_score: number | null; liveness_score: number | null }>(
    'SELECT status, review_state, match_score, liveness_score FROM documents WHERE id = ?',
  );
  const errorFindings = db.prepare<[number, number], { severity: 'error'; code: string; message_ru: string; message_en: string }>(
    `SELECT severity, code, message_ru, message_en FROM findings
     WHERE severity = 'error' AND (document_id = ? OR (document_id IS NULL AND case_id = ?)) ORDER BY id`,
  );
  const getField = db.prepare<[number, string], FieldRecord>('SELECT recognised, value, state FROM fields WHERE document_id = ? AND name = ?');
  const setField = db.prepare('UPDATE fields SET value = ?, state = ? WHERE document_id = ? AND name = ?');
  const audit = db.prepare(
    `INSERT INTO audit_events(at, actor, case_id, document_id, field, action, old_value, new_value, source, details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const caseDocs = db.prepare<[number], { id: number }>('SELECT id FROM documents WHERE case_id = ?');
  const findingFix = db.prepare<[number], { document_id: number | null; field: string | null; fix_value: string | null; code: string }>(
    'SELECT document_id, field, fix_value, code FROM findings WHERE id = ?',
  );
  const changedFields = db.prepare<[number], { name: string; value: string | null; recognised: string | null; state: string }>(
    `SELECT name, value, recognised, state FROM fields WHERE document_id = ? AND (state <> 'pending' OR value IS NOT recognised)`,
  );
  const acceptPending = db.prepare(`UPDATE fields SET state = 'accepted' WHERE document_id = ? AND state = 'pending'`);
  const setReview = db.prepare('UPDATE documents SET review_state = ?, review_reason = ?, reviewed_at = ?, reviewed_by = ?, updated_at = ? WHERE id = ?');

  function requireDoc(id: number): { case_id: number | null } {
    const d = docCase.get(id);
    if (!d) throw new UserError('not-found', 'Документ не найден', 'Document not found');
    return d;
  }
  /** See [Note: only recognised data is verified]: anything else is refused with the reason, in the clerk's words. */
  function requireReviewable(id: number): { status: DocStatus; review_state: string; match_score: number | null; liveness_score: number | null } {
    const d = docReview.get(id);
    if (!d) throw new UserError('not-found', 'Документ не найден', 'Document not found');
    if (!isReviewable(d.status)) {
      const why = notReviewableReason(d.status);
      throw new UserError('not-reviewable', why.ru, why.en);
    }
    return d;
  }
  /** Reasons this document's confirmation must be asked twice (error findings, biometry below the thresholds). */
  function blockersOf(id: number, caseId: number | null, d: { match_score: number | null; liveness_score: number | null }) {
    const s = ctx.settings.get();
    const findings = errorFindings.all(id, caseId ?? -1).map((f) => ({ severity: f.severity, code: f.code, messageRu: f.message_ru, messageEn: f.message_en }));
    return confirmBlockers({ findings, matchScore: d.match_score, livenessScore: d.liveness_score, matchThreshold: s.matchThreshold, livenessThreshold: s.livenessThreshold });
  }
  function requireField(id: number, name: string): FieldRecord {
    const f = getField.get(id, name);
    if (!f) throw new UserError('unknown-field', `У документа нет поля «${name}»`, `Document has no field "${name}"`);
    return f;
  }
  function detailOf(id: number): DocumentDetail {
    const d = reader.detail(id);
    if (!d) throw new UserError('not-found', 'Документ не найден', 'Document not found');
    return { ...d, version: claims.version(id), claimedBy: claims.otherHolder(id) };
  }

  /**
   * Runs `change` in a transaction with the shared after-edit steps, then returns the fresh detail. `seenVersion` is the
   * version the clerk edited ([Note: one clerk's edit never overwrites another's]). Immediate: the write lock is taken
   * before the first read, so two processes on one SQLite file queue instead of failing on a stale snapshot.
   */
  function edit(id: number, field: string | null, change: (doc: { case_id: number | null }, now: number) => void, seenVersion?: number): DocumentDetail {
    const doc = db.transaction(() => {
      const d = requireDoc(id);
      claims.guardAndCount(id, seenVersion);
      const now = ctx.clock.now();
      change(d, now);
      writer.refresh(id, ctx.settings.get().confidenceThreshold, now);
      return d;
    }).immediate();
    // Findings of sibling documents may change too (cross-document checks), so the whole case is marked.
    const caseId = docCase.get(id)?.case_id ?? null;
    const ids = caseId === null ? [id] : caseDocs.all(caseId).map((r) => r.id);
    try {
      // After the commit: the recompute is its own transaction (see SignalError in context.ts).
      ctx.signals.emit('document:edited', { documentId: id, caseId: doc.case_id, field });
    } finally {
      ctx.events.documentsChanged(ids);
    }
    return detailOf(id);
  }

  function writeAudit(doc: { case_id: number | null }, id: number, now: number, e: { field: string | null; action: string; old?: string | null; new?: string | null; source: AuditSource; details?: unknown }) {
    audit.run(now, ctx.actor, doc.case_id, id, e.field, e.action, e.old ?? null, e.new ?? null, e.source, e.details === undefined ? null : JSON.stringify(e.details));
  }

  /** Value edits of a field that are still in effect (after the last whole-document undo, not undone since). */
  const activeEdits = db.prepare<[number, string, number, string, number], { id: number; old_value: string | null }>(
    `SELECT id, old_value FROM audit_events
     WHERE document_id = ? AND field = ? AND action IN ('set-field','rule-fix')
       AND id > coalesce((SELECT max(id) FROM audit_events WHERE document_id = ? AND action = 'undo-document'), 0)
       AND id NOT IN (SELECT CAST(json_extract(details, '$.undoes') AS INTEGER) FROM audit_events
                      WHERE field = ? AND document_id = ? AND action = 'undo' AND json_extract(details, '$.undoes') IS NOT NULL)
     ORDER BY id DESC`,
  );

  return { docReview, setField, setReview, activeEdits, findingFix, changedFields, acceptPending, requireReviewable, requireField, blockersOf, detailOf, edit, writeAudit };
}
