// Reads the documents of an export in keyset pages. better-sqlite3 forbids any other statement on the
// connection while an iterator is open, and the writers await between rows, so instead of one long
// iterate() we page by (case_id, id): each page is one small `.all()`, and fields/findings/history for the
// page come in batched queries. Memory stays at one page (PAGE_SIZE documents) however big the export.
import type { Db } from '../db/open.ts';
import type { DocStatus, DocType, ReviewState, Severity } from '../../../shared/types.ts';
import type { Where } from './scope.ts';

export const PAGE_SIZE = 500;

export type FieldRecord = { recognised: string | null; value: string | null; confidence: number | null; state: string };
export type FindingRecord = {
  documentId: number | null; caseId: number; field: string | null; severity: Severity; code: string;
  messageRu: string; messageEn: string; source: 'api' | 'local';
};
export type HistoryRecord = {
  at: number; actor: string; field: string | null; action: string; oldValue: string | null; newValue: string | null; source: string;
};

export type DocRecord = {
  id: number;
  caseId: number | null;
  caseLabel: string | null;
  caseVerdict: string | null;
  caseVerdictReasons: string;
  beorgDocumentId: string | null;
  /** documents.duplicate_of: the earlier document with the same bytes (duplicate rows, or 'allow' re-sends). */
  duplicateOf: number | null;
  path: string;
  currentPath: string | null;
  relPath: string;
  fileName: string;
  type: DocType;
  status: DocStatus;
  statusReason: string | null;
  statusCode: string | null;
  review: ReviewState;
  reviewReason: string | null;
  broken: number | null;
  brokenReasons: string;
  brokenReasonsRu: string;
  matchScore: number | null;
  livenessScore: number | null;
  rawDocument: string | null;
  exportedAt: number | null;
  /** documents.min_confidence (absent fields excluded), so every detail level can show it without field rows. */
  minConfidence: number | null;
  fields: Map<string, FieldRecord>;
  findings: FindingRecord[];
  history: HistoryRecord[];
};

type Row = Omit<DocRecord, 'fields' | 'findings' | 'history' | 'rawDocument'> & { valuesJson: string; rawDocument?: string | null };

const DOC_COLUMNS = `d.id, d.case_id AS caseId, c.label AS caseLabel, c.verdict AS caseVerdict,
  COALESCE(c.verdict_reasons, '[]') AS caseVerdictReasons, c.beorg_document_id AS beorgDocumentId,
  d.duplicate_of AS duplicateOf, d.path, d.current_path AS currentPath, d.rel_path AS relPath, d.file_name AS fileName, d.doc_type AS type,
  d.status, d.status_reason AS statusReason, d.status_code AS statusCode, d.review_state AS review,
  d.review_reason AS reviewReason, d.broken, d.broken_reasons AS brokenReasons, d.broken_reasons_ru AS brokenReasonsRu,
  d.match_score AS matchScore, d.liveness_score AS livenessScore, d.exported_at AS exportedAt,
  d.values_json AS valuesJson, d.min_confidence AS minConfidence`;

/**
 * full: every field row + history + raw API result (JSON export).
 * spreadsheet: final values from documents.values_json (kept in step with `fields` by the one writer in
 * store/document-fields.ts); confidences are read only for fields under the threshold (the cells that get
 * highlighted), and only for documents whose min_confidence says they have one. Reading all 1.1M field rows
 * of 100k documents costs seconds; this keeps a spreadsheet export within its budget.
 * values: final values only (CSV has no highlighting, so no confidences at all).
 */
export type Detail = { kind: 'full' } | { kind: 'spreadsheet'; threshold: number } | { kind: 'values' };
export type PageOptions = { type?: DocType; detail: Detail; byCase?: boolean };

export type RecordReader = {
  count(): number;
  /** Yields documents PAGE_SIZE at a time, in id order, or (byCase) case-less documents first then (case, id) order. */
  pages(opts: PageOptions): Generator<DocRecord[]>;
};

