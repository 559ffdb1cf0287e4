// Contract: the review grid and verification flow. Implemented in main/engine/review.
import { z } from 'zod';
import { req } from './define.ts';
import { id } from './queue.ts';

/** The document version an edit was made against (DocumentDetail.version); optional so scripts may omit it. */
const version = z.number().int().nonnegative().optional();
import {
  DOC_STATUSES, DOC_TYPES, REVIEW_STATES,
  type CaseState, type CaseVerdict, type DocStatus, type DocType, type FieldState, type Finding, type FindingSource, type ReviewState, type Severity,
} from '../types.ts';

// The list itself lives in ../types.ts (no zod there: the renderer bundle imports it).
import { QUICK_FILTERS, type QuickFilter } from '../types.ts';
export { QUICK_FILTERS, type QuickFilter };

export const documentFilterSchema = z.object({
  quick: z.enum(QUICK_FILTERS).default('all'),
  types: z.array(z.enum(DOC_TYPES)).max(3).optional(),
  statuses: z.array(z.enum(DOC_STATUSES)).max(DOC_STATUSES.length).optional(),
  review: z.array(z.enum(REVIEW_STATES)).max(4).optional(),
  folderId: id.optional(),
  caseId: id.optional(),
  dateFrom: z.number().int().optional(),
  dateTo: z.number().int().optional(),
  search: z.string().max(200).optional(),
});
export type DocumentFilter = z.infer<typeof documentFilterSchema>;

/** Sort keys: a fixed column (allowlisted in the repository) or `field:<Name>`. */
export const sortSchema = z.array(z.object({ key: z.string().max(64), dir: z.enum(['asc', 'desc']) })).max(3);

export const listQuerySchema = z.object({
  offset: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000),
  sort: sortSchema.default([]),
  filter: documentFilterSchema.default({ quick: 'all' }),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** One finding on a grid cell, for the hover text: severity, source, message in both languages. */
export type CellFinding = { sev: Severity; src: FindingSource; ru: string; en: string };

export type CellValue = {
  /** Final value (clerk's correction, or the recognised value). */
  v: string | null;
  /** Confidence 0..1 from the API, null when absent. */
  c: number | null;
  /** Worst finding severity on this field, if any. */
  f: 'error' | 'warning' | 'info' | null;
  /** Field state: pending / accepted / corrected. */
  s: FieldState;
  /** The field's findings, worst first. Present only on fields that have any (keeps pages small). */
  m?: CellFinding[];
};

export type DocumentRow = {
  id: number;
  caseId: number | null;
  caseLabel: string;
  fileName: string;
  folderId: number | null;
  type: DocType;
  status: DocStatus;
  statusReason: string | null;
  review: ReviewState;
  fields: Record<string, CellValue>;
  minConfidence: number | null;
  errorCount: number;
  warningCount: number;
  matchScore: number | null;
  livenessScore: number | null;
  broken: boolean | null;
  duplicateOf: number | null;
  exportedAt: number | null;
  createdAt: number;
  updatedAt: number;
};

export type FieldDetail = {
  name: string;
  recognised: string | null;
  value: string | null;
  confidence: number | null;
  state: FieldState;
};

export type AuditEntry = {
  id: number;
  at: number;
  actor: string;
  documentId: number | null;
  field: string | null;
  action: string;
  oldValue: string | null;
  newValue: string | null;
  source: 'clerk' | 'rule-fix' | 'undo' | 'engine';
};

export type DocumentDetail = {
  row: DocumentRow;
  fields: FieldDetail[];
  findings: Finding[];
  history: AuditEntry[];
  case: { id: number; label: string; state: CaseState; verdict: CaseVerdict | null; verdictReasons: string[]; documentIds: number[]; beorgDocumentId: string | null } | null;
  image: { mime: string; pages: number; width: number | null; height: number | null } | null;
  rawBroken: { reasons: string[]; reasonsRu: string[] } | null;
  /** Counts clerks' writes; an edit sends the version it was made against (several clerks on one database). */
  version: number;
  /** Another clerk verifying this document right now, or null. */
  claimedBy: string | null;
};

export type CaseRow = {
  id: number;
  label: string;
  state: CaseState;
  verdict: CaseVerdict | null;
  documents: { id: number; type: DocType; status: DocStatus; review: ReviewState }[];
  fields: Record<string, CellValue>; // passport fields then INN fields prefixed "INN."
  matchScore: number | null;
  livenessScore: number | null;
  /** Latest export of any of the case's documents. */
  exportedAt: number | null;
  updatedAt: number;
};

/** Option counts for the type and folder pickers: each criterion counted over the rest of the filter. */
export type FacetCounts = {
  types: Record<DocType, number>;
  folders: { folderId: number; count: number }[];
};

export type Stats = {
  perDay: { day: string; recognised: number; verified: number; failed: number }[];
  correctionsPerField: { field: string; count: number }[];
  failuresByReason: { reason: string; count: number }[];
};

export const documentsApi = {
  'documents:list': req<{ rows: DocumentRow[]; total: number }>()(listQuerySchema),
  'documents:counts': req<Record<QuickFilter, number>>()(z.object({ filter: documentFilterSchema.optional() })),
  'documents:facets': req<FacetCounts>()(z.object({ filter: documentFilterSchema })),
  'documents:get': req<DocumentDetail>()(z.object({ id })),
  'documents:set-field': req<DocumentDetail>()(z.object({ id, field: z.string().min(1).max(64), value: z.string().max(2000), version })),
  'documents:accept-field': req<DocumentDetail>()(z.object({ id, field: z.string().min(1).max(64), version })),
  'documents:apply-fix': req<DocumentDetail>()(z.object({ findingId: id, version })),
  'documents:undo-field': req<DocumentDetail>()(z.object({ id, field: z.string().min(1).max(64), version })),
  'documents:undo-document': req<DocumentDetail>()(z.object({ id, version })),
  /** Confirms a recognised document. With error-level findings or biometry below the thresholds the engine refuses
   *  (code 'confirm-needs-ack', the reasons in the message) unless `despiteFindings` says the clerk was asked again. */
  'documents:confirm': req<DocumentDetail>()(z.object({ id, despiteFindings: z.boolean().optional(), version })),
  'documents:postpone': req<DocumentDetail>()(z.object({ id, version })),
  'documents:reject': req<DocumentDetail>()(z.object({ id, reason: z.string().min(1).max(500), version })),
  /** Starts (or renews) this clerk's verification of a document; refused with code 'claimed' «Проверяет: …». */
  'documents:claim': req<{ claimedBy: string; until: number }>()(z.object({ id })),
  'documents:release': req<null>()(z.object({ id })),
  /** Next recognised document still pending review after `afterId` in the given list order: only those needing
   *  attention, or (`include: 'pending'`) every one of them, clean ones included. */
  'documents:next-attention': req<{ id: number | null }>()(
    listQuerySchema.omit({ offset: true, limit: true }).extend({ afterId: id.optional(), include: z.enum(['attention', 'pending']).default('attention') }),
  ),
  'cases:list': req<{ rows: CaseRow[]; total: number }>()(listQuerySchema),
  'stats:get': req<Stats>()(z.object({ days: z.number().int().min(1).max(366).default(30) })),
} as const;
