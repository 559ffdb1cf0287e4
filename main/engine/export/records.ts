// Reads the documents of an export in keyset pages. better-sqlite3 forbids any other statement on the
// connection while an iterator is open, and the writers await between rows, so instead of one long
// iterate() we page by (case_id, id): each page is one small `.all()`, and fields/findings/history for the
// page come in batched queries. Memory stays at a page or two (PAGE_SIZE documents) however big the export.
import { isPostgres, startAll, startPage, type Db } from '../db/open.ts';
import type { DocStatus, DocType, ReviewState, Severity } from '../../../shared/types.ts';
import type { Where } from './scope.ts';

/**
 * Documents per page. A page stays alive across the awaited writes, so whatever survives two scavenges is promoted
 * and then waits for a full GC: JSON's rich records (field rows, history, parsed raw result) at 500 a page let the
 * heap reach 170 MB before a mark-compact; at 100 the export peaks ~70 MB lower. Spreadsheet rows likewise: a 100k
 * XLSX peaked at ~290 MB with 100 a page and ~230 MB with 50 (SQLite; PostgreSQL ~40 MB above both), as fast. CSV's
 * flat rows keep 500 (fewer queries), and twice that on PostgreSQL, where every page is a round trip (a 100k CSV took
 * 2.45 s at 500 and 2.2 s at 1,000).
 */
export const PAGE_SIZE = { full: 100, spreadsheet: 50, values: 500 } as const;
const pageSize = (detail: Detail, postgres: boolean): number => PAGE_SIZE[detail.kind] * (postgres && detail.kind === 'values' ? 2 : 1);

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
  /** documents.error_count + warning_count: the findings a spreadsheet shows (see `attach`). */
  flagged: number;
  /** {field: final value}, every field the document has (documents.values_json, or the field rows in 'full'). */
  values: Record<string, string | null>;
  /** Confidences below the threshold ('spreadsheet'), every confidence ('full'), or null ('values'). */
  confidences: Map<string, number> | null;
  /** Every field row with recognised value and state: 'full' only (JSON export). */
  fields: Map<string, FieldRecord> | null;
  findings: FindingRecord[];
  history: HistoryRecord[];
};

type Row = Omit<DocRecord, 'values' | 'confidences' | 'fields' | 'findings' | 'history' | 'rawDocument'> & { valuesJson: string; rawDocument?: string | null };

/** Scalar document properties a column can ask for (values, confidences and findings have their own reads). */
export type DocColumn = keyof Omit<Row, 'valuesJson' | 'rawDocument'>;

// Every page reads these; the rest only when a column reads them (`reads` in columns.ts): selecting all 25 for
// every one of 100k rows cost twice what the ~10 a typical template needs do.
const ALWAYS: readonly DocColumn[] = ['id', 'caseId', 'type', 'minConfidence', 'flagged'];
const COLUMN_SQL: Record<DocColumn, string> = {
  id: 'd.id', caseId: 'd.case_id', caseLabel: 'c.label', caseVerdict: 'c.verdict',
  caseVerdictReasons: "COALESCE(c.verdict_reasons, '[]')", beorgDocumentId: 'c.beorg_document_id',
  duplicateOf: 'd.duplicate_of', path: 'd.path', currentPath: 'd.current_path', relPath: 'd.rel_path', fileName: 'd.file_name',
  type: 'd.doc_type', status: 'd.status', statusReason: 'd.status_reason', statusCode: 'd.status_code', review: 'd.review_state',
  reviewReason: 'd.review_reason', broken: 'd.broken', brokenReasons: 'd.broken_reasons', brokenReasonsRu: 'd.broken_reasons_ru',
  matchScore: 'd.match_score', livenessScore: 'd.liveness_score',
  exportedAt: '(SELECT de.exported_at FROM document_exports de WHERE de.document_id = d.id)', minConfidence: 'd.min_confidence',
  flagged: 'd.error_count + d.warning_count',
};
export const ALL_DOC_COLUMNS = Object.keys(COLUMN_SQL) as DocColumn[];

