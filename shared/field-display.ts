// [Note: display forms of field values]
// One written form per field for everything a person reads — the grids and the spreadsheet exports — whatever form
// the recognition returned.
//   Пол: the passport prints М/Ж, the INN certificate comes back as Latin M/F → М/Ж (M/F in English).
//   Печать / подпись / фото: '1' on passports, 'true' on INN certificates → Да/Нет (Yes/No).
//   Код подразделения of a passport: '770001' and '770-001' both arrive → NNN-NNN, as printed.
// Only the shown form changes: the database, the JSON export and the review editor keep the value as recognised or
// typed, so nothing is lost and the audit trail stays exact. A value the rules do not recognise is shown as it is.
import type { DocType, Language } from './types.ts';

const GENDER: ReadonlyMap<string, 'М' | 'Ж'> = new Map([
  ['М', 'М'], ['МУЖ', 'М'], ['МУЖСКОЙ', 'М'], ['M', 'М'], ['MALE', 'М'],
  ['Ж', 'Ж'], ['ЖЕН', 'Ж'], ['ЖЕНСКИЙ', 'Ж'], ['F', 'Ж'], ['FEMALE', 'Ж'],
]);
const YES = new Set(['1', 'TRUE', 'ДА', 'YES', 'Y', 'Д', '+']);
const NO = new Set(['0', 'FALSE', 'НЕТ', 'NO', 'N', 'Н']);

/** Fields whose shown form may differ from the stored value (the rest are shown exactly as stored). */
export const DISPLAY_FORM_FIELDS: ReadonlySet<string> = new Set(['Gender', 'HasPhoto', 'HasOwnerSignature', 'HasStamp', 'HasSeal', 'HasSignature', 'IssueId']);

const key = (v: string) => v.trim().replace(/\.$/, '').toUpperCase();

export function displayGender(value: string, lang: Language): string {
  const g = GENDER.get(key(value));
  if (!g) return value;
  return lang === 'ru' ? g : g === 'М' ? 'M' : 'F';
}

export function displayYesNo(value: string, lang: Language): string {
  const k = key(value);
  if (YES.has(k)) return lang === 'ru' ? 'Да' : 'Yes';
  if (NO.has(k)) return lang === 'ru' ? 'Нет' : 'No';
  return value;
}

/** A passport department code as printed, NNN-NNN; anything that is not six digits (with one separator) stays as is. */
export function displayDeptCode(value: string): string {
  const m = /^\s*(\d{3})[\s\-‐‑‒–—―−]?(\d{3})\s*$/.exec(value);
  return m ? `${m[1]}-${m[2]}` : value;
}

/**
 * The shown form of a field's value. `type` matters for IssueId: on a passport it is the department code; on an INN
 * certificate the same field name carries the tax office's code, which keeps its own form.
 */
export function displayFieldValue(name: string, value: string, type: DocType | null, lang: Language): string;
export function displayFieldValue(name: string, value: string | null, type: DocType | null, lang: Language): string | null;
export function displayFieldValue(name: string, value: string | null, type: DocType | null, lang: Language): string | null {
  if (value === null || value === '') return value;
  switch (name) {
    case 'Gender': return displayGender(value, lang);
    case 'HasPhoto': case 'HasOwnerSignature': case 'HasStamp': case 'HasSeal': case 'HasSignature': return displayYesNo(value, lang);
    case 'IssueId': return type === 'PASSPORT' ? displayDeptCode(value) : value;
    default: return value;
  }
}
