// Defensive parsing of a document/result body (beorg-api.md §0, §3.4, §5.3): the provider's examples disagree
// on types, so every value is coerced, bounded and nothing nested is trusted. The raw body is stored separately.
import { z } from 'zod';

export type ParsedField = { name: string; value: string | null; confidence: number | null };

export type ParsedDocument = {
  key: string;
  type: string;
  fields: ParsedField[];
  broken: boolean | null;
  brokenReasons: string[];
  brokenReasonsRu: string[];
  /** Sanitised JSON (bounded depth/size); display only. */
  verifications: unknown;
  matchScore: number | null;
  livenessScore: number | null;
};

export type ParsedResult = { documentId: string | null; documents: ParsedDocument[] };

const MAX_VALUE = 2000;
const MAX_DOCUMENTS = 50;
const MAX_FIELDS = 200;
const MAX_REASONS = 20;

const looseRecord = z.record(z.string(), z.unknown());

const documentSchema = z.object({
  key: z.unknown().optional(),
  type: z.unknown().optional(),
  data: z.unknown().optional(),
  metadata: z.unknown().optional(),
  broken: z.unknown().optional(),
  broken_reasons: z.unknown().optional(),
  broken_reasons_ru: z.unknown().optional(),
});

const bodySchema = z.object({ document_id: z.unknown().optional(), documents: z.array(z.unknown()) });

const clip = (s: string, n = MAX_VALUE) => (s.length > n ? s.slice(0, n) : s);

/** string/number/bool/null → string|null (HTML stays inert text: we only ever render it as text). */
function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return clip(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null; // objects/arrays are not field values
}

function toScore(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.replace(',', '.')) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

function toBroken(v: unknown): boolean | null {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return null;
}

function toStrings(v: unknown): string[] {
  if (!Array.isArray(v)) return typeof v === 'string' && v ? [clip(v, 500)] : [];
  return v.slice(0, MAX_REASONS).flatMap((x) => (typeof x === 'string' ? [clip(x, 500)] : []));
}

/** Bounded copy of JSON: depth ≤ 4, ≤ 100 keys per object, strings clipped; functions etc. dropped. */
export function sanitiseJson(v: unknown, depth = 0): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return clip(v, 500);
  if (depth >= 4) return null;
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => sanitiseJson(x, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 100)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[clip(k, 100)] = sanitiseJson(x, depth + 1);
    }
    return out;
  }
  return null;
}

const get = (o: unknown, ...path: string[]): unknown => {
  let cur = o;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
};

function parseDocument(raw: unknown, index: number): ParsedDocument | null {
  const d = documentSchema.safeParse(raw);
  if (!d.success) return null;
  const doc = d.data;
  const data = looseRecord.safeParse(doc.data);
  const conf = looseRecord.safeParse(get(doc.metadata, 'confidences'));
  // Confidence keys may be spelled differently from data keys (SNILS: Firstname vs FirstName).
  const confByLower = new Map<string, unknown>();
  if (conf.success) for (const [k, v] of Object.entries(conf.data)) confByLower.set(k.toLowerCase(), v);
  const fields: ParsedField[] = [];
  if (data.success) {
    for (const [name, v] of Object.entries(data.data).slice(0, MAX_FIELDS)) {
      if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) continue; // a field name is an identifier, nothing else
      if (v !== null && typeof v === 'object') continue;
      fields.push({ name, value: toText(v), confidence: toScore(confByLower.get(name.toLowerCase())) });
    }
  }
  const key = toText(doc.key) ?? toText(doc.type) ?? `DOC${index + 1}`;
  const verifications = get(doc.metadata, 'verifications');
  return {
    key: clip(key, 100),
    type: clip(toText(doc.type) ?? '', 100),
    fields,
    broken: toBroken(doc.broken),
    brokenReasons: toStrings(doc.broken_reasons),
    brokenReasonsRu: toStrings(doc.broken_reasons_ru),
    verifications: verifications === undefined ? null : sanitiseJson(verifications),
    matchScore: toScore(get(doc.metadata, 'biometrics', 'matches', 'similarity')),
    livenessScore: toScore(get(doc.metadata, 'biometrics', 'liveness', 'probability')),
  };
}

export function parseResultBody(raw: string): { ok: true; result: ParsedResult } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'Ответ Beorg не является корректным JSON' };
  }
  const body = bodySchema.safeParse(json);
  if (!body.success) return { ok: false, error: 'В ответе Beorg нет списка documents' };
  const documents = body.data.documents.slice(0, MAX_DOCUMENTS).flatMap((d, i) => {
    const p = parseDocument(d, i);
    return p ? [p] : [];
  });
  if (documents.length === 0) return { ok: false, error: 'В ответе Beorg нет ни одного документа' };
  const id = toText(body.data.document_id);
  return { ok: true, result: { documentId: id === null ? null : clip(id, 100), documents } };
}
