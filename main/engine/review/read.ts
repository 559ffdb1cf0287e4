// Reading side of the review module: grid pages, one document's detail, case rows, counts, stats.
// Per-page extras (fields, findings, case labels) are fetched with one query each for the page's ids.
import type { CaseRow, CellValue, DocumentDetail, DocumentFilter, DocumentRow, FacetCounts, ListQuery, QuickFilter, Stats } from '../../../shared/api/documents.ts';
import { QUICK_FILTERS } from '../../../shared/api/documents.ts';
import { DOC_TYPES, type DocType, type Finding, type Severity } from '../../../shared/types.ts';
import type { EngineContext } from '../context.ts';
import { isPostgres } from '../db/open.ts';
import { attentionSql, baseFilterParts, buildAfterSql, buildDocumentWhere, buildOrderBy, buildOrderTerms, joinParts, quickFilterSql, searchParts, type SqlPart } from './query.ts';
import { createReviewRepo, type DocRecord, type FindingRecord, type ReviewRepo } from './read-repo.ts';

const MIME_BY_EXTENSION: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.pdf': 'application/pdf', '.tif': 'image/tiff', '.tiff': 'image/tiff' };

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function toFinding(f: FindingRecord): Finding {
  return {
    id: f.id, documentId: f.document_id, caseId: f.case_id, field: f.field, severity: f.severity, code: f.code,
    messageRu: f.message_ru, messageEn: f.message_en, source: f.source,
    fix: f.fix_value !== null ? { value: f.fix_value, noteRu: f.fix_note_ru ?? '', noteEn: f.fix_note_en ?? '' } : null,
    relatedDocumentId: f.related_document_id,
  };
}

/** Turn a page of document records into grid rows (3 queries regardless of page size). */
function rowsOf(repo: ReviewRepo, records: DocRecord[]): DocumentRow[] {
  if (records.length === 0) return [];
  const ids = JSON.stringify(records.map((r) => r.id));
  const cells = new Map<number, Record<string, CellValue>>();
  for (const f of repo.fieldsOfIds.all(ids)) {
    let m = cells.get(f.document_id);
    if (!m) cells.set(f.document_id, (m = {}));
    m[f.name] = { v: f.value, c: f.confidence, f: null, s: f.state };
  }
  for (const f of repo.findingsOfIds.all(ids)) {
    const cell = cells.get(f.document_id)?.[f.field];
    if (!cell) continue;
    if (cell.f === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[cell.f]) cell.f = f.severity;
    (cell.m ??= []).push({ sev: f.severity, src: f.source, ru: f.message_ru, en: f.message_en });
  }
  const caseIds = [...new Set(records.map((r) => r.case_id).filter((x): x is number => x !== null))];
  const labels = new Map(repo.labelsOfIds.all(JSON.stringify(caseIds)).map((c) => [c.id, c.label]));
  return records.map((r) => ({
    id: r.id, caseId: r.case_id, caseLabel: r.case_id !== null ? (labels.get(r.case_id) ?? '') : '', fileName: r.file_name,
    folderId: r.folder_id, type: r.doc_type, status: r.status, statusReason: r.status_reason, review: r.review_state,
    fields: cells.get(r.id) ?? {}, minConfidence: r.min_confidence, errorCount: r.error_count, warningCount: r.warning_count,
    matchScore: r.match_score, livenessScore: r.liveness_score, broken: r.broken === null ? null : r.broken === 1,
    duplicateOf: r.duplicate_of, exportedAt: r.exported_at, createdAt: r.created_at, updatedAt: r.updated_at,
  }));
}

/** Needs only a connection, the settings and the clock, so a read-only reader connection can serve it too. */
export type ReaderContext = Pick<EngineContext, 'db' | 'clock'> & { settings: Pick<EngineContext['settings'], 'get'> };

