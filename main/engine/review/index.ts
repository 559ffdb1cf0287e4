// Review module: the grid's queries and the clerk's verification actions. Every edit runs in one
// transaction: change the field, write an audit row (old/new, actor, source), refresh the grid columns
// through the one fields writer, let validation recompute findings (synchronous signal), then notify the UI.
import type { EngineContext, EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { createReviewClaims } from './claims.ts';
import { createReviewEditing } from './edit.ts';
import { createReviewReader } from './read.ts';

export function createReviewModule(ctx: EngineContext): EngineModule {
  const reader = createReviewReader(ctx);
  const claims = createReviewClaims(ctx);
  const {
    docReview, setField, setReview, activeEdits, findingFix, changedFields, acceptPending,
    requireReviewable, requireField, blockersOf, detailOf, edit, writeAudit,
  } = createReviewEditing(ctx, reader, claims);

  return {
    name: 'review',
    stop: () => claims.releaseMine(),
    handlers: {
      'documents:claim': ({ id }) => claims.claim(id),
      'documents:release': ({ id }) => {
        claims.release(id);
        return null;
      },
      'documents:list': (q) => reader.list(q),
      'documents:counts': ({ filter }) => reader.counts(filter),
      'documents:facets': ({ filter }) => reader.facets(filter),
      'documents:get': ({ id }) => detailOf(id),
      'documents:next-attention': (q) => ({ id: reader.nextAttention(q) }),
      'cases:list': (q) => reader.cases(q),
      'stats:get': ({ days }) => reader.stats(days),

      'documents:set-field': ({ id, field, value, version }) =>
        edit(id, field, (doc, now) => {
          requireReviewable(id);
          const f = requireField(id, field);
          if (f.value === value && f.state === 'corrected') return;
          setField.run(value, 'corrected', id, field);
          writeAudit(doc, id, now, { field, action: 'set-field', old: f.value, new: value, source: 'clerk' });
        }, version),

      'documents:accept-field': ({ id, field, version }) =>
        edit(id, field, (doc, now) => {
          requireReviewable(id);
          const f = requireField(id, field);
          if (f.state !== 'pending') return;
          setField.run(f.value, 'accepted', id, field);
          writeAudit(doc, id, now, { field, action: 'accept-field', old: f.value, new: f.value, source: 'clerk' });
        }, version),

      'documents:apply-fix': ({ findingId, version }) => {
        const finding = findingFix.get(findingId);
        if (!finding || finding.document_id === null || finding.field === null || finding.fix_value === null) {
          throw new UserError('no-fix', 'Для этого замечания нет исправления (возможно, оно уже устарело)', 'This finding has no fix (it may be outdated)');
        }
        const { document_id: id, field, fix_value: value } = finding;
        return edit(id, field, (doc, now) => {
          requireReviewable(id);
          const f = requireField(id, field);
          setField.run(value, 'corrected', id, field);
          writeAudit(doc, id, now, { field, action: 'rule-fix', old: f.value, new: value, source: 'rule-fix', details: { findingId, code: finding.code } });
        }, version);
      },

      'documents:undo-field': ({ id, field, version }) =>
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
        }, version),

      'documents:undo-document': ({ id, version }) =>
        edit(id, null, (doc, now) => {
          const changed = changedFields.all(id);
          for (const f of changed) {
            setField.run(f.recognised, 'pending', id, f.name);
            writeAudit(doc, id, now, { field: f.name, action: 'undo', old: f.value, new: f.recognised, source: 'undo', details: { document: true } });
          }
          setReview.run('pending', null, null, null, now, id);
          writeAudit(doc, id, now, { field: null, action: 'undo-document', source: 'undo' });
        }, version),

      'documents:confirm': ({ id, despiteFindings, version }) =>
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
          acceptPending.run(id);
          setReview.run('verified', null, now, ctx.actor, now, id);
          if (reasons.length === 0) writeAudit(doc, id, now, { field: null, action: 'confirm', new: 'verified', source: 'clerk' });
          else {
            writeAudit(doc, id, now, {
              field: null, action: 'confirm-despite-findings', new: reasons.map((r) => r.ru).join('; '), source: 'clerk',
              details: { reasons: reasons.map((r) => r.ru), reasonsEn: reasons.map((r) => r.en) },
            });
          }
        }, version),

      'documents:postpone': ({ id, version }) =>
        edit(id, null, (doc, now) => {
          setReview.run('postponed', null, now, ctx.actor, now, id);
          writeAudit(doc, id, now, { field: null, action: 'postpone', new: 'postponed', source: 'clerk' });
        }, version),

      'documents:reject': ({ id, reason, version }) =>
        edit(id, null, (doc, now) => {
          requireReviewable(id);
          const text = reason.trim();
          if (!text) throw new UserError('reason-required', 'Укажите причину отклонения', 'A reason is required');
          setReview.run('rejected', text, now, ctx.actor, now, id);
          writeAudit(doc, id, now, { field: null, action: 'reject', new: text, source: 'clerk' });
        }, version),
    },
  };
}
