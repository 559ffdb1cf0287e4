// Validation module: turns a finished case's FINAL field values into findings (local + api), per-document
// error/warning counts and the case verdict. Recomputed on 'case:finished' (done), 'document:edited', and for
// every case when a biometry threshold changes. The pure rules live in case.ts and the files it imports.
import type { EngineContext, EngineModule } from '../context.ts';
import type { Db } from '../db/open.ts';
import type { DocType } from '../../../shared/types.ts';
import type { Settings } from '../../../shared/settings.ts';
import { createBackgroundRecompute, type BackgroundRecomputeOptions } from './background.ts';
import { validateCase, type CaseDocInput, type CaseResult, type DuplicateHit } from './case.ts';

type DocRow = {
  id: number;
  case_id: number;
  doc_type: DocType;
  broken: number | null;
  broken_reasons: string | null;
  broken_reasons_ru: string | null;
  api_verifications: string | null;
  match_score: number | null;
  liveness_score: number | null;
  error_count: number;
  warning_count: number;
  /** {name: final value}, denormalised by the fields writer. */
  values_json: string;
};
/** DOC_SELECT's columns in order: rows are read raw and shaped here (see docRow). */
type DocTuple = [number, number, DocType, number | null, string | null, string | null, string | null, number | null, number | null, number, number, string];
type CaseRow = { id: number; verdict: string | null; verdict_reasons: string };
type DupRow = { id: number; label: string | null };

// Final values come from documents.values_json, not from an aggregate over `fields`: the one fields writer
// (store/document-fields.ts) rewrites it in the same transaction as every change of a field value, and one
// ready JSON text per document is far cheaper to read than a json_group_object subquery per document.
// `+d.status` keeps the planner on documents_case: without ANALYZE it would otherwise pick documents_status
// and scan every recognised document for each case. ORDER BY case_id, id is the index order (no sort step).
const DOC_SELECT = `SELECT d.id, d.case_id, d.doc_type, d.broken,
  CASE WHEN d.broken = 1 THEN d.broken_reasons END, CASE WHEN d.broken = 1 THEN d.broken_reasons_ru END,
  d.api_verifications, d.match_score, d.liveness_score, d.error_count, d.warning_count, d.values_json
  FROM documents d`;

// better-sqlite3 builds a row object property by property in C++; a raw array shaped into an object literal
// here costs a fraction of that, which matters at 100,000 rows per full recompute.
function docRow(r: DocTuple): DocRow {
  return {
    id: r[0], case_id: r[1], doc_type: r[2], broken: r[3], broken_reasons: r[4], broken_reasons_ru: r[5],
    api_verifications: r[6], match_score: r[7], liveness_score: r[8], error_count: r[9], warning_count: r[10], values_json: r[11],
  };
}

