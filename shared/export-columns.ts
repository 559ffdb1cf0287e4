// The export column catalogue: which keys a template may hold and what each column is called. One place for the
// engine (main/engine/export/columns.ts resolves keys into cells, headers from here) and the export dialog's column
// editor. Keys: the fixed ones below, 'field:<Name>' (the row's own document), 'passport:<Name>' / 'inn:<Name>' (the
// case's passport / INN — a template with any of them exports one row per person), 'passport:series-number',
// 'passport:dept-code'.
import { DOC_TYPE_LABELS, FIELD_LABELS, INN_FIELDS, PASSPORT_FIELDS } from './fields.ts';
import type { Language } from './types.ts';

type Label = { ru: string; en: string };

export const FIXED_COLUMN_LABELS: Record<string, Label> = {
  file: { ru: 'Файл', en: 'File' },
  path: { ru: 'Путь к файлу', en: 'File path' },
  case: { ru: 'Дело', en: 'Case' },
  verdict: { ru: 'Заключение', en: 'Verdict' },
  type: { ru: 'Тип документа', en: 'Document type' },
  status: { ru: 'Статус', en: 'Status' },
  'status-reason': { ru: 'Причина статуса', en: 'Status reason' },
  review: { ru: 'Проверка', en: 'Review' },
  exported: { ru: 'Выгружен', en: 'Exported' },
  'min-confidence': { ru: 'Мин. уверенность', en: 'Min confidence' },
  match: { ru: 'Совпадение лица', en: 'Face match' },
  liveness: { ru: 'Живость', en: 'Liveness' },
  findings: { ru: 'Замечания', en: 'Findings' },
  fio: { ru: 'ФИО', en: 'Full name' },
  'passport:series-number': { ru: 'Паспорт серия и номер', en: 'Passport series and number' },
  'passport:dept-code': { ru: 'Код подразделения', en: 'Department code' },
};

/** Field names of every document type, passport order first (the default template's field order). */
export const ALL_EXPORT_FIELDS: readonly string[] = [...new Set<string>([...PASSPORT_FIELDS, ...INN_FIELDS])];

const FIELD_KEY = /^(field|passport|inn):(.+)$/;

/**
 * INN-only fields whose label a passport field also has (HasSeal «Печать» beside HasStamp «Печать»): in a template
 * that mixes document types the INN's column says whose it is, so no two headers read the same.
 */
const SHARED_LABEL_INN_FIELDS: ReadonlySet<string> = new Set(
  INN_FIELDS.filter((f) => !(PASSPORT_FIELDS as readonly string[]).includes(f) &&
    PASSPORT_FIELDS.some((p) => FIELD_LABELS[p]?.ru === FIELD_LABELS[f]?.ru || FIELD_LABELS[p]?.en === FIELD_LABELS[f]?.en)),
);

export function isKnownColumn(key: string): boolean {
  if (key in FIXED_COLUMN_LABELS) return true;
  const m = FIELD_KEY.exec(key);
  if (!m) return false;
  const list: readonly string[] = m[1] === 'passport' ? PASSPORT_FIELDS : m[1] === 'inn' ? INN_FIELDS : ALL_EXPORT_FIELDS;
  return list.includes(m[2]!);
}

/** A case-level column (the case's passport or INN): the template then exports one row per person. */
export function isCaseColumn(key: string): boolean {
  return key.startsWith('passport:') || key.startsWith('inn:');
}

/** Header of a column in a language: "Фамилия", "Паспорт: Серия", "ИНН" (not "ИНН: ИНН"). */
export function columnLabel(key: string, lang: Language): string {
  const fixed = FIXED_COLUMN_LABELS[key];
  if (fixed) return fixed[lang];
  const m = FIELD_KEY.exec(key);
  if (!m) return key;
  const field = FIELD_LABELS[m[2]!]?.[lang] ?? m[2]!;
  if (m[1] === 'field') return SHARED_LABEL_INN_FIELDS.has(m[2]!) ? `${field} (${DOC_TYPE_LABELS.INN[lang]})` : field;
  const prefix = DOC_TYPE_LABELS[m[1] === 'passport' ? 'PASSPORT' : 'INN'][lang];
  return prefix === field ? field : `${prefix}: ${field}`;
}

/** Every column a template may use, grouped for a picker. */
export const COLUMN_GROUPS: { id: 'document' | 'fields' | 'passport' | 'inn'; keys: string[] }[] = [
  { id: 'document', keys: Object.keys(FIXED_COLUMN_LABELS).filter((k) => !isCaseColumn(k)) },
  { id: 'fields', keys: ALL_EXPORT_FIELDS.map((f) => `field:${f}`) },
  { id: 'passport', keys: ['passport:series-number', 'passport:dept-code', ...PASSPORT_FIELDS.map((f) => `passport:${f}`)] },
  { id: 'inn', keys: INN_FIELDS.map((f) => `inn:${f}`) },
];
