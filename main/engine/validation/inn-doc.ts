// INN certificate of an individual: INN (12 digits expected), OGRN/OGRNIP and KPP when printed, names, gender,
// dates (ru-doc-rules.md §1, §2, §6).
import { compareYmd, formatRu, parseRuDate, ymdOf } from './dates.ts';
import { draft, type FindingDraft } from './draft.ts';
import { validateInn, validateKpp, validateOgrnAny } from './identifiers.ts';
import { normaliseGender, validateNames } from './names.ts';
import type { DocFields } from './passport.ts';

const DATE_FIELDS = [
  ['BirthDate', { ru: 'Дата рождения', en: 'Birth date' }],
  ['RegDate', { ru: 'Дата постановки на учёт', en: 'Registration date' }],
] as const;

export function validateInnDoc(fields: DocFields, today: Date = new Date()): FindingDraft[] {
  const out: FindingDraft[] = [];
  if (fields.INN == null || fields.INN.trim() === '') {
    out.push(draft('INN', 'error', 'inn.missing', 'ИНН не распознан (пусто).', 'The INN was not recognised (empty).'));
  } else out.push(...validateInn(fields.INN, { person: true }));
  out.push(...validateOgrnAny(fields.OGRN));
  out.push(...validateKpp(fields.KPP, { inn: fields.INN }));
  const gender = normaliseGender(fields.Gender);
  if (fields.Gender && fields.Gender.trim() !== '' && !gender) {
    out.push(draft('Gender', 'error', 'inn.gender.format', `Пол «${fields.Gender}»: ожидается М/Ж (или M/F).`, `Gender '${fields.Gender}': expected М/Ж (or M/F).`));
  }
  const t = ymdOf(today);
  for (const [field, label] of DATE_FIELDS) {
    const raw = fields[field];
    if (raw == null || raw.trim() === '') continue;
    const p = parseRuDate(raw);
    if (!p.ok) out.push(draft(field, 'error', 'inn.date.format', `${label.ru} «${raw}»: ожидается существующая дата ДД.ММ.ГГГГ.`, `${label.en} '${raw}': expected a real date DD.MM.YYYY.`));
    else if (compareYmd(p.date, t) > 0) out.push(draft(field, 'error', 'inn.date.future', `${label.ru} ${formatRu(p.date)} — в будущем.`, `${label.en} ${formatRu(p.date)} is in the future.`));
  }
  out.push(...validateNames(fields, gender));
  return out;
}
