// Plain domain types shared by the engine, the renderer and every transport.
// Only data crosses process boundaries: ids, values, counts — never file paths from the renderer.

export const DOC_TYPES = ['PASSPORT', 'INN', 'SELFIE'] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** Lifecycle of one source file = one document row in the grid. */
export const DOC_STATUSES = [
  'seen', // noticed by the watcher, not yet checked
  'waiting', // still being written (size/mtime not stable) — visible, never silent
  'queued', // pre-flight passed, case waiting for submission
  'sending', // add_document in flight (intent committed)
  'processing', // document_id known, polling for the result
  'recognised', // result stored
  'failed', // API or transport error after retries / final 4xx
  'rejected', // pre-flight refused locally: never sent, never paid
  'ignored', // temp/system file
  'duplicate', // same bytes seen before (links to the earlier document)
  'uncertain', // crash between intent and document_id: may have been sent — clerk decides
  'cancelled', // clerk cancelled before submission
] as const;
export type DocStatus = (typeof DOC_STATUSES)[number];

export const CASE_STATES = [
  'collecting', // files still arriving: the case window restarts on every change
  'queued',
  'sending',
  'processing',
  'done',
  'failed',
  'rejected',
  'uncertain',
  'cancelled',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const REVIEW_STATES = ['pending', 'verified', 'postponed', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const FIELD_STATES = ['pending', 'accepted', 'corrected'] as const;
export type FieldState = (typeof FIELD_STATES)[number];

export type Severity = 'error' | 'warning' | 'info';
export type FindingSource = 'api' | 'local';

export type Finding = {
  id: number;
  documentId: number | null;
  caseId: number;
  field: string | null;
  severity: Severity;
  code: string;
  messageRu: string;
  messageEn: string;
  source: FindingSource;
  /** A one-key fix the clerk may accept (e.g. a single OCR confusion that makes a checksum pass). */
  fix: { value: string; noteRu: string; noteEn: string } | null;
  /** Another document this finding points at (duplicate person, earlier result). */
  relatedDocumentId: number | null;
};

export type CaseVerdict = 'ok' | 'review' | 'rejected';

export type DuplicatePolicy = 'skip' | 'warn' | 'allow';
export type OriginalsPolicy = 'keep' | 'move';

export type Language = 'ru' | 'en';

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}

// API enums the renderer needs as values (the zod contract in api/ re-exports them; zod stays out of the UI bundle).
export const QUICK_FILTERS = ['all', 'needs-review', 'low-confidence', 'has-errors', 'failed', 'duplicates', 'verified', 'postponed', 'clerk-rejected', 'exported'] as const;
export type QuickFilter = (typeof QUICK_FILTERS)[number];
export const EXPORT_FORMATS = ['xlsx', 'csv', 'json', 'ndjson'] as const;
export const CSV_PRESETS = ['excel-ru', 'excel-utf16', 'rfc4180'] as const;
