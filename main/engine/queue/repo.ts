// All SQL of the submission queue. "The database is the queue": state, attempts, next-try/poll times and the
// last error live on the `cases` row, so a crash loses nothing and a restart resumes.
import type { Db } from '../db/open.ts';
import type { DocStatus } from '../../../shared/types.ts';
import { createQueueMoves } from '../state/queue-moves.ts';

export type CaseRow = {
  id: number;
  state: string;
  beorg_document_id: string | null;
  attempts: number;
  polls: number;
  next_poll_at: number | null;
  poll_deadline_at: number | null;
  overdue: number;
  submitted_at: number | null;
};

export type SubmitDocRow = { id: number; doc_type: string; api_key: string | null; path: string; current_path: string | null; upload_path: string | null; sha256: string | null };

export const UNCERTAIN_REASON = 'Возможно, уже отправлено: проверьте в кабинете Beorg перед повторной отправкой';
export const OVERDUE_REASON = 'Результат задерживается: Beorg ещё обрабатывает документ, проверяем реже';

export function createQueueRepo(db: Db) {
  const s = {
    ...createQueueMoves(db),
    dueUploads: db.prepare<[number, number], { id: number }>(
      `SELECT id FROM cases WHERE state = 'queued' AND (next_try_at IS NULL OR next_try_at <= ?) ORDER BY id LIMIT ?`,
    ),
    duePolls: db.prepare<[number, number], { id: number }>(
      `SELECT id FROM cases WHERE state = 'processing' AND beorg_document_id IS NOT NULL AND (next_poll_at IS NULL OR next_poll_at <= ?) ORDER BY next_poll_at LIMIT ?`,
    ),
    nextUpload: db.prepare<[], { t: number | null }>(`SELECT MIN(COALESCE(next_try_at, 0)) AS t FROM cases WHERE state = 'queued'`),
    nextPoll: db.prepare<[], { t: number | null }>(`SELECT MIN(COALESCE(next_poll_at, 0)) AS t FROM cases WHERE state = 'processing'`),
    getCase: db.prepare<[number], CaseRow>(
      `SELECT id, state, beorg_document_id, attempts, polls, next_poll_at, poll_deadline_at, overdue, submitted_at FROM cases WHERE id = ?`,
    ),
    submitDocs: db.prepare<[number], SubmitDocRow>(
      `SELECT id, doc_type, api_key, path, current_path, upload_path, sha256 FROM documents WHERE case_id = ? AND status IN ('queued','sending') ORDER BY id`,
    ),
    docsIn: db.prepare<[number, string], { id: number; api_key: string | null }>(
      `SELECT id, api_key FROM documents WHERE case_id = ? AND status = ? ORDER BY id`,
    ),
    caseDocIds: db.prepare<[number], { id: number }>('SELECT id FROM documents WHERE case_id = ?'),
    pollLater: db.prepare(
      `UPDATE cases SET polls = polls + @inc, next_poll_at = @nextPoll, overdue = @overdue, last_error = @err, error_kind = @kind, updated_at = @now WHERE id = @id`,
    ),
    docOverdue: db.prepare(
      `UPDATE documents SET status_reason = @reason, status_code = 'queue.overdue', updated_at = @now WHERE case_id = @caseId AND status = 'processing'`,
    ),
    apiRequest: db.prepare(
      `INSERT INTO api_requests(at, case_id, kind, http_status, outcome, duration_ms, billable) VALUES (@at, @caseId, @kind, @status, @outcome, @ms, @billable)`,
    ),
    resumePolls: db.prepare(`UPDATE cases SET next_poll_at = @now WHERE state = 'processing' AND (next_poll_at IS NULL OR next_poll_at > @now)`),
    uncertainCount: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM cases WHERE state = 'uncertain'`),
    activeCount: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM cases WHERE state IN ('queued','sending','processing')`),
    nonQueuedActive: db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM cases WHERE state IN ('sending','processing')`),
    statusCounts: db.prepare<[], { status: DocStatus; n: number }>('SELECT status, COUNT(*) AS n FROM documents GROUP BY status'),
    // api_requests.billable = documents billed by that request ([Note: what a submission costs]); 0 = free.
    billable: db.prepare<[number], { total: number; today: number }>(
      `SELECT COALESCE(SUM(billable), 0) AS total, COALESCE(SUM(CASE WHEN at >= ? THEN billable ELSE 0 END), 0) AS today FROM api_requests WHERE billable > 0`,
    ),
    savedCounts: db.prepare<[], { status: string; n: number }>(
      `SELECT status, COUNT(*) AS n FROM documents WHERE status IN ('duplicate','rejected') AND doc_type != 'SELFIE' GROUP BY status`,
    ),
    recentDurations: db.prepare<[], { d: number }>(
      `SELECT completed_at - submitted_at AS d FROM cases WHERE state = 'done' AND submitted_at IS NOT NULL AND completed_at IS NOT NULL ORDER BY completed_at DESC LIMIT 50`,
    ),
    // Driven from cases_completed (recent cases only): led by documents_status it visited every recognised
    // document — 350 ms per header refresh at 100k documents. `+d.status` keeps the planner off that index.
    recentDone: db.prepare<[number], { n: number }>(
      `SELECT COUNT(*) AS n FROM cases c JOIN documents d ON d.case_id = c.id WHERE c.completed_at >= ? AND +d.status IN ('recognised','failed')`,
    ),
    firstDoneSince: db.prepare<[number], { t: number | null }>(`SELECT MIN(completed_at) AS t FROM cases WHERE completed_at >= ?`),
    audit: db.prepare(
      `INSERT INTO audit_events(at, actor, case_id, action, source, details) VALUES (@at, @actor, @caseId, @action, 'clerk', @details)`,
    ),
    // Cases being sent right now by any instance, not yet accepted: what they will bill counts against the daily cap.
    inFlightDocTypes: db.prepare<[], { case_id: number; doc_type: string }>(
      `SELECT d.case_id, d.doc_type FROM documents d JOIN cases c ON c.id = d.case_id
       WHERE c.state = 'sending' AND c.beorg_document_id IS NULL AND d.status NOT IN ('rejected','ignored','duplicate','cancelled')`,
    ),
    billableDocTypes: db.prepare<[number], { doc_type: string }>(
      `SELECT doc_type FROM documents WHERE case_id = ? AND status NOT IN ('rejected','ignored','duplicate','cancelled')`,
    ),
  };
  return s;
}
export type QueueRepo = ReturnType<typeof createQueueRepo>;
