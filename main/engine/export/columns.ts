// Export columns: resolves a template's keys (catalogue and headers: shared/export-columns.ts) into cells. A template
// is an ordered list of keys with optional header overrides. A template with any 'passport:'/'inn:' column is per
// CASE (one row per person, passport + INN merged — what 1C "load from spreadsheet" wants); otherwise one row per
// document.
import { DOC_TYPE_LABELS, INN_FIELDS, PASSPORT_FIELDS, TEXT_LIKE_FIELDS } from '../../../shared/fields.ts';
import { ALL_EXPORT_FIELDS, columnLabel, FIXED_COLUMN_LABELS, isCaseColumn } from '../../../shared/export-columns.ts';
import { DISPLAY_FORM_FIELDS, displayDeptCode, displayFieldValue } from '../../../shared/field-display.ts';
import { DOC_STATUS_LABELS, labelOf, REVIEW_STATE_LABELS, VERDICT_LABELS } from '../../../shared/labels.ts';
import type { ExportTemplate } from '../../../shared/api/export.ts';
import type { DocType, Language } from '../../../shared/types.ts';
import type { DocColumn, DocRecord } from './records.ts';

/** One spreadsheet row's worth of documents: one document, or every in-scope document of a case. */
export type Unit = readonly DocRecord[];
export type CellData = string | number | null;

export type ReviewMark = { reason: string };

export type Column = {
  key: string;
  header: string;
  /** Identifiers and dates: written as text (XLSX numFmt '@'), never re-typed. */
  text: boolean;
  width: number;
  /** Document properties value() reads, so the page query selects only those (review() reads findings and confidences). */
  reads: readonly (DocColumn | 'findings')[];
  value(unit: Unit): CellData;
  /** Why this cell needs a human look (low confidence, error/warning finding), or null. */
  review(unit: Unit, threshold: number, lang: Language): ReviewMark | null;
};

export const BUILT_IN_TEMPLATES: readonly ExportTemplate[] = [
  {
    id: 'default',
    name: 'Все столбцы',
    builtIn: true,
    columns: [
      { key: 'file' }, { key: 'case' }, { key: 'type' }, { key: 'status' }, { key: 'review' },
      ...ALL_EXPORT_FIELDS.map((f) => ({ key: `field:${f}` })),
      { key: 'match' }, { key: 'liveness' }, { key: 'findings' },
    ],
  },
  {
    id: '1c-persons',
    name: '1С: физические лица',
    builtIn: true,
    columns: [
      { key: 'fio', header: 'ФИО' },
      { key: 'passport:BirthDate', header: 'Дата рождения' },
      { key: 'passport:Series', header: 'Паспорт серия' },
      { key: 'passport:Number', header: 'Паспорт номер' },
      { key: 'passport:IssuedBy', header: 'Кем выдан' },
      { key: 'passport:IssueDate', header: 'Дата выдачи' },
      { key: 'passport:dept-code', header: 'Код подразделения' },
      { key: 'inn:INN', header: 'ИНН' },
    ],
  },
];

const SOURCE_TYPE: Record<string, DocType> = { passport: 'PASSPORT', inn: 'INN' };

export function isPerCase(template: ExportTemplate): boolean {
  return template.columns.some((c) => isCaseColumn(c.key));
}

/** Field columns of a template that belong to a given document type (for the per-type sheets). */
export function columnAppliesTo(key: string, type: DocType): boolean {
  if (key === 'match') return type === 'PASSPORT';
  if (key === 'liveness') return type === 'SELFIE';
  if (!key.startsWith('field:')) return true;
  const name = key.slice('field:'.length);
  return type === 'PASSPORT' ? (PASSPORT_FIELDS as readonly string[]).includes(name) : type === 'INN' ? (INN_FIELDS as readonly string[]).includes(name) : false;
}

const valueOf = (doc: DocRecord | undefined, name: string): string | null => doc?.values[name] ?? null;
const hasField = (doc: DocRecord | undefined, name: string) => doc !== undefined && Object.hasOwn(doc.values, name);
const docOfType = (unit: Unit, type: DocType) => unit.find((d) => d.type === type);
/** 'field:X' in a case row: the passport's value first, then the INN's. */
const docWithField = (unit: Unit, name: string) => {
  if (unit.length === 1) return hasField(unit[0], name) ? unit[0] : undefined; // a per-document row: the same answer, sooner
  const passport = docOfType(unit, 'PASSPORT');
  return hasField(passport, name) ? passport : unit.find((d) => hasField(d, name));
};