export function createRecordReader(db: Db, where: Where): RecordReader {
  // Keysets follow an index (the primary key, or documents_case(case_id) + rowid) so every page is a range
  // scan, never a re-sort of the whole table.
  const pageStmt = (typed: boolean, phase: 'id' | 'no-case' | 'case', full: boolean) => {
    const keyset = phase === 'case' ? 'd.case_id IS NOT NULL AND (d.case_id, d.id) > (?, ?)' : `${phase === 'no-case' ? 'd.case_id IS NULL AND ' : ''}d.id > ?`;
    return db.prepare(
      `SELECT ${DOC_COLUMNS}${full ? ', d.raw_document AS rawDocument' : ''} FROM documents d LEFT JOIN cases c ON c.id = d.case_id
       WHERE (${where.sql}) ${typed ? 'AND d.doc_type = ?' : ''} AND ${keyset}
       ORDER BY ${phase === 'case' ? 'd.case_id, d.id' : 'd.id'} LIMIT ${PAGE_SIZE}`,
    );
  };
  const stmts = new Map<string, ReturnType<typeof pageStmt>>();
  const stmtFor = (typed: boolean, phase: 'id' | 'no-case' | 'case', full: boolean) => {
    const k = `${typed}:${phase}:${full}`;
    let st = stmts.get(k);
    if (!st) stmts.set(k, (st = pageStmt(typed, phase, full)));
    return st;
  };
  const fieldsStmt = db.prepare<[string], { documentId: number; name: string } & FieldRecord>(
    `SELECT document_id AS documentId, name, recognised, value, confidence, state FROM fields
     WHERE document_id IN (SELECT value FROM json_each(?))`,
  );
  const lowFieldsStmt = db.prepare<[string, number], { documentId: number; name: string; confidence: number }>(
    `SELECT document_id AS documentId, name, confidence FROM fields
     WHERE document_id IN (SELECT value FROM json_each(?)) AND confidence < ?`,
  );
  const findingsStmt = db.prepare<[string], FindingRecord>(
    `SELECT document_id AS documentId, case_id AS caseId, field, severity, code, message_ru AS messageRu,
       message_en AS messageEn, source FROM findings WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  const historyStmt = db.prepare<[string], HistoryRecord & { documentId: number }>(
    `SELECT document_id AS documentId, at, actor, field, action, old_value AS oldValue, new_value AS newValue, source
     FROM audit_events WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  const countStmt = db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM documents d WHERE ${where.sql}`);

  function attach(rows: Row[], detail: Detail): DocRecord[] {
    const byId = new Map<number, DocRecord>();
    const withFieldRows: number[] = [];
    const withLowFields: number[] = [];
    const docs = rows.map((r) => {
      const { valuesJson, minConfidence } = r;
      // The row object becomes the record in place: copying 25 properties with rest/spread for every one of
      // 100k rows cost more than the SQL itself. valuesJson stays behind, hidden by the type.
      const doc = r as unknown as DocRecord;
      doc.rawDocument = r.rawDocument ?? null;
      doc.fields = new Map();
      doc.findings = [];
      doc.history = [];
      byId.set(doc.id, doc);
      if (detail.kind === 'full') withFieldRows.push(doc.id);
      else {
        for (const [name, value] of Object.entries(parseValues(valuesJson))) doc.fields.set(name, { recognised: null, value, confidence: null, state: 'pending' });
        if (detail.kind === 'spreadsheet' && minConfidence !== null && minConfidence < detail.threshold) withLowFields.push(doc.id);
      }
      return doc;
    });
    if (withFieldRows.length) {
      for (const f of fieldsStmt.all(JSON.stringify(withFieldRows))) {
        byId.get(f.documentId)?.fields.set(f.name, { recognised: f.recognised, value: f.value, confidence: f.confidence, state: f.state });
      }
    }
    if (detail.kind === 'spreadsheet' && withLowFields.length) {
      for (const f of lowFieldsStmt.all(JSON.stringify(withLowFields), detail.threshold)) {
        const field = byId.get(f.documentId)?.fields.get(f.name);
        if (field) field.confidence = f.confidence;
      }
    }
    const ids = JSON.stringify(rows.map((r) => r.id));
    for (const f of findingsStmt.all(ids)) if (f.documentId !== null) byId.get(f.documentId)?.findings.push(f);
    if (detail.kind === 'full') {
      for (const h of historyStmt.all(ids)) {
        const { documentId, ...entry } = h;
        byId.get(documentId)?.history.push(entry);
      }
    }
    return docs;
  }

  return {
    count: () => countStmt.get(...where.params)?.n ?? 0,
    *pages(opts) {
      const typed = opts.type !== undefined;
      const typeArg = typed ? [opts.type] : [];
      const phases = opts.byCase ? (['no-case', 'case'] as const) : (['id'] as const);
      for (const phase of phases) {
        let caseKey = -1;
        let lastId = -1;
        for (;;) {
          const keys = phase === 'case' ? [caseKey, lastId] : [lastId];
          const rows = stmtFor(typed, phase, opts.detail.kind === 'full').all(...where.params, ...typeArg, ...keys) as Row[];
          if (rows.length === 0) break;
          const last = rows[rows.length - 1]!;
          caseKey = last.caseId ?? -1;
          lastId = last.id;
          yield attach(rows, opts.detail);
          if (rows.length < PAGE_SIZE) break;
        }
      }
    },
  };
}

function parseValues(json: string): Record<string, string | null> {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string | null>) : {};
  } catch {
    return {};
  }
}

/**
 * Groups a (case, id)-ordered document stream into cases (one 1C row per person). A case split across a page
 * boundary is carried over, so grouping holds at any page size.
 */
export function* groupByCase(pages: Iterable<DocRecord[]>): Generator<DocRecord[][]> {
  let pending: DocRecord[] = [];
  for (const page of pages) {
    const groups: DocRecord[][] = [];
    for (const doc of page) {
      const prev = pending[0];
      // Documents with no case are each their own "person".
      if (prev && (doc.caseId === null || doc.caseId !== prev.caseId)) {
        groups.push(pending);
        pending = [];
      }
      pending.push(doc);
    }
    if (groups.length) yield groups;
  }
  if (pending.length) yield [pending];
}
