// Review module: the grid's queries and the clerk's verification actions. Every edit runs in one
// transaction: change the field, write an audit row (old/new, actor, source), refresh the grid columns
// through the one fields writer, let validation recompute findings (synchronous signal), then notify the UI.
import type { DocumentDetail } from '../../../shared/api/documents.ts';
import { confirmBlockers, isReviewable, notReviewableReason } from '../../../shared/review-rules.ts';
import type { DocStatus } from '../../../shared/types.ts';
import type { EngineContext, EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { createDocumentFieldsWriter } from '../store/document-fields.ts';
import { createReviewReader } from './read.ts';

type AuditSource = 'clerk' | 'rule-fix' | 'undo' | 'engine';
type FieldRecord = { recognised: string | null; value: string | null; state: string };

export function createReviewModule(ctx: EngineContext): EngineModule {
  const { db } = ctx;
  const reader = createReviewReader(ctx);
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
  const setReview = db.prepare('UPDATE documents SET review_state = ?, review_reason = ?, reviewed_at = ?, reviewed_by = ?, updated_at = ? WHERE id = ?');

  function requireDoc(id: number): { case_id: number | null } {
    const d = docCase.get(id);
    if (!d) throw new UserError('not-found', 'Документ не найден', 'Document not found');
    return d;
  }
  /** [Note: only recognised data is verified]: anything else is refused with the reason, in the clerk's words. */
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
    return d;
  }

  /** Runs `change` in a transaction with the shared after-edit steps, then returns the fresh detail. */
  function edit(id: number, field: string | null, change: (doc: { case_id: number | null }, now: number) => void): DocumentDetail {
    const doc = db.transaction(() => {
      const d = requireDoc(id);
      const now = ctx.clock.now();
      change(d, now);
      writer.refresh(id, ctx.settings.get().confidenceThreshold, now);
      return d;
    })();
    // Findings of sibling documents may change too (cross-document checks), so the whole case is marked.
    const caseId = docCase.get(id)?.case_id ?? null;
    const ids = caseId === null ? [id] : db.prepare<[number], { id: number }>('SELECT id FROM documents WHERE case_id = ?').all(caseId).map((r) => r.id);
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
       AND id NOT IN (SELECT json_extract(details, '$.undoes') FROM audit_events
                      WHERE field = ? AND document_id = ? AND action = 'undo' AND json_extract(details, '$.undoes') IS NOT NULL)
     ORDER BY id DESC`,
  );

  return {
    name: 'review',
    handlers: {
      'documents:list': (q) => reader.list(q),
      'documents:counts': ({ filter }) => reader.counts(filter),
      'documents:facets': ({ filter }) => reader.facets(filter),
      'documents:get': ({ id }) => detailOf(id),
      'documents:next-attention': (q) => ({ id: reader.nextAttention(q) }),
      'cases:list': (q) => reader.cases(q),
      'stats:get': ({ days }) => reader.stats(days),

      'documents:set-field': ({ id, field, value }) =>
        edit(id, field, (doc, now) => {
          requireReviewable(id);
          const f = requireField(id, field);
          if (f.value === value && f.state === 'corrected') return;
          setField.run(value, 'corrected', id, field);
          writeAudit(doc, id, now, { field, action: 'set-field', old: f.value, new: value, source: 'clerk' });
        }),

      'documents:accept-field': ({ id, field }) =>
        edit(id, field, (doc, now) => {
          requireReviewable(id);
          const f = requireField(id, field);
          if (f.state !== 'pending') return;
          setField.run(f.value, 'accepted', id, field);
          writeAudit(doc, id, now, { field, action: 'accept-field', old: f.value, new: f.value, source: 'clerk' });
        }),

      'documents:apply-fix': ({ findingId }) => {
        const finding = db
          .prepare<[number], { document_id: number | null; field: string | null; fix_value: string | null; code: string }>(
            'SELECT document_id, field, fix_value, code FROM findings WHERE id = ?',
          )
          .get(findingId);
        if (!finding || finding.document_id === null || finding.field === null || finding.fix_value === null) {
          throw new UserError('no-fix', 'Для этого замечания нет исправления (возможно, оно уже устарело)', 'This finding has no fix (it may be outdated)');
        }
        const { document_id: id, field, fix_value: value } = finding;
        return edit(id, field, (doc, now) => {
          requireReviewable(id);
          const f = requireField(id, field);
          setField.run(value, 'corrected', id, field);
          writeAudit(doc, id, now, { field, action: 'rule-fix', old: f.value, new: value, source: 'rule-fix', details: { findingId, code: finding.code } });
        });
      },

      'documents:undo-field': ({ id, field }) =>
        edit(id, field, (doc, now) => {
          const f = requireField(id, field);
          const edits = activeEdits.all(id, field, id, field, id);
          const last = edits[0];
          if (!last && f.value === f.recognised && f.state === 'pending') return;
          // Step back one edit; with none left, the recognised value is the floor.
          const restored = last ? last.old_value : f.recognised;
          const state = edits.length > 1 || (last && restored !== f.recognised) ? 'corrected' : 'pending';
          setField.run(restored, state, id, field);
          // The confirmation vouched for the value just taken back: the document is to be checked again.
          const unverified = docReview.get(id)?.review_state === 'verified';
          if (unverified) setReview.run('pending', null, null, null, now, id);
          writeAudit(doc, id, now, { field, action: 'undo', old: f.value, new: restored, source: 'undo', details: { ...(last ? { undoes: last.id } : { toRecognised: true }), ...(unverified ? { unverified: true } : {}) } });
        }),

      'documents:undo-document': ({ id }) =>
        edit(id, null, (doc, now) => {
          const changed = db
            .prepare<[number], { name: string; value: string | null; recognised: string | null; state: string }>(
              `SELECT name, value, recognised, state FROM fields WHERE document_id = ? AND (state <> 'pending' OR value IS NOT recognised)`,
            )
            .all(id);
          for (const f of changed) {
            setField.run(f.recognised, 'pending', id, f.name);
            writeAudit(doc, id, now, { field: f.name, action: 'undo', old: f.value, new: f.recognised, source: 'undo', details: { document: true } });
          }
          setReview.run('pending', null, null, null, now, id);
          writeAudit(doc, id, now, { field: null, action: 'undo-document', source: 'undo' });
        }),

      'documents:confirm': ({ id, despiteFindings }) =>
        edit(id, null, (doc, now) => {
          const d = requireReviewable(id);
          const reasons = blockersOf(id, doc.case_id, d);
          if (reasons.length > 0 && despiteFindings !== true) {
            throw new UserError(
              'confirm-needs-ack',
              `Есть замечания — подтвердите ещё раз: ${reasons.map((r) => r.ru).join('; ')}`,
              `There are findings — confirm once more: ${reasons.map((r) => r.en).join('; ')}`,
            );
          }
          db.prepare(`UPDATE fields SET state = 'accepted' WHERE document_id = ? AND state = 'pending'`).run(id);
          setReview.run('verified', null, now, ctx.actor, now, id);
          if (reasons.length === 0) writeAudit(doc, id, now, { field: null, action: 'confirm', new: 'verified', source: 'clerk' });
          else {
            writeAudit(doc, id, now, {
              field: null, action: 'confirm-despite-findings', new: reasons.map((r) => r.ru).join('; '), source: 'clerk',
              details: { reasons: reasons.map((r) => r.ru), reasonsEn: reasons.map((r) => r.en) },
            });
          }
        }),

      'documents:postpone': ({ id }) =>
        edit(id, null, (doc, now) => {
          setReview.run('postponed', null, now, ctx.actor, now, id);
          writeAudit(doc, id, now, { field: null, action: 'postpone', new: 'postponed', source: 'clerk' });
        }),

      'documents:reject': ({ id, reason }) =>
        edit(id, null, (doc, now) => {
          requireReviewable(id);
          const text = reason.trim();
          if (!text) throw new UserError('reason-required', 'Укажите причину отклонения', 'A reason is required');
          setReview.run('rejected', text, now, ctx.actor, now, id);
          writeAudit(doc, id, now, { field: null, action: 'reject', new: text, source: 'clerk' });
        }),
    },
  };
}