function fieldReview(doc: DocRecord | undefined, name: string, threshold: number, lang: Language): ReviewMark | null {
  if (!doc) return null;
  const reasons: string[] = [];
  for (const f of doc.findings) {
    if (f.field === name && (f.severity === 'error' || f.severity === 'warning')) reasons.push(lang === 'ru' ? f.messageRu : f.messageEn);
  }
  const conf = doc.confidences?.get(name);
  if (conf !== undefined && conf < threshold) {
    reasons.push(lang === 'ru' ? `Низкая уверенность распознавания: ${conf.toFixed(2)}` : `Low recognition confidence: ${conf.toFixed(2)}`);
  }
  return reasons.length ? { reason: reasons.join('\n') } : null;
}

const noReview = () => null;
const joinText = (values: (string | null | undefined)[]) => {
  const parts = values.filter((v): v is string => !!v);
  return parts.length ? parts.join('; ') : null;
};
/** joinText of one text per document; a one-document row (every per-document export) builds no arrays. */
const joinEach = (unit: Unit, get: (d: DocRecord) => string | null | undefined) => {
  if (unit.length !== 1) return joinText(unit.map(get));
  const v = get(unit[0]!);
  return v ? v : null;
};

// Values in their shown form ([Note: display forms of field values]): the test for the field name is made once per
// column, so the other columns of a 100k-row export pay nothing for it.
function fieldColumn(key: string, header: string, pick: (unit: Unit, name: string) => DocRecord | undefined, name: string, lang: Language): Column {
  const value = DISPLAY_FORM_FIELDS.has(name)
    ? (u: Unit) => {
      const doc = pick(u, name);
      return displayFieldValue(name, valueOf(doc, name), doc?.type ?? null, lang);
    }
    : (u: Unit) => valueOf(pick(u, name), name);
  return {
    key, header, text: TEXT_LIKE_FIELDS.has(name), width: TEXT_LIKE_FIELDS.has(name) ? 16 : 24, reads: [], value,
    review: (u, t, lg) => fieldReview(pick(u, name), name, t, lg),
  };
}

const labelsOf = <K extends string>(labels: Record<K, { ru: string; en: string }>, unit: Unit, code: (d: DocRecord) => string | null, lang: Language) =>
  joinEach(unit, (d) => labelOf(labels, code(d), lang));
/** The error and warning messages of a row's documents (info findings are not for the spreadsheet). */
const findingsText = (unit: Unit, lang: Language) =>
  unit.every((d) => d.findings.length === 0)
    ? null
    : joinText(unit.flatMap((d) => d.findings.filter((f) => f.severity !== 'info').map((f) => (lang === 'ru' ? f.messageRu : f.messageEn))));

/** дд.мм.гггг чч:мм in the machine's time zone, as the clerk saw it in the grid (the JSON export keeps ISO UTC). */
const fmtTime = (ms: number | null) => {
  if (ms === null) return null;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
};
const first = <T>(unit: Unit, get: (d: DocRecord) => T | null) => {
  for (const d of unit) {
    const v = get(d);
    if (v !== null && v !== undefined) return v;
  }
  return null;
};

