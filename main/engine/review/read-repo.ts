// The review reader's SQL, prepared once, with each row's shape declared at the statement. Fixed queries are
// prepared when the reader is built; the grid's filtered/sorted ones go through a statement cache (their text comes
// from review/query.ts, built from allowlisted columns only).
import type { AuditEntry } from '../../../shared/api/documents.ts';
import type { CaseState, CaseVerdict, DocStatus, DocType, FieldState, FindingSource, ReviewState, Severity } from '../../../shared/types.ts';
import type { Db } from '../db/open.ts';
import { createStatementCache } from '../db/statement-cache.ts';
import { EXPORTED_AT_SQL, type SqlPart } from './query.ts';

export type DocRecord = {
  id: number; case_id: number | null; file_name: string; folder_id: number | null; doc_type: DocType; status: DocStatus;
  status_reason: string | null; review_state: ReviewState; min_confidence: number | null; error_count: number; warning_count: number;
  match_score: number | null; liveness_score: number | null; broken: number | null; duplicate_of: number | null;
  exported_at: number | null; created_at: number; updated_at: number;
};
const ROW_COLUMNS = `id, case_id, file_name, folder_id, doc_type, status, status_reason, review_state, min_confidence, error_count,
  warning_count, match_score, liveness_score, broken, duplicate_of, ${EXPORTED_AT_SQL} AS exported_at, created_at, updated_at`;

type ImageMeta = { mime: string | null; pages: number | null; width: number | null; height: number | null };
export type DetailRecord = DocRecord & ImageMeta & { broken_reasons: string; broken_reasons_ru: string };

export type FindingRecord = {
  id: number; case_id: number; document_id: number | null; field: string | null; severity: Severity; code: string; message_ru: string;
  message_en: string; source: 'api' | 'local'; fix_value: string | null; fix_note_ru: string | null; fix_note_en: string | null;
  related_document_id: number | null;
};
export type CaseRecord = { id: number; label: string; state: CaseState; verdict: CaseVerdict | null; updated_at: number };
type Counted = { n: number };

