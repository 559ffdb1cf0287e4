// The lifecycle of documents and cases: which status may follow which.
//
// [Note: one table of lifecycle moves]
// The allowed moves of a document's `status` and of a case's `state` (a case is one queue job = one add_document
// request). This table is the authority: the database refuses any other move (guards.ts installs it as triggers on
// every read-write connection), and the SQL that writes a status lives in this folder only (queue-moves.ts,
// intake-moves.ts; a test scans main/ for any other), so a writer in intake, queue or review cannot
// put a row somewhere its lifecycle does not go. Written from what the flows do:
//   intake  seen/waiting → decided (queued | rejected | ignored | duplicate); a re-decided file goes back to 'seen';
//   queue   queued → sending (intent before the POST) → processing → recognised | failed; a retry after a transient
//           error puts sending back to queued; a crash between intent and answer leaves 'uncertain';
//   clerk   cancel (not yet sent), retry (failed: re-send, or re-poll when already paid), reprocess (finished → queued),
//           resolve-uncertain (resubmit → queued, or mark failed).
// Staying in the same status (a new reason, a new poll time) is always allowed. Deleting a case or purging data
// deletes or blanks rows and never moves a status, so it needs no edge here.
import type { CaseState, DocStatus } from '../../../shared/types.ts';

export const DOC_MOVES: { readonly [From in DocStatus]: readonly DocStatus[] } = {
  seen: ['waiting', 'queued', 'rejected', 'ignored', 'duplicate', 'cancelled'],
  waiting: ['queued', 'rejected', 'ignored', 'duplicate', 'cancelled'],
  // 'seen': re-decided while its case still collects; 'failed': the scan changed after the check.
  queued: ['seen', 'sending', 'cancelled', 'failed'],
  sending: ['processing', 'queued', 'failed', 'uncertain'],
  // 'queued': re-process / retry puts every sent document of the case back (queue/repo.ts requeueDocs).
  processing: ['recognised', 'failed', 'queued'],
  recognised: ['queued'],
  failed: ['queued', 'processing'],
  uncertain: ['queued', 'failed'],
  rejected: ['seen'],
  ignored: ['seen'],
  duplicate: ['seen'],
  cancelled: [],
};

export const CASE_MOVES: { readonly [From in CaseState]: readonly CaseState[] } = {
  collecting: ['queued', 'rejected', 'cancelled'],
  queued: ['sending', 'cancelled', 'failed'],
  sending: ['processing', 'queued', 'failed', 'uncertain'],
  processing: ['done', 'failed'],
  done: ['queued'],
  failed: ['queued', 'processing'],
  uncertain: ['queued', 'failed'],
  // A rejected case reopens when a new file arrives for it (nothing was ever sent).
  rejected: ['collecting'],
  cancelled: [],
};

export type Lifecycle = 'document' | 'case';

export class TransitionError extends Error {
  constructor(
    readonly lifecycle: Lifecycle,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${lifecycle} ${from} → ${to} is not an allowed move`);
  }
}

const tables: Record<Lifecycle, Readonly<Record<string, readonly string[]>>> = { document: DOC_MOVES, case: CASE_MOVES };

export function canMove(lifecycle: Lifecycle, from: string, to: string): boolean {
  return from === to ? from in tables[lifecycle] : (tables[lifecycle][from]?.includes(to) ?? false);
}

/** Throws TransitionError for a move the table does not list (callers that check before writing). */
export function assertMove(lifecycle: Lifecycle, from: string, to: string): void {
  if (!canMove(lifecycle, from, to)) throw new TransitionError(lifecycle, from, to);
}

/** Every allowed (from, to) pair, self-moves excluded. */
export function edges(lifecycle: Lifecycle): [string, string][] {
  return Object.entries(tables[lifecycle]).flatMap(([from, tos]) => tos.map((to): [string, string] => [from, to]));
}
