// Grid query building: WHERE from a DocumentFilter, ORDER BY from an allowlist. Values are always bound
// parameters; column names only ever come from the allowlists below. The export module reuses
// buildDocumentWhere so "export what I see" selects exactly the grid's rows.
// Column references are unqualified: use them in `FROM documents` (optionally aliased, no ambiguous joins).
import type { DocumentFilter, QuickFilter } from '../../../shared/api/documents.ts';
import { DATE_FIELDS, INN_FIELDS, PASSPORT_FIELDS } from '../../../shared/fields.ts';
import type { Settings } from '../../../shared/settings.ts';
import { assertNever } from '../../../shared/types.ts';
import { bareDigits } from '../store/search-text.ts';

export type SqlPart = { sql: string; params: unknown[] };

const FAILED_STATUSES = `('failed','rejected','uncertain')`;

/** Documents that need a clerk's look: low confidence, any finding, broken, or a failed status. */
export function attentionSql(threshold: number): SqlPart {
  return {
    sql: `(min_confidence < ? OR error_count > 0 OR warning_count > 0 OR broken = 1 OR status IN ${FAILED_STATUSES})`,
    params: [threshold],
  };
}

/** When the document was last exported, or NULL (db/schema.ts migration 2). The unqualified `id` is the outer
 * documents row: document_exports has no column of that name. */
export const EXPORTED_AT_SQL = '(SELECT exported_at FROM document_exports WHERE document_id = id)';

/** SQL of each quick filter. has-errors / duplicates must stay textually identical to the partial indexes'
 * WHERE terms in db/schema.ts, or SQLite stops using them. */
export function quickFilterSql(quick: QuickFilter, threshold: number): SqlPart | null {
  switch (quick) {
    case 'all':
      return null;
    case 'needs-review': {
      const a = attentionSql(threshold);
      return { sql: `review_state = 'pending' AND ${a.sql}`, params: a.params };
    }
    case 'low-confidence':
      return { sql: 'min_confidence < ?', params: [threshold] };
    case 'has-errors':
      return { sql: 'error_count > 0', params: [] };
    case 'failed':
      return { sql: `status IN ${FAILED_STATUSES}`, params: [] };
    case 'duplicates':
      return { sql: `(status = 'duplicate' OR duplicate_of IS NOT NULL)`, params: [] };
    case 'verified':
      return { sql: `review_state = 'verified'`, params: [] };
    case 'postponed':
      return { sql: `review_state = 'postponed'`, params: [] };
    case 'clerk-rejected':
      // The clerk's verdict (F8), not the engine's pre-flight status 'rejected' (that one is under 'failed').
      return { sql: `review_state = 'rejected'`, params: [] };
    case 'exported':
      // Every document has a mark row; NULL until it is exported ([Note: a document's export mark row]).
      return { sql: 'id IN (SELECT document_id FROM document_exports WHERE exported_at IS NOT NULL)', params: [] };
    default:
      return assertNever(quick, 'quick filter');
  }
}

/** Escape LIKE wildcards so the clerk's text is matched literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Conditions of the filter except the quick filter (the counts query evaluates every quick filter over these). */
export function baseFilterParts(filter: Partial<DocumentFilter>): SqlPart[] {
  const parts: SqlPart[] = [];
  const inList = (col: string, values: readonly string[]) =>
    parts.push({ sql: `${col} IN (${values.map(() => '?').join(',')})`, params: [...values] });
  if (filter.types?.length) inList('doc_type', filter.types);
  if (filter.statuses?.length) inList('status', filter.statuses);
  if (filter.review?.length) inList('review_state', filter.review);
  if (filter.folderId !== undefined) parts.push({ sql: 'folder_id = ?', params: [filter.folderId] });
  if (filter.caseId !== undefined) parts.push({ sql: 'case_id = ?', params: [filter.caseId] });
  if (filter.dateFrom !== undefined) parts.push({ sql: 'created_at >= ?', params: [filter.dateFrom] });
  if (filter.dateTo !== undefined) parts.push({ sql: 'created_at < ?', params: [filter.dateTo] });
  parts.push(...searchParts(filter));
  return parts;
}

/** The free-text search's conditions (on search_text alone), one per word; none without a search. */
export function searchParts(filter: Partial<DocumentFilter>): SqlPart[] {
  const parts: SqlPart[] = [];
  const search = filter.search?.trim();
  if (!search) return parts;
  // search_text is lower-cased by the fields writer; Cyrillic lower() needs JS, so lower the needle here.
  // A printed code or date also matches its bare digits ([Note: codes found in either spelling]).
  for (const word of search.split(/\s+/).slice(0, 8)) {
    const bare = bareDigits(word);
    if (bare === null) parts.push({ sql: `search_text LIKE ? ESCAPE '\\'`, params: [likePattern(word)] });
    else parts.push({ sql: `(search_text LIKE ? ESCAPE '\\' OR search_text LIKE ? ESCAPE '\\')`, params: [likePattern(word), likePattern(bare)] });
  }
  return parts;
}