export function createReviewRepo(db: Db) {
  const cache = createStatementCache(db);
  const fixed = {
    fieldsOfIds: db.prepare<[string], { document_id: number; name: string; value: string | null; confidence: number | null; state: FieldState }>(
      `SELECT document_id, name, value, confidence, state FROM fields WHERE document_id IN (SELECT value FROM json_each(?))`,
    ),
    // Worst first, so the cell's hover text leads with what matters and `f` is simply the first one's severity.
    findingsOfIds: db.prepare<[string], { document_id: number; field: string; severity: Severity; source: FindingSource; message_ru: string; message_en: string }>(
      `SELECT document_id, field, severity, source, message_ru, message_en FROM findings
       WHERE document_id IN (SELECT value FROM json_each(?)) AND field IS NOT NULL
       ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, id`,
    ),
    labelsOfIds: db.prepare<[string], { id: number; label: string }>(`SELECT id, label FROM cases WHERE id IN (SELECT value FROM json_each(?))`),
    detail: db.prepare<[number], DetailRecord>(`SELECT ${ROW_COLUMNS}, mime, pages, width, height, broken_reasons, broken_reasons_ru FROM documents WHERE id = ?`),
    detailFields: db.prepare<[number], { name: string; recognised: string | null; value: string | null; confidence: number | null; state: FieldState }>(
      'SELECT name, recognised, value, confidence, state FROM fields WHERE document_id = ?',
    ),
    detailFindings: db.prepare<[number, number], FindingRecord>('SELECT * FROM findings WHERE document_id = ? OR (document_id IS NULL AND case_id = ?) ORDER BY id'),
    // The document's own edits, its case's actions (re-process, uncertain resolved) and the exports that
    // included it (export rows are per run, linked through export_documents; the value shown is the format).
    history: db.prepare<[number, number, number], AuditEntry>(
      `SELECT id, at, actor, document_id AS documentId, field, action, old_value AS oldValue, new_value AS newValue, source
       FROM audit_events WHERE document_id = ? OR (document_id IS NULL AND case_id = ?)
       UNION ALL
       SELECT -e.id, e.at, e.actor, ed.document_id, NULL, 'export', NULL, e.format, 'clerk'
       FROM export_documents ed JOIN exports e ON e.id = ed.export_id WHERE ed.document_id = ? AND e.state = 'done'
       ORDER BY 2 DESC, 1 DESC LIMIT 200`,
    ),
    caseInfo: db.prepare<[number], { id: number; label: string; state: CaseState; verdict: CaseVerdict | null; verdict_reasons: string; beorg_document_id: string | null }>(
      'SELECT id, label, state, verdict, verdict_reasons, beorg_document_id FROM cases WHERE id = ?',
    ),
    caseDocIds: db.prepare<[number], { id: number }>('SELECT id FROM documents WHERE case_id = ? ORDER BY id'),
    imageMeta: db.prepare<[number], ImageMeta>('SELECT mime, pages, width, height FROM documents WHERE id = ?'),
    docsOfCases: db.prepare<[string], DocRecord>(`SELECT ${ROW_COLUMNS} FROM documents WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id`),
  };

  const STATS_DAY = (col: string) => `strftime('%Y-%m-%d', ${col} / 1000, 'unixepoch', 'localtime')`;
  const stats = {
    // Recognised on the day its case's result arrived (a later edit must not move it).
    recognisedPerDay: db.prepare<[number], { d: string; n: number }>(
      `SELECT ${STATS_DAY('c.completed_at')} AS d, count(*) AS n FROM documents d JOIN cases c ON c.id = d.case_id
       WHERE d.status = 'recognised' AND c.completed_at >= ? GROUP BY 1`,
    ),
    verifiedPerDay: db.prepare<[number], { d: string; n: number }>(
      `SELECT ${STATS_DAY('reviewed_at')} AS d, count(*) AS n FROM documents WHERE review_state = 'verified' AND reviewed_at >= ? GROUP BY d`,
    ),
    failedPerDay: db.prepare<[number], { d: string; n: number }>(
      `SELECT ${STATS_DAY('updated_at')} AS d, count(*) AS n FROM documents WHERE status IN ('failed','rejected','uncertain') AND updated_at >= ? GROUP BY d`,
    ),
    correctionsPerField: db.prepare<[number], { field: string; count: number }>(
      `SELECT field, count(*) AS count FROM audit_events WHERE action IN ('set-field','rule-fix') AND field IS NOT NULL AND at >= ?
       GROUP BY field ORDER BY count DESC, field`,
    ),
    failuresByReason: db.prepare<[number], { reason: string; count: number }>(
      `SELECT coalesce(status_reason, status) AS reason, count(*) AS count FROM documents
       WHERE status IN ('failed','rejected','uncertain') AND updated_at >= ? GROUP BY reason ORDER BY count DESC, reason`,
    ),
  };

  const DEEP_PAGE = 1_000;
  /** Queries whose WHERE / ORDER BY come from review/query.ts (allowlisted columns; values as parameters). */
  const filtered = {
    // A deep page finds its ids first (the sort index alone), then reads only those rows: skipping 90,000 wide rows
    // to show 100 cost PostgreSQL ~440 ms against ~50 ms this way.
    page: (where: SqlPart, order: SqlPart, limit: number, offset: number) =>
      cache.get<unknown[], DocRecord>(
        offset < DEEP_PAGE
          ? `SELECT ${ROW_COLUMNS} FROM documents WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`
          : `SELECT ${ROW_COLUMNS} FROM documents WHERE id IN (SELECT id FROM documents WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?) ORDER BY ${order.sql}`,
      ).all(...where.params, ...order.params, limit, offset, ...(offset < DEEP_PAGE ? [] : order.params)),
    count: (where: SqlPart) => cache.get<unknown[], Counted>(`SELECT count(*) AS n FROM documents WHERE ${where.sql}`).get(...where.params)?.n ?? 0,
    /** One row of named sums (`sums` are `expr AS "name"` over allowlisted quick filters). */
    sums: <K extends string>(sums: string[], params: unknown[], base: SqlPart) =>
      cache.get<unknown[], Partial<Record<K, number>>>(`SELECT ${sums.join(', ')} FROM documents WHERE ${base.sql}`).get(...params, ...base.params) ?? {},
    countBy: (column: 'doc_type' | 'folder_id', where: SqlPart) =>
      cache.get<unknown[], { k: string | number | null; n: number }>(`SELECT ${column} AS k, count(*) AS n FROM documents WHERE ${where.sql} GROUP BY ${column}`).all(...where.params),
    /** The order values of one document (`exprs` from buildOrderTerms), positionally. */
    orderValues: (exprs: string[], id: number): unknown[] | undefined =>
      cache.get<[number], unknown[]>(`SELECT ${exprs.map((e, i) => `${e} AS k${i}`).join(', ')} FROM documents WHERE id = ?`).raw().get(id),
    firstId: (cond: SqlPart, orderSql: string) =>
      cache.get<unknown[], { id: number }>(`SELECT id FROM documents WHERE ${cond.sql} ORDER BY ${orderSql} LIMIT 1`).get(...cond.params)?.id ?? null,
    casePage: (where: SqlPart, orderSql: string, limit: number, offset: number) =>
      cache.get<unknown[], CaseRecord>(`SELECT c.id, c.label, c.state, c.verdict, c.updated_at FROM cases c WHERE ${where.sql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`)
        .all(...where.params, limit, offset),
    caseCount: (where: SqlPart) => cache.get<unknown[], Counted>(`SELECT count(*) AS n FROM cases c WHERE ${where.sql}`).get(...where.params)?.n ?? 0,
  };

  return { ...fixed, stats, filtered };
}
export type ReviewRepo = ReturnType<typeof createReviewRepo>;
