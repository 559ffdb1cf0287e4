// Validation module: turns a finished case's FINAL field values into findings (local + api), per-document
// error/warning counts and the case verdict. Recomputed on 'case:finished' (done), 'document:edited', and for
// every case when a biometry threshold changes. The pure rules live in case.ts and the files it imports.
import type { EngineContext, EngineModule } from '../context.ts';
import type { Db } from '../db/open.ts';
import type { DocType } from '../../../shared/types.ts';
import type { Settings } from '../../../shared/settings.ts';
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
  /** {name: final value} aggregated by SQLite from the fields table (one row per document, not per field). */
  fields_json: string | null;
};
type CaseRow = { id: number; verdict: string | null; verdict_reasons: string };
type DupRow = { id: number; label: string | null };

// `+d.status` keeps the planner on documents_case: without ANALYZE it would otherwise pick documents_status
// and scan every recognised document for each case.
// Free-text fields no rule reads are left out of the aggregate (less to copy and parse in a full recompute).
const UNCHECKED_FIELDS = ['BirthPlace', 'IssuedBy', 'Address', 'HasPhoto', 'HasOwnerSignature', 'HasStamp', 'OrgName', 'RegPlace', 'HasSeal', 'HasSignature'];
const DOC_SELECT = `SELECT d.id, d.case_id, d.doc_type, d.broken,
  CASE WHEN d.broken = 1 THEN d.broken_reasons END AS broken_reasons, CASE WHEN d.broken = 1 THEN d.broken_reasons_ru END AS broken_reasons_ru,
  d.api_verifications, d.match_score, d.liveness_score, d.error_count, d.warning_count,
  (SELECT json_group_object(f.name, f.value) FROM fields f
    WHERE f.document_id = d.id AND f.name NOT IN (${UNCHECKED_FIELDS.map((n) => `'${n}'`).join(', ')})) AS fields_json
  FROM documents d`;