/**
 * full: every field row + history + raw API result (JSON export).
 * spreadsheet: final values from documents.values_json (kept in step with `fields` by the one writer in
 * store/document-fields.ts); confidences are read only for fields under the threshold (the cells that get
 * highlighted), and only for documents whose min_confidence says they have one. Reading all 1.1M field rows
 * of 100k documents costs seconds; this keeps a spreadsheet export within its budget.
 * values: final values only (CSV has no highlighting, so no confidences at all).
 * Only 'full' builds a FieldRecord per field: at 100k documents that is 1.1M objects, and their garbage
 * collection alone cost a CSV export more than its whole budget.
 */
export type Detail = { kind: 'full' } | { kind: 'spreadsheet'; threshold: number } | { kind: 'values' };
export type PageOptions = {
  type?: DocType;
  detail: Detail;
  byCase?: boolean;
  /** Scalar properties to read (default: all). A record lacks the ones not read. */
  columns?: readonly DocColumn[];
  /** Read each document's findings (default: yes). */
  findings?: boolean;
};

export type RecordReader = {
  /** Sends the count of the export's documents; the returned function answers it ([Note: pipelined statements]). */
  count(): () => number;
  /** Yields documents PAGE_SIZE at a time, in id order, or (byCase) case-less documents first then (case, id) order. */
  pages(opts: PageOptions): Generator<DocRecord[]>;
};

