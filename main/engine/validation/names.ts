// Visual-zone name sanity (ru-doc-rules.md §6): Latin look-alikes, allowed pattern, patronymic vs gender.
import { draft, type Fix, type FindingDraft } from './draft.ts';

const LATIN_TO_CYR: Readonly<Record<string, string>> = { A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', X: 'Х', Y: 'У' };
const DIGIT_TO_CYR: Readonly<Record<string, string>> = { '3': 'З', '0': 'О', '6': 'Б', '4': 'Ч' };
export const NAME_PATTERN = /^[А-ЯЁ]+(?:[- ][А-ЯЁ]+)*$/;

/** NFC, upper case, single spaces, no edge spaces. */
export function normaliseName(v: string): string {
  if (NAME_PATTERN.test(v)) return v; // already clean: the common case, skip the string work (hot in recomputeAll)
  return v.normalize('NFC').toUpperCase().replace(/\s+/g, ' ').trim();
}
/** For comparing two readings of a name: clean form, Latin look-alikes as Cyrillic, Ё as Е (one OCR artefact is reported once, by the name check). */
export function nameKey(v: string): string {
  return foldYo(cyrillicName(v));
}

/** Clean form with Latin look-alikes read as the Cyrillic letters they imitate. */
export function cyrillicName(v: string): string {
  const s = normaliseName(v);
  return /[A-Z]/.test(s) ? s.replace(/[ABEKMHOPCTXY]/g, (c) => LATIN_TO_CYR[c] ?? c) : s;
}

/** Ё and Е are the same letter for identity purposes (Минобрнауки ИР-829/08). */
export const foldYo = (v: string): string => (v.includes('Ё') ? v.replace(/Ё/g, 'Е') : v);

export type Gender = 'М' | 'Ж';

/** Passport 'М'/'Ж'/'МУЖ.'/'ЖЕН.' and the INN's Latin 'M'/'F' → one value; null if unrecognisable. */
const GENDERS: ReadonlyMap<string, Gender> = new Map([
  ['М', 'М'], ['МУЖ', 'М'], ['МУЖ.', 'М'], ['M', 'М'], ['MALE', 'М'],
  ['Ж', 'Ж'], ['ЖЕН', 'Ж'], ['ЖЕН.', 'Ж'], ['F', 'Ж'], ['FEMALE', 'Ж'],
]);
export function normaliseGender(v: string | null | undefined): Gender | null {
  if (v == null) return null;
  const direct = GENDERS.get(v); // exact API values first: no string work in the common case
  if (direct) return direct;
  return GENDERS.get(v.trim().toUpperCase().replace(/\.$/, '')) ?? null;
}

/** Gender implied by a patronymic's ending, or null when the ending says nothing. */
export function genderOfPatronymic(patronymic: string): Gender | null {
  const p = normaliseName(patronymic);
  if (/(ИЧНА|ВНА|КЫЗЫ)$/.test(p)) return 'Ж';
  if (/(ВИЧ|ИЧ|ОГЛЫ|УУЛУ)$/.test(p)) return 'М';
  return null;
}

const FIELD_TEXT: Readonly<Record<string, { ru: string; en: string }>> = {
  LastName: { ru: 'Фамилия', en: 'Surname' },
  FirstName: { ru: 'Имя', en: 'Given name' },
  MiddleName: { ru: 'Отчество', en: 'Patronymic' },
};

/** One name part (surname / name / patronymic) of the visual zone. */
export function validateNamePart(field: string, raw: string | null | undefined): FindingDraft[] {
  if (raw == null || raw.trim() === '') return [];
  const label = FIELD_TEXT[field] ?? { ru: field, en: field };
  const v = normaliseName(raw);
  if (NAME_PATTERN.test(v)) {
    const short = /(?:^|[- ])[А-ЯЁ](?:$|[- ])/.test(v);
    return short
      ? [draft(field, 'warning', 'name.short-part', `${label.ru} «${v}»: часть из одной буквы — проверьте по скану.`, `${label.en} '${v}': a one-letter part — compare with the scan.`)]
      : [];
  }
  // Latin look-alikes and digit confusions inside a Cyrillic word: map them and see whether the result is a clean name.
  let repaired = '';
  let latin = false;
  for (const ch of v) {
    if (/[A-Z]/.test(ch)) latin = true;
    repaired += LATIN_TO_CYR[ch] ?? DIGIT_TO_CYR[ch] ?? ch;
  }
  const fix: Fix | undefined = NAME_PATTERN.test(repaired) && repaired !== raw
    ? { value: repaired, noteRu: `Похожие латинские буквы/цифры заменены кириллицей: ${repaired}`, noteEn: `Look-alike Latin letters/digits replaced with Cyrillic: ${repaired}` }
    : undefined;
  if (latin) {
    return [draft(field, 'error', 'name.latin', `${label.ru} «${raw}» содержит латинские буквы среди кириллицы (ошибка распознавания).`, `${label.en} '${raw}' mixes Latin letters into Cyrillic (an OCR error).`, fix)];
  }
  return [draft(field, 'error', 'name.pattern', `${label.ru} «${raw}» содержит недопустимые символы: ожидаются русские буквы, дефис или пробел между частями.`, `${label.en} '${raw}' has characters a name cannot contain: expected Russian letters, with a hyphen or space between parts.`, fix)];
}

/** All three parts plus the soft patronymic-vs-gender check. */
export function validateNames(fields: Record<string, string | null | undefined>, gender: Gender | null): FindingDraft[] {
  const out = [
    ...validateNamePart('LastName', fields.LastName),
    ...validateNamePart('FirstName', fields.FirstName),
    ...validateNamePart('MiddleName', fields.MiddleName),
  ];
  const patronymic = fields.MiddleName ?? '';
  const implied = patronymic ? genderOfPatronymic(patronymic) : null;
  if (implied && gender && implied !== gender) {
    const g = (x: Gender) => (x === 'М' ? { ru: 'мужской', en: 'male' } : { ru: 'женский', en: 'female' });
    out.push(draft('MiddleName', 'warning', 'name.patronymic-gender',
      `Отчество «${normaliseName(patronymic)}» указывает на ${g(implied).ru} пол, а в поле «Пол» — ${g(gender).ru}.`,
      `Patronymic '${normaliseName(patronymic)}' suggests ${g(implied).en}, but the gender field says ${g(gender).en}.`));
  }
  return out;
}