function prepare(db: Db) {
  return {
    caseDocs: db.prepare<[number], DocRow>(`${DOC_SELECT} WHERE d.case_id = ? AND +d.status = 'recognised' ORDER BY d.id`),
    rangeDocs: db.prepare<[number, number], DocRow>(`${DOC_SELECT} WHERE d.case_id BETWEEN ? AND ? AND +d.status = 'recognised' ORDER BY d.id`),
    rangeCases: db.prepare<[number, number], CaseRow>(`SELECT id, verdict, verdict_reasons FROM cases WHERE id BETWEEN ? AND ? AND state = 'done'`),
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
    repeatedPassports: db.prepare<[], { series: string; number: string }>(
      `SELECT s.value AS series, n.value AS number FROM fields n JOIN fields s ON s.document_id = n.document_id AND s.name = 'Series'
       WHERE n.name = 'Number' GROUP BY s.value, n.value HAVING COUNT(*) > 1`,
    ),
    repeatedInns: db.prepare<[], { value: string }>(`SELECT value FROM fields WHERE name = 'INN' GROUP BY value HAVING COUNT(*) > 1`),
    deleteCaseFindings: db.prepare<[number]>('DELETE FROM findings WHERE case_id = ?'),
    deleteDoneFindings: db.prepare<[]>(`DELETE FROM findings WHERE case_id IN (SELECT id FROM cases WHERE state = 'done')`),
    insertFinding: db.prepare(
      `INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, fix_value, fix_note_ru, fix_note_en, related_document_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateCounts: db.prepare<[number, number, number]>('UPDATE documents SET error_count = ?, warning_count = ? WHERE id = ?'),
    updateVerdict: db.prepare<[string, string, number, number]>('UPDATE cases SET verdict = ?, verdict_reasons = ?, updated_at = ? WHERE id = ?'),
    doneCaseIds: db.prepare<[], { id: number }>(`SELECT id FROM cases WHERE state = 'done' ORDER BY id`),
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
  const v = parseJson(d.fields_json);
  return v && typeof v === 'object' ? (v as Record<string, string | null>) : {};
}

type DuplicateFinder = (doc: DocRow, fields: Record<string, string | null>) => DuplicateHit[];

/** Exact duplicate lookups (indexed); `maybe` can skip documents whose values occur only once in the database. */
function duplicateFinder(s: Statements, maybe?: { passport: (series: string, number: string) => boolean; inn: (inn: string) => boolean }): DuplicateFinder {
  return (d, f) => {
    if (d.doc_type === 'PASSPORT' && f.Series && f.Number && (!maybe || maybe.passport(f.Series, f.Number))) {
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

/** Inserts the findings; rewrites counts and the verdict only where they changed (a full recompute mostly changes nothing). */
function writeCase(s: Statements, caseId: number, docs: DocRow[], result: CaseResult, now: number, prev: CaseRow | null): void {
  const errors = new Map<number, number>();
  const warnings = new Map<number, number>();
  for (const f of result.findings) {
    const docId = f.docIndex != null ? (docs[f.docIndex]?.id ?? null) : null;
    const related = f.relatedDocumentId ?? (f.relatedDocIndex != null ? (docs[f.relatedDocIndex]?.id ?? null) : null);
    s.insertFinding.run(caseId, docId, f.field, f.severity, f.code, f.messageRu, f.messageEn, f.source, f.fix?.value ?? null, f.fix?.noteRu ?? null, f.fix?.noteEn ?? null, related, now);
    if (docId == null) continue;
    if (f.severity === 'error') errors.set(docId, (errors.get(docId) ?? 0) + 1);
    else if (f.severity === 'warning') warnings.set(docId, (warnings.get(docId) ?? 0) + 1);
  }
  for (const d of docs) {
    const e = errors.get(d.id) ?? 0;
    const w = warnings.get(d.id) ?? 0;
    if (e !== d.error_count || w !== d.warning_count) s.updateCounts.run(e, w, d.id);
  }
  const reasons = JSON.stringify(result.reasons);
  if (!prev || prev.verdict !== result.verdict || prev.verdict_reasons !== reasons) s.updateVerdict.run(result.verdict, reasons, now, caseId);
}

const thresholdsOf = (st: Settings) => ({ matchThreshold: st.matchThreshold, livenessThreshold: st.livenessThreshold });

/** Recomputes one case's findings, counts and verdict in one transaction, then tells the UI. */
export function recomputeCase(ctx: EngineContext, caseId: number): void {
  const s = statements(ctx.db);
  const now = ctx.clock.now();
  const today = new Date(now);
  const ids = ctx.db.transaction(() => {
    const docs = s.caseDocs.all(caseId);
    const result = validateCase(toInputs(docs, duplicateFinder(s)), thresholdsOf(ctx.settings.get()), today);
    s.deleteCaseFindings.run(caseId);
    writeCase(s, caseId, docs, result, now, null);
    return docs.map((d) => d.id);
  })();
  if (ids.length > 0) ctx.events.documentsChanged(ids);
}

/** Recomputes every finished case (threshold change, benchmark) in one transaction, in chunks of case ids. */
export type RecomputeStats = { cases: number; documents: number; findings: number; readMs: number; validateMs: number; writeMs: number; commitMs: number };

export function recomputeAll(ctx: EngineContext, opts: { chunkCases?: number } = {}): RecomputeStats {
  const s = statements(ctx.db);
  const now = ctx.clock.now();
  const today = new Date(now);
  const thresholds = thresholdsOf(ctx.settings.get());
  const chunk = opts.chunkCases ?? 2000;
  let documents = 0;
  let findings = 0;
  let readMs = 0;
  let validateMs = 0;
  let writeMs = 0;
  const caseIds = s.doneCaseIds.all().map((r) => r.id);
  let t = performance.now();
  let commitStart = 0;
  ctx.db.transaction(() => {
    const repeatedPassports = new Set(s.repeatedPassports.all().map((r) => `${r.series}|${r.number}`));
    const repeatedInns = new Set(s.repeatedInns.all().map((r) => r.value));
    const findDuplicates = duplicateFinder(s, { passport: (a, b) => repeatedPassports.has(`${a}|${b}`), inn: (v) => repeatedInns.has(v) });
    s.deleteDoneFindings.run();
    writeMs += performance.now() - t;
    for (let i = 0; i < caseIds.length; i += chunk) {
      t = performance.now();
      const ids = caseIds.slice(i, i + chunk);
      const lo = ids[0]!;
      const hi = ids[ids.length - 1]!;
      const cases = new Map(s.rangeCases.all(lo, hi).map((c) => [c.id, c]));
      const byCase = new Map<number, DocRow[]>();
      for (const d of s.rangeDocs.all(lo, hi)) {
        let l = byCase.get(d.case_id);
        if (!l) byCase.set(d.case_id, (l = []));
        l.push(d);
      }
      readMs += performance.now() - t;
      t = performance.now();
      const results = ids.map((caseId) => validateCase(toInputs(byCase.get(caseId) ?? [], findDuplicates), thresholds, today));
      validateMs += performance.now() - t;
      t = performance.now();
      ids.forEach((caseId, k) => {
        const caseDocs = byCase.get(caseId) ?? [];
        writeCase(s, caseId, caseDocs, results[k]!, now, cases.get(caseId) ?? null);
        documents += caseDocs.length;
        findings += results[k]!.findings.length;
      });
      writeMs += performance.now() - t;
    }
    commitStart = performance.now();
  })();
  const commitMs = performance.now() - commitStart;
  ctx.events.documentsChanged('all');
  const ms = (x: number) => Math.round(x);
  return { cases: caseIds.length, documents, findings, readMs: ms(readMs), validateMs: ms(validateMs), writeMs: ms(writeMs), commitMs: ms(commitMs) };
}

export function createValidationModule(ctx: EngineContext): EngineModule {
  const unsubscribe: (() => void)[] = [];
  let thresholds = thresholdsOf(ctx.settings.get());
  return {
    name: 'validation',
    handlers: {},
    start() {
      unsubscribe.push(
        ctx.signals.on('case:finished', ({ caseId, state }) => {
          if (state === 'done') recomputeCase(ctx, caseId);
        }),
        ctx.signals.on('document:edited', ({ documentId, caseId }) => {
          const id = caseId ?? statements(ctx.db).docCase.get(documentId)?.case_id ?? null;
          if (id != null) recomputeCase(ctx, id);
        }),
        ctx.settings.onChange((st) => {
          const next = thresholdsOf(st);
          if (next.matchThreshold === thresholds.matchThreshold && next.livenessThreshold === thresholds.livenessThreshold) return;
          thresholds = next;
          try {
            recomputeAll(ctx);
          } catch (err) {
            ctx.log.error('validation: recompute after a threshold change failed', { err: String(err) });
          }
        }),
      );
    },
    stop() {
      for (const u of unsubscribe.splice(0)) u();
    },
  };
}