export function createRecordReader(db: Db, where: Where): RecordReader {
  // Keysets follow an index (the primary key, or documents_case(case_id) + rowid) so every page is a range
  // scan, never a re-sort of the whole table. The page size is in the text: SQLite plans `LIMIT ?` worse (a 100k CSV
  // took 2.5 s instead of 1.9).
  const pageStmt = (typed: boolean, phase: 'id' | 'no-case' | 'case', full: boolean, columns: readonly DocColumn[], size: number) => {
    const keyset = phase === 'case' ? 'd.case_id IS NOT NULL AND (d.case_id, d.id) > (?, ?)' : `${phase === 'no-case' ? 'd.case_id IS NULL AND ' : ''}d.id > ?`;
    const select = [...columns.map((c) => `${COLUMN_SQL[c]} AS ${c}`), full ? 'd.raw_document AS rawDocument' : 'd.values_json AS valuesJson'];
    const joinCases = columns.some((c) => COLUMN_SQL[c].startsWith('c.') || COLUMN_SQL[c].includes('(c.'));
    return db.prepare(
      `SELECT ${select.join(', ')} FROM documents d ${joinCases ? 'LEFT JOIN cases c ON c.id = d.case_id' : ''}
       WHERE (${where.sql}) ${typed ? 'AND d.doc_type = ?' : ''} AND ${keyset}
       ORDER BY ${phase === 'case' ? 'd.case_id, d.id' : 'd.id'} LIMIT ${size}`,
    );
  };
  const stmts = new Map<string, ReturnType<typeof pageStmt>>();
  const stmtFor = (typed: boolean, phase: 'id' | 'no-case' | 'case', full: boolean, wanted: readonly DocColumn[], size: number) => {
    const columns = ALL_DOC_COLUMNS.filter((c) => ALWAYS.includes(c) || wanted.includes(c));
    const k = `${typed}:${phase}:${full}:${size}:${columns.join(',')}`;
    let st = stmts.get(k);
    if (!st) stmts.set(k, (st = pageStmt(typed, phase, full, columns, size)));
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

  /**
   * Sends the page's extra reads now (fields, history, findings); the returned function builds its records. Only the
   * JSON export shows every finding; a spreadsheet shows errors and warnings, which validation counts on the document
   * in the same transaction that writes them (validation/module.ts writeCase), so a page reads the findings of its
   * counted documents only, and a page of clean documents asks nothing.
   */
  function attach(rows: Row[], detail: Detail, withFindings: boolean): () => DocRecord[] {
    const idsOf = (some: Row[]) => JSON.stringify(some.map((r) => r.id));
    const full = detail.kind === 'full';
    const ids = full ? idsOf(rows) : null;
    const findingIds = ids ?? idsOf(rows.filter((r) => r.flagged > 0));
    const low = detail.kind === 'spreadsheet' ? rows.filter((r) => r.minConfidence !== null && r.minConfidence < detail.threshold).map((r) => r.id) : [];
    const fields = ids ? startAll<{ documentId: number; name: string } & FieldRecord>(fieldsStmt, ids) : null;
    const history = ids ? startAll<HistoryRecord & { documentId: number }>(historyStmt, ids) : null;
    const lowFields = low.length && detail.kind === 'spreadsheet' ? startAll<{ documentId: number; name: string; confidence: number }>(lowFieldsStmt, JSON.stringify(low), detail.threshold) : null;
    const findings = withFindings && findingIds !== '[]' ? startAll<FindingRecord>(findingsStmt, findingIds) : null;
    return () => {
      const byId = new Map<number, DocRecord>();
      const docs = rows.map((r) => {
        // The row object becomes the record in place: copying 25 properties with rest/spread for every one of
        // 100k rows cost more than the SQL itself. valuesJson stays behind, hidden by the type.
        const doc = r as unknown as DocRecord;
        doc.rawDocument = r.rawDocument ?? null;
        doc.values = full ? {} : parseValues(r.valuesJson);
        doc.confidences = detail.kind === 'values' ? null : new Map();
        doc.fields = full ? new Map() : null;
        doc.findings = [];
        doc.history = [];
        byId.set(doc.id, doc);
        return doc;
      });
      for (const f of fields?.() ?? []) {
        const doc = byId.get(f.documentId);
        if (!doc) continue;
        doc.values[f.name] = f.value;
        if (f.confidence !== null) doc.confidences!.set(f.name, f.confidence);
        doc.fields!.set(f.name, { recognised: f.recognised, value: f.value, confidence: f.confidence, state: f.state });
      }
      for (const h of history?.() ?? []) {
        const { documentId, ...entry } = h;
        byId.get(documentId)?.history.push(entry);
      }
      for (const f of lowFields?.() ?? []) byId.get(f.documentId)?.confidences!.set(f.name, f.confidence);
      for (const f of findings?.() ?? []) if (f.documentId !== null) byId.get(f.documentId)?.findings.push(f);
      return docs;
    };
  }

  /**
   * One phase's pages along its keyset. The next page is asked for before this one is handed out, behind this page's
   * extra reads, so on PostgreSQL the server reads it while the caller writes this one ([Note: pipelined statements]);
   * the connection's thread reads the one after it as soon as it has that page ([Note: pages read ahead]).
   */
  function* phasePages(opts: PageOptions, phase: 'id' | 'no-case' | 'case'): Generator<DocRecord[]> {
    const typeArg = opts.type !== undefined ? [opts.type] : [];
    const size = pageSize(opts.detail, isPostgres(db));
    const stmt = stmtFor(opts.type !== undefined, phase, opts.detail.kind === 'full', opts.columns ?? ALL_DOC_COLUMNS, size);
    const keyset = { keys: phase === 'case' ? ['caseId', 'id'] : ['id'], size };
    const ask = (last: Row | null) =>
      startPage<Row>(stmt, keyset, ...where.params, ...typeArg, ...(phase === 'case' ? [last?.caseId ?? -1, last?.id ?? -1] : [last?.id ?? -1]));
    let next: (() => Row[]) | null = ask(null);
    try {
      while (next) {
        const rows = next();
        next = null;
        if (rows.length === 0) break;
        const records = attach(rows, opts.detail, opts.findings ?? true);
        if (rows.length === size) next = ask(rows[rows.length - 1]!);
        yield records();
      }
    } finally {
      // Stopped early (an error, a caller that had enough): collect the page asked for ahead, so nothing waits.
      try {
        next?.();
      } catch {
        /* the page is not wanted */
      }
    }
  }

  return {
    count() {
      const answer = startAll<{ n: number }>(countStmt, ...where.params);
      let n: number | undefined;
      return () => (n ??= answer()[0]?.n ?? 0);
    },
    *pages(opts) {
      for (const phase of opts.byCase ? (['no-case', 'case'] as const) : (['id'] as const)) yield* phasePages(opts, phase);
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