function prepare(db: Db) {
  return {
    caseDocs: db.prepare<[number], DocTuple>(`${DOC_SELECT} WHERE d.case_id = ? AND +d.status = 'recognised' ORDER BY d.id`).raw(true),
    rangeDocs: db.prepare<[number, number], DocTuple>(`${DOC_SELECT} WHERE d.case_id BETWEEN ? AND ? AND +d.status = 'recognised' ORDER BY d.case_id, d.id`).raw(true),
    // `+state`: with the index on state the planner would walk every done case (and sort them) for each chunk.
    rangeCases: db.prepare<[number, number], CaseRow>(`SELECT id, verdict, verdict_reasons FROM cases WHERE id BETWEEN ? AND ? AND +state = 'done' ORDER BY id`),
    caseIdSpan: db.prepare<[], { lo: number | null; hi: number | null }>(`SELECT min(id) AS lo, max(id) AS hi FROM cases WHERE state = 'done'`),
    doneCount: db.prepare<[], number>(`SELECT count(*) FROM cases WHERE state = 'done'`).pluck(),
    docCase: db.prepare<[number], { case_id: number | null }>('SELECT case_id FROM documents WHERE id = ?'),
    // Earliest recognised passport with the same series+number / INN with the same value, on another case.
    dupPassport: db.prepare<[string, string, number, number], DupRow>(
      `SELECT n.document_id AS id, c.label FROM fields n
         JOIN fields s ON s.document_id = n.document_id AND s.name = 'Series' AND s.value = ?
         JOIN documents d ON d.id = n.document_id JOIN cases c ON c.id = d.case_id
       WHERE n.name = 'Number' AND n.value = ? AND d.doc_type = 'PASSPORT' AND d.status = 'recognised' AND d.case_id <> ? AND d.id < ?
       ORDER BY n.document_id LIMIT 1`,
    ),
    dupInn: db.prepare<[string, number, number], DupRow>(
      `SELECT f.document_id AS id, c.label FROM fields f JOIN documents d ON d.id = f.document_id JOIN cases c ON c.id = d.case_id
       WHERE f.name = 'INN' AND f.value = ? AND d.doc_type = 'INN' AND d.status = 'recognised' AND d.case_id <> ? AND d.id < ?
       ORDER BY f.document_id LIMIT 1`,
    ),
    // Values that occur more than once at all: only documents holding one of them need the exact lookup above.
    // For passports the number alone is the filter (a superset of repeated series+number): it is a scan of the
    // fields_name_value index, where grouping series+number would join the fields table with itself.
    repeatedNumbers: db.prepare<[], string>(`SELECT value FROM fields WHERE name = 'Number' GROUP BY value HAVING COUNT(*) > 1`).pluck(),
    repeatedInns: db.prepare<[], string>(`SELECT value FROM fields WHERE name = 'INN' GROUP BY value HAVING COUNT(*) > 1`).pluck(),
    oneCase: db.prepare<[number], CaseRow>('SELECT id, verdict, verdict_reasons FROM cases WHERE id = ?'),
    rangeFindings: db.prepare<[number, number], FindingValues>(
      `SELECT case_id, document_id, field, severity, code, message_ru, message_en, source, fix_value, fix_note_ru, fix_note_en, related_document_id
       FROM findings WHERE case_id BETWEEN ? AND ? ORDER BY case_id, id`,
    ).raw(true),
    deleteCaseFindings: db.prepare<[number]>('DELETE FROM findings WHERE case_id = ?'),
    insertFinding: db.prepare<[...FindingValues, number]>(
      `INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, fix_value, fix_note_ru, fix_note_en, related_document_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Ids as a JSON array (createUpdates groups rows by their new values).
    updateCounts: db.prepare<[number, number, string]>('UPDATE documents SET error_count = ?, warning_count = ? WHERE id IN (SELECT value FROM json_each(?))'),
    updateVerdict: db.prepare<[string, string, number, string]>('UPDATE cases SET verdict = ?, verdict_reasons = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))'),
  };
}
type Statements = ReturnType<typeof prepare>;

// Prepared once per connection (the benchmark and the engine share this path).
const cache = new WeakMap<Db, Statements>();
function statements(db: Db): Statements {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

const EMPTY: readonly string[] = [];
function parseJson(s: string | null): unknown {
  if (!s) return null;
  if (s === '[]') return EMPTY; // broken_reasons of almost every document
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
}
const jsonList = (s: string | null): string[] => {
  const v = parseJson(s);
  if (v === EMPTY) return [];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};
function fieldsOf(d: DocRow): Record<string, string | null> {
  const v = parseJson(d.values_json);
  return v && typeof v === 'object' ? (v as Record<string, string | null>) : {};
}

type DuplicateFinder = (doc: DocRow, fields: Record<string, string | null>) => DuplicateHit[];

/** Exact duplicate lookups (indexed); `maybe` can skip documents whose values occur only once in the database. */
function duplicateFinder(s: Statements, maybe?: { passportNumber: (number: string) => boolean; inn: (inn: string) => boolean }): DuplicateFinder {
  return (d, f) => {
    if (d.doc_type === 'PASSPORT' && f.Series && f.Number && (!maybe || maybe.passportNumber(f.Number))) {
      const hit = s.dupPassport.get(f.Series, f.Number, d.case_id, d.id);
      return hit ? [{ kind: 'passport', relatedDocumentId: hit.id, relatedCaseLabel: hit.label }] : [];
    }
    if (d.doc_type === 'INN' && f.INN && (!maybe || maybe.inn(f.INN))) {
      const hit = s.dupInn.get(f.INN, d.case_id, d.id);
      return hit ? [{ kind: 'inn', relatedDocumentId: hit.id, relatedCaseLabel: hit.label }] : [];
    }
    return [];
  };
}

function toInputs(docs: DocRow[], findDuplicates: DuplicateFinder): CaseDocInput[] {
  return docs.map((d) => {
    const fields = fieldsOf(d);
    return {
      type: d.doc_type,
      fields,
      broken: d.broken == null ? null : d.broken === 1,
      brokenReasons: jsonList(d.broken_reasons),
      brokenReasonsRu: jsonList(d.broken_reasons_ru),
      apiVerifications: d.api_verifications,
      matchScore: d.match_score,
      livenessScore: d.liveness_score,
      duplicates: findDuplicates(d, fields),
    };
  });
}

/** A finding row's columns (without created_at) in insertFinding's order; also what storedFindings reads back. */
type FindingValues = [number, number | null, string | null, string, string, string, string, string, string | null, string | null, string | null, number | null];

/** The stored findings of each case in [lo, hi], as the text writeCase compares against (see writeCase). */
function storedFindings(s: Statements, lo: number, hi: number): Map<number, string> {
  const byCase = new Map<number, FindingValues[]>();
  for (const r of s.rangeFindings.all(lo, hi)) {
    let l = byCase.get(r[0]);
    if (!l) byCase.set(r[0], (l = []));
    l.push(r);
  }
  return new Map([...byCase].map(([caseId, rows]) => [caseId, JSON.stringify(rows)]));
}

/** Count and verdict updates grouped by their new values: a first full recompute gives thousands of rows the same
 * few values (0/0, 'ok'), and one statement per group costs a fraction of one per row. */
function createUpdates(s: Statements) {
  type Group<V> = { values: V; ids: number[] };
  const counts = new Map<string, Group<[number, number]>>();
  const verdicts = new Map<string, Group<[string, string]>>();
  function add<V>(groups: Map<string, Group<V>>, key: string, values: V, id: number): void {
    const g = groups.get(key);
    if (g) g.ids.push(id);
    else groups.set(key, { values, ids: [id] });
  }
  return {
    counts: (errors: number, warnings: number, documentId: number) => add(counts, `${errors}/${warnings}`, [errors, warnings], documentId),
    verdict: (verdict: string, reasons: string, caseId: number) => add(verdicts, `${verdict}/${reasons}`, [verdict, reasons], caseId),
    flush(now: number): void {
      for (const { values: [e, w], ids } of counts.values()) s.updateCounts.run(e, w, JSON.stringify(ids));
      for (const { values: [verdict, reasons], ids } of verdicts.values()) s.updateVerdict.run(verdict, reasons, now, JSON.stringify(ids));
      counts.clear();
      verdicts.clear();
    },
  };
}
type Updates = ReturnType<typeof createUpdates>;

/**
 * Writes one case's result. Findings are rewritten only when they differ from the stored ones (`stored`, from
 * storedFindings): a recompute mostly changes nothing, and unchanged findings keep their ids — which a clerk's
 * open "apply fix" refers to — and their created_at. Counts and the verdict are queued only where they changed.
 */
function writeCase(s: Statements, caseId: number, docs: DocRow[], result: CaseResult, now: number, prev: CaseRow | null, stored: string | undefined, updates: Updates): void {
  const rows = result.findings.map((f): FindingValues => {
    const docId = f.docIndex != null ? (docs[f.docIndex]?.id ?? null) : null;
    const related = f.relatedDocumentId ?? (f.relatedDocIndex != null ? (docs[f.relatedDocIndex]?.id ?? null) : null);
    return [caseId, docId, f.field, f.severity, f.code, f.messageRu, f.messageEn, f.source, f.fix?.value ?? null, f.fix?.noteRu ?? null, f.fix?.noteEn ?? null, related];
  });
  if ((rows.length > 0 ? JSON.stringify(rows) : undefined) !== stored) {
    s.deleteCaseFindings.run(caseId);
    for (const r of rows) s.insertFinding.run(...r, now);
  }
  const errors = new Map<number, number>();
  const warnings = new Map<number, number>();
  for (const [, docId, , severity] of rows) {
    if (docId == null) continue;
    if (severity === 'error') errors.set(docId, (errors.get(docId) ?? 0) + 1);
    else if (severity === 'warning') warnings.set(docId, (warnings.get(docId) ?? 0) + 1);
  }
  for (const d of docs) {
    const e = errors.get(d.id) ?? 0;
    const w = warnings.get(d.id) ?? 0;
    if (e !== d.error_count || w !== d.warning_count) updates.counts(e, w, d.id);
  }
  const reasons = JSON.stringify(result.reasons);
  if (!prev || prev.verdict !== result.verdict || prev.verdict_reasons !== reasons) updates.verdict(result.verdict, reasons, caseId);
}

const thresholdsOf = (st: Settings) => ({ matchThreshold: st.matchThreshold, livenessThreshold: st.livenessThreshold });

/** Recomputes one case's findings, counts and verdict in one transaction, then tells the UI. */
export function recomputeCase(ctx: EngineContext, caseId: number): void {
  const s = statements(ctx.db);
  const now = ctx.clock.now();
  const today = new Date(now);
  const ids = ctx.db.transaction(() => {
    const docs = s.caseDocs.all(caseId).map(docRow);
    const result = validateCase(toInputs(docs, duplicateFinder(s)), thresholdsOf(ctx.settings.get()), today);
    const updates = createUpdates(s);
    writeCase(s, caseId, docs, result, now, s.oneCase.get(caseId) ?? null, storedFindings(s, caseId, caseId).get(caseId), updates);
    updates.flush(now);
    return docs.map((d) => d.id);
  })();
  if (ids.length > 0) ctx.events.documentsChanged(ids);
}

/** Timings of a full recompute (the validation benchmark prints them). */
export type RecomputeStats = { cases: number; documents: number; findings: number; readMs: number; validateMs: number; writeMs: number; commitMs: number };

/** What every chunk of one full recompute shares: statements, time, thresholds, the case id span and the duplicate filter. */
export type RecomputePlan = {
  s: Statements;
  now: number;
  today: Date;
  thresholds: ReturnType<typeof thresholdsOf>;
  /** Case ids of done cases span [first, last]; last < first when there is none. */
  first: number;
  last: number;
  /** Done cases when the plan was made: the progress total. */
  total: number;
  findDuplicates: DuplicateFinder;
  stats: RecomputeStats;
};

/**
 * Reads what a full recompute needs once. The repeated-value sets are a snapshot: a case finishing after it is
 * validated by its own path (recomputeCase, exact lookups), and a duplicate finding sits on the later document,
 * which is that newer case's.
 */
export function planRecompute(ctx: EngineContext): RecomputePlan {
  const t = performance.now();
  const s = statements(ctx.db);
  const now = ctx.clock.now();
  const span = s.caseIdSpan.get();
  const repeatedNumbers = new Set(s.repeatedNumbers.all());
  const repeatedInns = new Set(s.repeatedInns.all());
  const stats: RecomputeStats = { cases: 0, documents: 0, findings: 0, readMs: 0, validateMs: 0, writeMs: 0, commitMs: 0 };
  stats.readMs += performance.now() - t;
  return {
    s, now, today: new Date(now), thresholds: thresholdsOf(ctx.settings.get()),
    first: span?.lo ?? 1, last: span?.hi ?? 0, total: s.doneCount.get() ?? 0,
    findDuplicates: duplicateFinder(s, { passportNumber: (v) => repeatedNumbers.has(v), inn: (v) => repeatedInns.has(v) }),
    stats,
  };
}

/** Recomputes the done cases with ids in [lo, hi]; the caller owns the transaction. Returns how many cases it did. */
export function recomputeSpan(plan: RecomputePlan, lo: number, hi: number): number {
  const { s, stats } = plan;
  let t = performance.now();
  const doneCases = s.rangeCases.all(lo, hi);
  const stored = storedFindings(s, lo, hi);
  // Rows come in case order: split them into per-case runs (documents of cases not done are skipped below).
  const byCase = new Map<number, DocRow[]>();
  for (const r of s.rangeDocs.all(lo, hi)) {
    const d = docRow(r);
    let l = byCase.get(d.case_id);
    if (!l) byCase.set(d.case_id, (l = []));
    l.push(d);
  }
  stats.readMs += performance.now() - t;
  t = performance.now();
  const results = doneCases.map((c) => validateCase(toInputs(byCase.get(c.id) ?? [], plan.findDuplicates), plan.thresholds, plan.today));
  stats.validateMs += performance.now() - t;
  t = performance.now();
  const updates = createUpdates(s);
  doneCases.forEach((c, k) => {
    const caseDocs = byCase.get(c.id) ?? [];
    writeCase(s, c.id, caseDocs, results[k]!, plan.now, c, stored.get(c.id), updates);
    stats.documents += caseDocs.length;
    stats.findings += results[k]!.findings.length;
  });
  updates.flush(plan.now);
  stats.cases += doneCases.length;
  stats.writeMs += performance.now() - t;
  return doneCases.length;
}

/**
 * Recomputes every finished case in ONE transaction (the benchmark, tests). The engine itself recomputes in the
 * background, a chunk per transaction (see background.ts), so it keeps answering while it runs.
 */
export function recomputeAll(ctx: EngineContext, opts: { chunkCases?: number } = {}): RecomputeStats {
  const chunk = opts.chunkCases ?? DEFAULT_CHUNK_CASES;
  let commitStart = 0;
  const plan = ctx.db.transaction(() => {
    const p = planRecompute(ctx);
    for (let lo = p.first; lo <= p.last; lo += chunk) recomputeSpan(p, lo, Math.min(lo + chunk - 1, p.last));
    commitStart = performance.now();
    return p;
  })();
  plan.stats.commitMs = performance.now() - commitStart;
  ctx.events.documentsChanged('all');
  const ms = (x: number) => Math.round(x);
  const st = plan.stats;
  return { ...st, readMs: ms(st.readMs), validateMs: ms(st.validateMs), writeMs: ms(st.writeMs), commitMs: ms(st.commitMs) };
}

// A chunk is a span of case ids whose rows are read, validated and written before the next one. Small spans keep
// few rows alive at a time, so young-generation collections stay cheap: 2000 cases per chunk spent ~300 ms of a
// 100,000-document run in GC pauses, 500 about 50 ms; the extra statements cost a few ms.
const DEFAULT_CHUNK_CASES = 500;

export type ValidationModule = EngineModule & {
  /** Resolves when no background recompute is under way (tests, the CLI). */
  recomputed(): Promise<void>;
};

export function createValidationModule(ctx: EngineContext, opts: BackgroundRecomputeOptions = {}): ValidationModule {
  const unsubscribe: (() => void)[] = [];
  let thresholds = thresholdsOf(ctx.settings.get());
  // Inside 'settings:set': the request returns at once and the recompute runs in chunks behind it.
  const background = createBackgroundRecompute(ctx, opts);
  return {
    name: 'validation',
    handlers: {},
    recomputed: () => background.idle(),
    start() {
      unsubscribe.push(
        ctx.signals.on('case:finished', ({ caseId, state }) => {
          if (state === 'done') recomputeCase(ctx, caseId);
        }),
        ctx.signals.on('document:edited', ({ documentId, caseId }) => {
          const id = caseId ?? statements(ctx.db).docCase.get(documentId)?.case_id ?? null;
          if (id != null) recomputeCase(ctx, id);
        }),
        ctx.settings.onChange((st, origin) => {
          const next = thresholdsOf(st);
          if (next.matchThreshold === thresholds.matchThreshold && next.livenessThreshold === thresholds.livenessThreshold) return;
          thresholds = next;
          // Findings live in the shared database: the instance where the thresholds were changed recomputes them.
          if (origin === 'here') background.request();
        }),
      );
    },
    async stop() {
      for (const u of unsubscribe.splice(0)) u();
      await background.dispose();
    },
  };
}