/** Resolves a template key into a column (header in the chosen language unless the template overrides it). */
export function resolveColumn(key: string, lang: Language, headerOverride?: string): Column {
  const header = headerOverride ?? columnLabel(key, lang);
  const m = /^(field|passport|inn):(.+)$/.exec(key);
  if (m && !(key in FIXED_COLUMN_LABELS)) {
    const name = m[2]!;
    if (m[1] === 'field') return fieldColumn(key, header, docWithField, name, lang);
    const type = SOURCE_TYPE[m[1]!]!;
    return fieldColumn(key, header, (u) => docOfType(u, type), name, lang);
  }
  if (!(key in FIXED_COLUMN_LABELS)) throw new Error(`unknown export column ${key}`);
  const simple = (reads: Column['reads'], value: (u: Unit) => CellData, text = false, width = 18): Column => ({ key, header, text, width, reads, value, review: noReview });
  switch (key) {
    case 'file': return simple(['fileName'], (u) => joinEach(u, (d) => d.fileName), false, 28);
    case 'path': return simple(['path', 'currentPath'], (u) => joinEach(u, (d) => d.currentPath ?? d.path), false, 50);
    case 'case': return simple(['caseLabel'], (u) => u[0]?.caseLabel ?? null, false, 26);
    case 'verdict': return simple(['caseVerdict'], (u) => labelOf(VERDICT_LABELS, u[0]?.caseVerdict, lang));
    case 'type': return simple([], (u) => joinEach(u, (d) => DOC_TYPE_LABELS[d.type][lang]), false, 14);
    case 'status': return simple(['status'], (u) => labelsOf(DOC_STATUS_LABELS, u, (d) => d.status, lang), false, 14);
    case 'status-reason': return simple(['statusReason'], (u) => joinEach(u, (d) => d.statusReason), false, 30);
    case 'review': return simple(['review'], (u) => labelsOf(REVIEW_STATE_LABELS, u, (d) => d.review, lang), false, 14);
    case 'exported': return simple(['exportedAt'], (u) => fmtTime(first(u, (d) => d.exportedAt)), true, 20);
    case 'min-confidence': return simple([], (u) => {
      let min: number | null = null;
      for (const d of u) if (d.minConfidence !== null) min = min === null ? d.minConfidence : Math.min(min, d.minConfidence);
      return min;
    }, false, 12);
    case 'match': return simple(['matchScore'], (u) => first(u, (d) => d.matchScore), false, 12);
    case 'liveness': return simple(['livenessScore'], (u) => first(u, (d) => d.livenessScore), false, 12);
    case 'findings': return simple(['findings'], (u) => findingsText(u, lang), false, 40);
    case 'fio': return {
      key, header, text: false, width: 36, reads: [],
      value: (u) => {
        const doc = docOfType(u, 'PASSPORT') ?? docOfType(u, 'INN');
        return joinSpace(['LastName', 'FirstName', 'MiddleName'].map((n) => valueOf(doc, n)));
      },
      review: (u, t, lg) => {
        const doc = docOfType(u, 'PASSPORT') ?? docOfType(u, 'INN');
        const marks = ['LastName', 'FirstName', 'MiddleName'].map((n) => fieldReview(doc, n, t, lg)).filter((x) => x !== null);
        return marks.length ? { reason: marks.map((x) => x.reason).join('\n') } : null;
      },
    };
    case 'passport:series-number': return {
      key, header, text: true, width: 20, reads: [],
      value: (u) => joinSpace(['Series', 'Number'].map((n) => valueOf(docOfType(u, 'PASSPORT'), n))),
      review: (u, t, lg) => fieldReview(docOfType(u, 'PASSPORT'), 'Series', t, lg) ?? fieldReview(docOfType(u, 'PASSPORT'), 'Number', t, lg),
    };
    case 'passport:dept-code': return {
      key, header, text: true, width: 16, reads: [],
      value: (u) => {
        const code = valueOf(docOfType(u, 'PASSPORT'), 'IssueId');
        return code ? displayDeptCode(code) : null;
      },
      review: (u, t, lg) => fieldReview(docOfType(u, 'PASSPORT'), 'IssueId', t, lg),
    };
    default: throw new Error(`unhandled export column ${key}`);
  }
}

function joinSpace(values: (string | null | undefined)[]): string | null {
  const parts = values.filter((v): v is string => !!v);
  return parts.length ? parts.join(' ') : null;
}

export function resolveColumns(template: ExportTemplate, lang: Language): Column[] {
  return template.columns.map((c) => resolveColumn(c.key, lang, c.header));
}

/**
 * What a page query must read for these columns: what their values read, plus findings for the review marks when
 * the format highlights (XLSX) and a column can be marked.
 */
export function readsOf(columns: readonly Column[], withReview: boolean): { columns: DocColumn[]; findings: boolean } {
  const reads = new Set(columns.flatMap((c) => c.reads));
  const findings = reads.delete('findings') || (withReview && columns.some((c) => c.review !== noReview));
  return { columns: [...reads] as DocColumn[], findings };
}

/** = + - @ TAB CR as char codes: a set lookup per cell, where a regex cost a measurable share of a 100k CSV. */
const FORMULA_START = new Set([...'=+-@\t\r'].map((c) => c.charCodeAt(0)));

/**
 * OWASP CSV-injection guard: a cell starting with = + - @ TAB or CR is a formula to Excel/LibreOffice, and quoting
 * does not help, so prefix a single quote. Applied in every spreadsheet format, XLSX text cells included (a text
 * cell is inert in Excel itself, but the value is re-exported to CSV or pasted into a formula bar downstream).
 * Known cost: phone numbers like "+7…" and "-" placeholders also get the quote; the JSON export keeps raw values.
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.has(value.charCodeAt(0)) ? `'${value}` : value;
}

/** The text a CSV cell carries: numbers as plain decimals (never exponent notation), strings guarded. */
export function toCsvText(v: CellData): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(Math.round(v * 10000) / 10000);
  return neutraliseFormula(v);
}
