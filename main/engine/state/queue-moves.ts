// See [Note: one table of lifecycle moves]. Every statement the queue uses to move a case's `state` or a document's
// `status`, typed by the statuses it may write. queue/repo.ts spreads them into the queue's repository; the
// database guard (guards.ts) refuses any move the table does not list.
import type { CaseState, DocStatus } from '../../../shared/types.ts';
import type { Db } from '../db/open.ts';

/** A case whose sending instance has no lease row any more ([Note: instances hold leases]). */
const ORPHAN = '(owner_id IS NULL OR owner_id NOT IN (SELECT id FROM instances))';

export function createQueueMoves(db: Db) {
  return {
    setCase: db.prepare<{ id: number; state: CaseState; now: number }>(
      `UPDATE cases SET state = @state, updated_at = @now WHERE id = @id`,
    ),
    // The instance sending is recorded with the intent ([Note: instances hold leases]).
    intent: db.prepare<{ id: number; now: number; owner: string }>(
      `UPDATE cases SET state = 'sending', intent_at = @now, attempts = attempts + 1, owner_id = @owner, updated_at = @now WHERE id = @id AND state = 'queued'`,
    ),
    submitted: db.prepare<{ id: number; docId: string; now: number; nextPoll: number; deadline: number }>(
      `UPDATE cases SET state = 'processing', beorg_document_id = @docId, submitted_at = @now, polls = 0, next_poll_at = @nextPoll,
         poll_deadline_at = @deadline, overdue = 0, last_error = NULL, error_kind = NULL, updated_at = @now WHERE id = @id`,
    ),
    backToQueue: db.prepare<{ id: number; nextTry: number | null; err: string | null; kind: string | null; refund: number; now: number }>(
      `UPDATE cases SET state = 'queued', intent_at = NULL, next_try_at = @nextTry, last_error = @err, error_kind = @kind,
         attempts = attempts - @refund, updated_at = @now WHERE id = @id`,
    ),
    failCase: db.prepare<{ id: number; err: string; kind: string; now: number }>(`UPDATE cases SET state = 'failed', last_error = @err, error_kind = @kind, completed_at = @now, next_try_at = NULL, updated_at = @now WHERE id = @id`),
    done: db.prepare<{ id: number; state: 'done' | 'failed'; raw: string; now: number; err: string | null; kind: string | null }>(`UPDATE cases SET state = @state, raw_result = @raw, completed_at = @now, last_error = @err, error_kind = @kind, next_poll_at = NULL, updated_at = @now WHERE id = @id`),
    docStatus: db.prepare<{ caseId: number; status: DocStatus; reason: string | null; code: string | null; now: number; from: DocStatus }>(
      `UPDATE documents SET status = @status, status_reason = @reason, status_code = @code, updated_at = @now WHERE case_id = @caseId AND status = @from`,
    ),
    docResult: db.prepare<{ id: number; status: DocStatus; reason: string | null; code: string | null; broken: number | null; br: string; brRu: string; ver: string | null; match: number | null; live: number | null; raw: string | null; now: number }>(
      `UPDATE documents SET status = @status, status_reason = @reason, status_code = @code, broken = @broken, broken_reasons = @br, broken_reasons_ru = @brRu,
         api_verifications = @ver, match_score = @match, liveness_score = @live, raw_document = @raw, updated_at = @now WHERE id = @id`,
    ),
    // Only orphans: a send whose instance is gone, never one in flight on a live instance.
    recover: db.prepare<{ reason: string; now: number }>(
      `UPDATE cases SET state = 'uncertain', last_error = @reason, error_kind = 'uncertain', updated_at = @now
        WHERE state = 'sending' AND beorg_document_id IS NULL AND ${ORPHAN}`,
    ),
    recoverDocs: db.prepare<{ reason: string; now: number }>(
      `UPDATE documents SET status = 'uncertain', status_reason = @reason, status_code = 'queue.uncertain', updated_at = @now
        WHERE status = 'sending' AND case_id IN (SELECT id FROM cases WHERE state = 'uncertain')`,
    ),
    recoverSending: db.prepare<{ now: number }>(
      `UPDATE cases SET state = 'processing', next_poll_at = @now WHERE state = 'sending' AND beorg_document_id IS NOT NULL AND ${ORPHAN}`,
    ),
    recoverSendingDocs: db.prepare<[]>(
      `UPDATE documents SET status = 'processing' WHERE status = 'sending' AND case_id IN (SELECT id FROM cases WHERE state = 'processing')`,
    ),
    uncertainCase: db.prepare<{ id: number; err: string; now: number }>(
      `UPDATE cases SET state = 'uncertain', last_error = @err, error_kind = 'no-response', updated_at = @now WHERE id = @id AND state = 'sending'`,
    ),
    requeueDocs: db.prepare<{ caseId: number; now: number }>(
      `UPDATE documents SET status = 'queued', status_reason = NULL, status_code = NULL, updated_at = @now
        WHERE case_id = @caseId AND status NOT IN ('rejected','ignored','duplicate','cancelled','seen','waiting')`,
    ),
    requeueCase: db.prepare<{ id: number; now: number }>(
      `UPDATE cases SET state = 'queued', beorg_document_id = NULL, attempts = 0, next_try_at = NULL, last_error = NULL, error_kind = NULL, intent_at = NULL,
         submitted_at = NULL, polls = 0, next_poll_at = NULL, poll_deadline_at = NULL, overdue = 0, completed_at = NULL, updated_at = @now WHERE id = @id`,
    ),
    cancelDocs: db.prepare<{ caseId: number; now: number }>(
      `UPDATE documents SET status = 'cancelled', status_reason = 'Отменено оператором', updated_at = @now WHERE case_id = @caseId AND status IN ('queued','seen','waiting')`,
    ),
    repollDocs: db.prepare<{ caseId: number; now: number }>(
      `UPDATE documents SET status = 'processing', status_reason = NULL, status_code = NULL, updated_at = @now WHERE case_id = @caseId AND status = 'failed'`,
    ),
    repollCase: db.prepare<{ id: number; now: number }>(
      `UPDATE cases SET state = 'processing', next_poll_at = @now, last_error = NULL, error_kind = NULL, completed_at = NULL, updated_at = @now WHERE id = @id`,
    ),
  };
}
