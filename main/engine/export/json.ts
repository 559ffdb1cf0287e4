// JSON / NDJSON: one record per document, everything the app knows about it (schema documented in
// jsonRecordSchema below and in the README). Raw values — no formula guard, JSON is not a spreadsheet.
import { z } from 'zod';
import type { DocRecord } from './records.ts';
import type { Sink } from './sink.ts';

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparsed: text };
  }
}
const stringList = (text: string): string[] => {
  const v = parseJson(text);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

const findingSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']), code: z.string(), messageRu: z.string(), messageEn: z.string(), source: z.enum(['api', 'local']),
});
const historySchema = z.object({
  at: z.string(), actor: z.string(), action: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable(), source: z.string(),
});

/** The published shape of one exported record (tests validate every record against it). */
export const jsonRecordSchema = z.object({
  id: z.number().int(),
  source: z.object({ path: z.string(), currentPath: z.string().nullable(), relPath: z.string(), fileName: z.string() }),
  case: z.object({ id: z.number().int(), label: z.string(), verdict: z.string().nullable(), verdictReasons: z.array(z.string()) }).nullable(),
  beorgDocumentId: z.string().nullable(),
  /** Only on a copy of earlier content: that document's id (its result is the one that was paid for). */
  duplicateOf: z.number().int().optional(),
  type: z.enum(['PASSPORT', 'INN', 'SELFIE']),
  status: z.string(),
  error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
  review: z.object({ state: z.string(), reason: z.string().nullable() }),
  exportedAt: z.string().nullable(),
  broken: z.object({ broken: z.boolean().nullable(), reasons: z.array(z.string()), reasonsRu: z.array(z.string()) }),
  biometry: z.object({ match: z.number().nullable(), liveness: z.number().nullable() }),
  fields: z.record(z.string(), z.object({
    recognised: z.string().nullable(), value: z.string().nullable(), confidence: z.number().nullable(), state: z.string(),
    findings: z.array(findingSchema), history: z.array(historySchema),
  })),
  findings: z.array(findingSchema),
  raw: z.unknown(),
});
export type JsonRecord = z.infer<typeof jsonRecordSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toJsonRecord(doc: DocRecord): JsonRecord {
  const finding = (f: DocRecord['findings'][number]) => ({ severity: f.severity, code: f.code, messageRu: f.messageRu, messageEn: f.messageEn, source: f.source });
  const fields: JsonRecord['fields'] = {};
  for (const [name, f] of doc.fields ?? []) {
    fields[name] = {
      recognised: f.recognised, value: f.value, confidence: f.confidence, state: f.state,
      findings: doc.findings.filter((x) => x.field === name).map(finding),
      history: doc.history.filter((h) => h.field === name).map((h) => ({ at: iso(h.at)!, actor: h.actor, action: h.action, oldValue: h.oldValue, newValue: h.newValue, source: h.source })),
    };
  }
  const failed = doc.status === 'failed' || doc.status === 'rejected' || doc.status === 'uncertain';
  return {
    id: doc.id,
    source: { path: doc.path, currentPath: doc.currentPath, relPath: doc.relPath, fileName: doc.fileName },
    case: doc.caseId === null ? null : { id: doc.caseId, label: doc.caseLabel ?? '', verdict: doc.caseVerdict, verdictReasons: stringList(doc.caseVerdictReasons) },
    beorgDocumentId: doc.beorgDocumentId,
    // Present only when set, so exports without duplicates keep their exact shape.
    ...(doc.duplicateOf !== null ? { duplicateOf: doc.duplicateOf } : {}),
    type: doc.type,
    status: doc.status,
    error: failed || doc.statusReason ? { code: doc.statusCode, message: doc.statusReason ?? doc.status } : null,
    review: { state: doc.review, reason: doc.reviewReason },
    exportedAt: iso(doc.exportedAt),
    broken: { broken: doc.broken === null ? null : doc.broken === 1, reasons: stringList(doc.brokenReasons), reasonsRu: stringList(doc.brokenReasonsRu) },
    biometry: { match: doc.matchScore, liveness: doc.livenessScore },
    fields,
    findings: doc.findings.filter((f) => f.field === null || !doc.fields?.has(f.field)).map(finding),
    raw: parseJson(doc.rawDocument),
  };
}

/** `[` + records joined by `,\n` + `]` (json), or one record per line (ndjson) — both streamed. */
export function createJsonWriter(sink: Sink, format: 'json' | 'ndjson') {
  let count = 0;
  return {
    async begin() {
      if (format === 'json') await sink.write('[\n');
    },
    async records(docs: readonly DocRecord[]) {
      if (docs.length === 0) return;
      // Record by record into the sink's buffer: a page joined into one string is a large object, fresh memory each time.
      const lines = docs.map((d, i) => {
        const text = JSON.stringify(toJsonRecord(d));
        return format === 'ndjson' ? `${text}\n` : count + i > 0 ? `,\n${text}` : text;
      });
      count += docs.length;
      await sink.writeText(lines, 'utf8');
    },
    async end() {
      if (format === 'json') await sink.write(count > 0 ? '\n]\n' : ']\n');
    },
  };
}