export function createReviewReader(ctx: ReaderContext) {
  const repo = createReviewRepo(ctx.db);
  const toRows = (records: DocRecord[]) => rowsOf(repo, records);
  const threshold = () => ctx.settings.get().confidenceThreshold;

  function listSql(query: Pick<ListQuery, 'sort' | 'filter'>) {
    const where = buildDocumentWhere(query.filter, { confidenceThreshold: threshold() });
    const order = buildOrderBy(query.sort);
    return { where, order };
  }

  /** Quick filters with their own (partial) index: counted by an index lookup when no other filter applies. */
  const INDEXED_QUICK = new Set<QuickFilter>(['has-errors', 'failed', 'duplicates', 'verified', 'postponed', 'clerk-rejected', 'exported']);

  /**
   * [Note: a rare search goes through the search index] On SQLite a search's rows can be found two ways: walk the
   * rows in the grid's order until the page is full, or take the matching ids from the search index ([Note: search
   * text in an index of its own]) and read only those. Over 100,000 documents, a page of «иван» (20,000 matches) took
   * 2.5 ms walking and 44 ms through the index; of a word no document has (a mistyped passport number), 73 ms walking
   * (every row read) and 20 ms through the index. So the page goes through the index when the total, counted first
   * (from the index), says the word is rare. Counting every quick filter over a search is cheaper through the index:
   * 85 → 74 ms for «иван», 79 → 34 ms for «4512», 71 → 20 ms for no match. Only for a search alone, though: a folder
   * or a case narrows the rows better through its own index, and so does a quick filter with one (for the page).
   * PostgreSQL's planner chooses its trigram index itself.
   */
  const RARE_MATCHES = 400;
  function narrowedBySearch(filter: Partial<DocumentFilter> | undefined, where: SqlPart): SqlPart | null {
    const parts = searchParts(filter ?? {});
    if (parts.length === 0 || parts.length !== baseFilterParts(filter ?? {}).length || isPostgres(ctx.db)) return null;
    const search = joinParts(parts);
    return { sql: `id IN (SELECT id FROM documents WHERE ${search.sql}) AND (${where.sql})`, params: [...search.params, ...where.params] };
  }

  function list(query: ListQuery): { rows: DocumentRow[]; total: number } {
    const { where, order } = listSql(query);
    const total = repo.filtered.count(where);
    const rare = total <= RARE_MATCHES && !INDEXED_QUICK.has(query.filter.quick);
    const rows = rare ? (narrowedBySearch(query.filter, where) ?? where) : where;
    return { rows: toRows(repo.filtered.page(rows, order, query.limit, query.offset)), total };
  }

  /**
   * Every quick filter's count over the rows the rest of the filter selects. One pass over the table for the
   * filters that need one (measured 85 → 55 ms at 100k when the indexed ones are split out).
   */
  function counts(filter: Partial<DocumentFilter> | undefined): Record<QuickFilter, number> {
    const baseParts = baseFilterParts(filter ?? {});
    const base = narrowedBySearch(filter, joinParts(baseParts)) ?? joinParts(baseParts);
    const split = baseParts.length === 0;
    const result = {} as Record<QuickFilter, number>;
    const sums: string[] = [];
    const params: unknown[] = [];
    for (const q of QUICK_FILTERS) {
      const part = quickFilterSql(q, threshold());
      if (split && part && INDEXED_QUICK.has(q)) {
        result[q] = repo.filtered.count(part);
        continue;
      }
      sums.push(part ? `coalesce(sum(CASE WHEN ${part.sql} THEN 1 ELSE 0 END), 0) AS "${q}"` : `count(*) AS "${q}"`);
      if (part) params.push(...part.params);
    }
    const scanned = repo.filtered.sums<QuickFilter>(sums, params, base);
    return { ...result, ...scanned };
  }

  /**
   * Counts for the type and folder pickers. Each picker's options are counted over the rest of the filter
   * (quick filter included, its own criterion left out), so "Паспорт (120)" is what choosing it shows.
   */
  function facets(filter: DocumentFilter): FacetCounts {
    const countBy = (column: 'doc_type' | 'folder_id', rest: Partial<DocumentFilter>) => {
      const where = buildDocumentWhere(rest, { confidenceThreshold: threshold() });
      return repo.filtered.countBy(column, where);
    };
    const types = Object.fromEntries(DOC_TYPES.map((t) => [t, 0])) as Record<DocType, number>;
    for (const r of countBy('doc_type', { ...filter, types: undefined })) if (typeof r.k === 'string' && r.k in types) types[r.k as DocType] = r.n;
    const folders = countBy('folder_id', { ...filter, folderId: undefined })
      .filter((r): r is { k: number; n: number } => typeof r.k === 'number')
      .map((r) => ({ folderId: r.k, count: r.n }));
    return { types, folders };
  }

  /** Next pending recognised document (needing attention, or any) after `afterId`, in the list's order (keyset seek, no walk). */
  // Only recognised documents: nothing else has data to verify ([Note: only recognised data is verified]).
  function nextAttention(query: Pick<ListQuery, 'sort' | 'filter'> & { afterId?: number | undefined; include?: 'attention' | 'pending' }): number | null {
    const where = buildDocumentWhere(query.filter, { confidenceThreshold: threshold() });
    const terms = buildOrderTerms(query.sort);
    const attention = query.include === 'pending' ? { sql: '1 = 1', params: [] } : attentionSql(threshold());
    const parts: SqlPart[] = [where, { sql: `review_state = 'pending' AND status = 'recognised' AND ${attention.sql}`, params: attention.params }];
    if (query.afterId !== undefined) {
      // The anchor's own order values, even if it no longer matches the filter (e.g. it was just verified).
      const anchor = repo.filtered.orderValues(terms.map((t) => t.expr), query.afterId);
      if (anchor) parts.push(buildAfterSql(terms, anchor));
    }
    const cond = joinParts(parts);
    return repo.filtered.firstId(cond, terms.map((t) => `${t.expr} ${t.dir}`).join(', '));
  }

  /** The stored document; who holds it and its version are added by the review module (claims.ts). */
  function detail(id: number): Omit<DocumentDetail, 'version' | 'claimedBy'> | null {
    const rec = repo.detail.get(id);
    if (!rec) return null;
    const [row] = toRows([rec]);
    const fields = repo.detailFields.all(id);
    const findings = repo.detailFindings.all(id, rec.case_id ?? -1).map(toFinding);
    const history = repo.history.all(id, rec.case_id ?? -1, id);
    let caseInfo: DocumentDetail['case'] = null;
    const c = rec.case_id !== null ? repo.caseInfo.get(rec.case_id) : undefined;
    if (c) {
      const documentIds = repo.caseDocIds.all(c.id).map((d) => d.id);
      caseInfo = { id: c.id, label: c.label, state: c.state, verdict: c.verdict, verdictReasons: parseStrings(c.verdict_reasons), documentIds, beorgDocumentId: c.beorg_document_id };
    }
    return {
      row: row!,
      fields,
      findings,
      history,
      case: caseInfo,
      image: imageOf(rec),
      rawBroken: rec.broken === 1 ? { reasons: parseStrings(rec.broken_reasons), reasonsRu: parseStrings(rec.broken_reasons_ru) } : null,
    };
  }

  /**
   * What the viewer should try to show. Intake records the image's metadata only for files it accepted; a duplicate
   * has the earlier document's bytes (so its metadata), and a refused file with an image's extension may still be a
   * readable picture (a tiny or oversized scan). The image route sniffs the bytes and refuses anything else, and the
   * viewer says «Скан недоступен» when the picture does not load.
   */
  function imageOf(rec: { mime: string | null; pages: number | null; width: number | null; height: number | null; duplicate_of: number | null; file_name: string }): DocumentDetail['image'] {
    const own = rec.mime ? rec : rec.duplicate_of !== null ? repo.imageMeta.get(rec.duplicate_of) : undefined;
    if (own?.mime) return { mime: own.mime, pages: own.pages ?? 1, width: own.width, height: own.height };
    const guessed = MIME_BY_EXTENSION[/\.[^.]+$/.exec(rec.file_name.toLowerCase())?.[0] ?? ''];
    return guessed ? { mime: guessed, pages: 1, width: null, height: null } : null;
  }

  const CASE_SORT: Record<string, string> = { id: 'c.id', label: 'c.label', state: 'c.state', verdict: 'c.verdict', updatedAt: 'c.updated_at', createdAt: 'c.created_at' };

  function cases(query: ListQuery): { rows: CaseRow[]; total: number } {
    const where = buildDocumentWhere(query.filter, { confidenceThreshold: threshold() });
    const filtered = where.sql === '1 = 1' ? { sql: '1 = 1', params: [] as unknown[] } : { sql: `c.id IN (SELECT case_id FROM documents WHERE ${where.sql})`, params: where.params };
    const terms = query.sort.flatMap((s) => (Object.hasOwn(CASE_SORT, s.key) ? [`${CASE_SORT[s.key]} ${s.dir === 'asc' ? 'ASC' : 'DESC'}`] : []));
    terms.push('c.id DESC');
    const recs = repo.filtered.casePage(filtered, terms.join(', '), query.limit, query.offset);
    const total = repo.filtered.caseCount(filtered);
    const docRows = toRows(repo.docsOfCases.all(JSON.stringify(recs.map((r) => r.id))));
    const rows = recs.map((c): CaseRow => {
      const mine = docRows.filter((d) => d.caseId === c.id);
      const passport = mine.find((d) => d.type === 'PASSPORT');
      const inn = mine.find((d) => d.type === 'INN');
      const selfie = mine.find((d) => d.type === 'SELFIE');
      const fields: Record<string, CellValue> = { ...(passport?.fields ?? {}) };
      for (const [k, v] of Object.entries(inn?.fields ?? {})) fields[`INN.${k}`] = v;
      return {
        id: c.id, label: c.label, state: c.state, verdict: c.verdict,
        documents: mine.map((d) => ({ id: d.id, type: d.type, status: d.status, review: d.review })),
        fields,
        matchScore: passport?.matchScore ?? mine.find((d) => d.matchScore !== null)?.matchScore ?? null,
        livenessScore: selfie?.livenessScore ?? mine.find((d) => d.livenessScore !== null)?.livenessScore ?? null,
        exportedAt: mine.reduce<number | null>((latest, d) => (d.exportedAt !== null && (latest === null || d.exportedAt > latest) ? d.exportedAt : latest), null),
        updatedAt: c.updated_at,
      };
    });
    return { rows, total };
  }

  function stats(days: number): Stats {
    const since = ctx.clock.now() - days * 86_400_000;
    const perDay = new Map<string, { day: string; recognised: number; verified: number; failed: number }>();
    const bump = (d: string, key: 'recognised' | 'verified' | 'failed', n: number) => {
      let e = perDay.get(d);
      if (!e) perDay.set(d, (e = { day: d, recognised: 0, verified: 0, failed: 0 }));
      e[key] += n;
    };
    for (const r of repo.stats.recognisedPerDay.all(since)) bump(r.d, 'recognised', r.n);
    for (const r of repo.stats.verifiedPerDay.all(since)) bump(r.d, 'verified', r.n);
    for (const r of repo.stats.failedPerDay.all(since)) bump(r.d, 'failed', r.n);
    const correctionsPerField = repo.stats.correctionsPerField.all(since);
    const failuresByReason = repo.stats.failuresByReason.all(since);
    return { perDay: [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day)), correctionsPerField, failuresByReason };
  }

  return { list, counts, facets, nextAttention, detail, cases, stats };
}
export type ReviewReader = ReturnType<typeof createReviewReader>;

function parseStrings(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
