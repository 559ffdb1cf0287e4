// The API's own verdicts (metadata.verifications, broken/broken_reasons) as findings with source 'api'.
// The response is untrusted: parsed leniently with zod, unknown shapes are ignored rather than crashing.
import { z } from 'zod';
import { draft, type FindingDraft } from './draft.ts';

const checkSchema = z.object({ status: z.union([z.number(), z.string()]).nullish(), key: z.string().nullish(), title: z.string().nullish() }).loose();
const verificationsSchema = z
  .object({
    status: z.union([z.number(), z.string()]).nullish(),
    status_text: z.string().nullish(),
    checks: z.record(z.string(), z.array(z.unknown())).nullish(),
    bad_fields: z.array(z.unknown()).nullish(),
  })
  .loose();

/** Known check keys of `verify_passport` (beorg-api.md §4): the field they concern and a plain explanation. */
const KNOWN_CHECKS: Readonly<Record<string, { field: string | null; ru: string; en: string }>> = {
  fields_to_check_valid: { field: null, ru: 'обязательные поля отсутствуют, имеют неверный формат или не сходится контрольная сумма MRZ', en: 'required fields are missing, malformed, or the MRZ checksum fails' },
  fio_series_number_mrz: { field: 'MRZ2', ru: 'ФИО, серия или номер не совпадают с MRZ', en: 'name, series or number do not match the MRZ' },
  series_okato: { field: 'Series', ru: 'серия не соответствует коду подразделения', en: 'the series does not match the department code' },
  region_valid: { field: 'IssuedBy', ru: 'место выдачи не соответствует коду подразделения', en: 'the place of issue does not match the department code' },
  issued_after_14: { field: 'IssueDate', ru: 'паспорт выдан раньше 14 лет', en: 'the passport was issued before age 14' },
  issued_after_1997: { field: 'IssueDate', ru: 'паспорт выдан раньше 01.10.1997', en: 'the passport was issued before 01.10.1997' },
  expiration_date: { field: 'IssueDate', ru: 'срок действия паспорта истёк', en: 'the passport has expired' },
};

const failed = (s: unknown): boolean => s === 1 || s === '1';
const parseJson = (s: string | null | undefined): unknown => {
  if (s == null || s === '') return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
};

export type ApiDocInput = {
  broken?: boolean | null;
  brokenReasons?: readonly string[];
  brokenReasonsRu?: readonly string[];
  /** metadata.verifications as stored (object or JSON text). */
  apiVerifications?: unknown;
};

export function apiFindings(doc: ApiDocInput): FindingDraft[] {
  const out: FindingDraft[] = [];
  if (doc.broken === true) {
    const ru = (doc.brokenReasonsRu ?? []).filter(Boolean);
    const en = (doc.brokenReasons ?? []).filter(Boolean);
    out.push(draft(null, 'error', 'api.broken',
      `Сервис распознавания пометил документ как брак${ru.length ? `: ${ru.join('; ')}` : en.length ? `: ${en.join('; ')}` : ' (причина не указана)'}.`,
      `The recognition service marked the document as defective${en.length ? `: ${en.join('; ')}` : ru.length ? `: ${ru.join('; ')}` : ' (no reason given)'}.`));
  }
  if (doc.apiVerifications == null || doc.apiVerifications === '' || doc.apiVerifications === '{}') return out; // nothing to parse (hot path)
  const raw = typeof doc.apiVerifications === 'string' ? parseJson(doc.apiVerifications) : doc.apiVerifications;
  const v = verificationsSchema.safeParse(raw ?? {});
  if (!v.success) return out;
  let failedChecks = 0;
  for (const list of Object.values(v.data.checks ?? {})) {
    for (const item of list) {
      const c = checkSchema.safeParse(item);
      if (!c.success || !failed(c.data.status)) continue;
      failedChecks++;
      const key = c.data.key ?? 'unknown';
      const known = KNOWN_CHECKS[key];
      const title = c.data.title?.trim();
      out.push(draft(known?.field ?? null, 'error', `api.check.${key.replace(/[^a-z0-9_]/gi, '')}`,
        `Проверка сервиса не пройдена: ${known?.ru ?? title ?? key}.`,
        `The service's check failed: ${known?.en ?? title ?? key}.`));
    }
  }
  const badFields = (v.data.bad_fields ?? []).filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length < 100);
  for (const f of badFields) {
    out.push(draft(f, 'warning', 'api.bad-field', `Сервис распознавания отметил поле ${f} как несогласованное с другими данными.`, `The recognition service flagged field ${f} as inconsistent.`));
  }
  if (failed(v.data.status) && failedChecks === 0 && badFields.length === 0) {
    out.push(draft(null, 'error', 'api.status', `Проверка сервиса не пройдена (${v.data.status_text ?? 'status 1'}), подробности не переданы.`, `The service's verification failed (${v.data.status_text ?? 'status 1'}), no details given.`));
  }
  return out;
}