export function joinParts(parts: (SqlPart | null)[]): SqlPart {
  const present = parts.filter((p): p is SqlPart => p !== null);
  if (present.length === 0) return { sql: '1 = 1', params: [] };
  return { sql: present.map((p) => `(${p.sql})`).join(' AND '), params: present.flatMap((p) => p.params) };
}

/** WHERE clause (without the keyword) for a grid filter. */
export function buildDocumentWhere(filter: Partial<DocumentFilter>, settings: Pick<Settings, 'confidenceThreshold'>): SqlPart {
  return joinParts([...baseFilterParts(filter), quickFilterSql(filter.quick ?? 'all', settings.confidenceThreshold)]);
}

/** Fixed sort keys → columns. Anything else must be `field:<Name>`. */
export const SORT_COLUMNS: Record<string, string> = {
  id: 'id',
  caseId: 'case_id',
  fileName: 'file_name',
  type: 'doc_type',
  status: 'status',
  review: 'review_state',
  minConfidence: 'min_confidence',
  errorCount: 'error_count',
  warningCount: 'warning_count',
  matchScore: 'match_score',
  livenessScore: 'liveness_score',
  exportedAt: EXPORTED_AT_SQL,
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** Field sort keys: only names from the field catalogue (plain ASCII identifiers). */
const SORTABLE_FIELDS: ReadonlySet<string> = new Set<string>([...PASSPORT_FIELDS, ...INN_FIELDS]);

/**
 * The sort expression of a field, inlined (not bound) so the expression indexes in db/schema.ts match: the first
 * page at 100k rows takes ~0.1 ms through an index and 100–280 ms without (json_extract on every row, then a
 * sort). Safe to inline: the name comes from the fixed catalogue and is plain ASCII. Dates are stored as printed
 * (ДД.ММ.ГГГГ) and sort as ГГГГММДД, so the order is chronological, not by day of the month.
 */
export function fieldSortExpr(field: string): string {
  const value = `json_extract(values_json, '$.${field}')`;
  return DATE_FIELDS.has(field) ? `(substr(${value}, 7, 4) || substr(${value}, 4, 2) || substr(${value}, 1, 2))` : value;
}

/** Fields with a sort index (migrations 1 and 3): every field column the grid shows by default. */
export const INDEXED_FIELD_SORTS = ['LastName', 'FirstName', 'MiddleName', 'Gender', 'BirthDate', 'Series', 'Number', 'IssuedBy', 'IssueDate', 'IssueId', 'INN'] as const;

export type SortKey = { key: string; dir: 'asc' | 'desc' };

export type OrderTerm = { expr: string; dir: 'ASC' | 'DESC' };

/**
 * Order terms for the allowlisted keys; unknown keys are dropped. `id` always closes the order so paging is
 * stable. Default (no keys) is newest first, which the (x, id) indexes serve without a sort step.
 */
export function buildOrderTerms(sort: readonly SortKey[]): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const s of sort) {
    const dir = s.dir === 'asc' ? 'ASC' : 'DESC';
    // Own keys only: a plain-object lookup would also find 'constructor', '__proto__' and friends.
    const column = Object.hasOwn(SORT_COLUMNS, s.key) ? SORT_COLUMNS[s.key] : undefined;
    if (column) {
      terms.push({ expr: column, dir });
      if (column === 'id') return terms;
      continue;
    }
    const field = s.key.startsWith('field:') ? s.key.slice(6) : null;
    if (field && SORTABLE_FIELDS.has(field) && /^[A-Za-z0-9]+$/.test(field)) terms.push({ expr: fieldSortExpr(field), dir });
  }
  // The id tie-break follows the last key's direction so (key, id) indexes serve both directions.
  terms.push({ expr: 'id', dir: terms.at(-1)?.dir ?? 'DESC' });
  return terms;
}

/** ORDER BY (without the keyword). `params` is kept for callers' uniformity: no sort term takes a value. */
export function buildOrderBy(sort: readonly SortKey[]): SqlPart {
  return { sql: buildOrderTerms(sort).map((t) => `${t.expr} ${t.dir}`).join(', '), params: [] };
}

/**
 * Keyset condition "comes after the row whose order values are `values`" for these terms, NULL-aware
 * (SQLite sorts NULL first ascending, last descending). Lets next-attention seek instead of walking the list.
 */
export function buildAfterSql(terms: readonly OrderTerm[], values: readonly unknown[]): SqlPart {
  const alternatives: SqlPart[] = [];
  const equalPrefix: SqlPart[] = [];
  terms.forEach((t, i) => {
    const v = values[i] ?? null;
    let after: SqlPart | null;
    if (t.dir === 'ASC') after = v === null ? { sql: `${t.expr} IS NOT NULL`, params: [] } : { sql: `${t.expr} > ?`, params: [v] };
    else after = v === null ? null : { sql: `(${t.expr} < ? OR ${t.expr} IS NULL)`, params: [v] };
    if (after) alternatives.push(joinParts([...equalPrefix, after]));
    equalPrefix.push({ sql: `${t.expr} IS ?`, params: [v] });
  });
  if (alternatives.length === 0) return { sql: '1 = 0', params: [] };
  return { sql: alternatives.map((a) => `(${a.sql})`).join(' OR '), params: alternatives.flatMap((a) => a.params) };
}
