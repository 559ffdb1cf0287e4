// INN, OGRN, OGRNIP, KPP, SNILS: format, check digits, soft structure checks and OCR fix suggestions
// (ru-doc-rules.md §0–§2, §5). Each validator takes the FINAL value and returns finding drafts for `field`.
import { draft, type Fix, type FindingDraft } from './draft.ts';
import { describeChange, mapLookAlikes, MAX_FIX_CANDIDATES, singleSubstitutionCandidates, stripSeparators } from './ocr-fixes.ts';
import { digitsMod, innCheckDigits, isValidInn, ogrnCheckDigit, ogrnipCheckDigit, snilsCheckNumber } from './primitives.ts';

export const isValidOgrn = (v: string): boolean => /^\d{13}$/.test(v) && ogrnCheckDigit(v.slice(0, 12)) === v[12];
export const isValidOgrnip = (v: string): boolean => /^\d{15}$/.test(v) && ogrnipCheckDigit(v.slice(0, 14)) === v[14];
/** SNILS digits (11): the check number is applied only to bodies above 001-001-998. */
export const isValidSnils = (v: string): boolean => /^\d{11}$/.test(v) && (Number(v.slice(0, 9)) <= 1001998 || snilsCheckNumber(v.slice(0, 9)) === v.slice(9));
export const KPP_PATTERN = /^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$/;

type IdSpec = {
  label: { ru: string; en: string };
  code: string;
  lengths: readonly number[];
  lengthText: { ru: string; en: string };
  isValid: (digits: string) => boolean;
  /** Explains what the check digits should be, for the error message. */
  expected: (digits: string) => { value: string; ru?: string; en?: string };
};

/** Shared flow: separators → look-alike letters → length → checksum, with fix candidates where they exist. */
function checkIdentifier(raw: string | null | undefined, field: string, spec: IdSpec): { drafts: FindingDraft[]; digits: string | null } {
  if (raw == null || raw.trim() === '') return { drafts: [], digits: null };
  const stripped = stripSeparators(raw);
  const { ru, en } = spec.label;
  if (!/^\d+$/.test(stripped)) {
    const mapped = mapLookAlikes(stripped);
    const fixable = mapped !== null && spec.lengths.includes(mapped.length) && spec.isValid(mapped);
    const fix: Fix | undefined = fixable
      ? { value: mapped, noteRu: `Буквы, похожие на цифры, заменены цифрами: ${mapped} (контроль сходится)`, noteEn: `Look-alike letters replaced by digits: ${mapped} (check digits pass)` }
      : undefined;
    return {
      drafts: [draft(field, 'error', `${spec.code}.format`, `${ru} «${raw}» содержит не только цифры; ожидается ${spec.lengthText.ru}.`, `${en} '${raw}' contains non-digits; expected ${spec.lengthText.en}.`, fix)],
      digits: null,
    };
  }
  if (!spec.lengths.includes(stripped.length)) {
    return {
      drafts: [draft(field, 'error', `${spec.code}.format`, `${ru} «${raw}»: ${stripped.length} цифр, ожидается ${spec.lengthText.ru}.`, `${en} '${raw}': ${stripped.length} digits, expected ${spec.lengthText.en}.`)],
      digits: null,
    };
  }
  if (spec.isValid(stripped)) return { drafts: [], digits: stripped };
  const expected = spec.expected(stripped);
  const candidates = singleSubstitutionCandidates(stripped, spec.isValid);
  let fix: Fix | undefined;
  let hintRu = '';
  let hintEn = '';
  if (candidates.length === 1) {
    const c = candidates[0]!;
    const ch = describeChange(stripped, c);
    fix = { value: c, noteRu: `Вероятная ошибка распознавания (${ch.ru}): ${c} проходит проверку`, noteEn: `Likely OCR confusion (${ch.en}): ${c} passes the check` };
  } else if (candidates.length > 1 && candidates.length <= MAX_FIX_CANDIDATES) {
    hintRu = ` Возможные исправления: ${candidates.join(', ')} — сверьте со сканом.`;
    hintEn = ` Possible corrections: ${candidates.join(', ')} — compare with the scan.`;
  }
  return {
    drafts: [
      draft(
        field,
        'error',
        `${spec.code}.checksum`,
        `${ru} ${stripped}: контрольная сумма не сходится — по остальным цифрам контрольное значение должно быть ${expected.value}${expected.ru ? ` (${expected.ru})` : ''}, а распознано ${stripped.slice(stripped.length - expected.value.length)}. Вероятно, ошибка распознавания или опечатка.${hintRu}`,
        `${en} ${stripped}: check digits do not match — from the other digits the check value should be ${expected.value}${expected.en ? ` (${expected.en})` : ''}, but ${stripped.slice(stripped.length - expected.value.length)} was read. Likely an OCR error or a typo.${hintEn}`,
        fix,
      ),
    ],
    digits: null,
  };
}

const INN_SPEC: IdSpec = {
  label: { ru: 'ИНН', en: 'INN' },
  code: 'inn',
  lengths: [10, 12],
  lengthText: { ru: '10 цифр (организация) или 12 (физлицо)', en: '10 digits (organisation) or 12 (individual)' },
  isValid: isValidInn,
  expected: (d) => ({ value: d.length === 10 ? innCheckDigits(d.slice(0, 9)) : innCheckDigits(d.slice(0, 10)) }),
};

/** INN: 10 or 12 digits with check digits; `person` = the holder is an individual (expects 12 digits). */
export function validateInn(v: string | null | undefined, opts: { field?: string; person?: boolean } = {}): FindingDraft[] {
  const field = opts.field ?? 'INN';
  const { drafts, digits } = checkIdentifier(v, field, INN_SPEC);
  if (digits) {
    if (digits.startsWith('00')) {
      drafts.push(draft(field, 'warning', 'inn.region', `ИНН ${digits}: код региона 00 не существует, хотя контрольные цифры сходятся — проверьте по скану.`, `INN ${digits}: region code 00 does not exist although the check digits pass — compare with the scan.`));
    }
    if (opts.person && digits.length === 10) {
      drafts.push(draft(field, 'warning', 'inn.not-personal', `ИНН ${digits} из 10 цифр — это ИНН организации; у физического лица ИНН из 12 цифр.`, `INN ${digits} has 10 digits (an organisation's); an individual's INN has 12.`));
    }
  }
  return drafts;
}

const OGRN_SPEC: IdSpec = {
  label: { ru: 'ОГРН', en: 'OGRN' },
  code: 'ogrn',
  lengths: [13],
  lengthText: { ru: '13 цифр', en: '13 digits' },
  isValid: isValidOgrn,
  expected: (d) => ({ value: ogrnCheckDigit(d.slice(0, 12)) }),
};
const OGRNIP_SPEC: IdSpec = {
  label: { ru: 'ОГРНИП', en: 'OGRNIP' },
  code: 'ogrnip',
  lengths: [15],
  lengthText: { ru: '15 цифр', en: '15 digits' },
  isValid: isValidOgrnip,
  expected: (d) => {
    const rem = digitsMod(d.slice(0, 14), 13);
    return { value: ogrnipCheckDigit(d.slice(0, 14)), ru: `остаток от деления на 13 равен ${rem}, берётся последняя цифра`, en: `the remainder mod 13 is ${rem}; its last digit is used` };
  },
};
const SNILS_SPEC: IdSpec = {
  label: { ru: 'СНИЛС', en: 'SNILS' },
  code: 'snils',
  lengths: [11],
  lengthText: { ru: '11 цифр (XXX-XXX-XXX YY)', en: '11 digits (XXX-XXX-XXX YY)' },
  isValid: isValidSnils,
  expected: (d) => ({ value: snilsCheckNumber(d.slice(0, 9)) }),
};

export function validateOgrn(v: string | null | undefined, field = 'OGRN'): FindingDraft[] {
  const { drafts, digits } = checkIdentifier(v, field, OGRN_SPEC);
  if (digits && digits[0] !== '1' && digits[0] !== '5') {
    drafts.push(draft(field, 'warning', 'ogrn.record-type', `ОГРН ${digits} начинается с ${digits[0]}; ОГРН юридического лица начинается с 1 или 5.`, `OGRN ${digits} starts with ${digits[0]}; a legal entity's OGRN starts with 1 or 5.`));
  }
  return drafts;
}

export function validateOgrnip(v: string | null | undefined, field = 'OGRN'): FindingDraft[] {
  const { drafts, digits } = checkIdentifier(v, field, OGRNIP_SPEC);
  if (digits && digits[0] !== '3') {
    drafts.push(draft(field, 'warning', 'ogrnip.record-type', `ОГРНИП ${digits} начинается с ${digits[0]}; ОГРНИП начинается с 3.`, `OGRNIP ${digits} starts with ${digits[0]}; an OGRNIP starts with 3.`));
  }
  return drafts;
}

/** The INN certificate's "ОГРН" field may hold either: 15 digits → OGRNIP, otherwise OGRN. */
export function validateOgrnAny(v: string | null | undefined, field = 'OGRN'): FindingDraft[] {
  if (v == null || v === '') return [];
  return stripSeparators(v).length === 15 ? validateOgrnip(v, field) : validateOgrn(v, field);
}

export function validateSnils(v: string | null | undefined, field = 'SNILS'): FindingDraft[] {
  return checkIdentifier(v, field, SNILS_SPEC).drafts;
}

/** Cyrillic capitals that look like Latin ones (KPP reason code), and digit look-alikes for digit positions. */
const CYR_TO_LAT: Readonly<Record<string, string>> = { А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y' };

/** KPP: 9 characters `NNNN XX NNN` (positions 5–6 may be Latin capitals); no checksum. `inn` enables the soft tax-office check. */
export function validateKpp(v: string | null | undefined, opts: { field?: string; inn?: string | null } = {}): FindingDraft[] {
  const field = opts.field ?? 'KPP';
  if (v == null || v.trim() === '') return [];
  const raw = v.trim();
  if (KPP_PATTERN.test(raw)) {
    const inn = opts.inn ? stripSeparators(opts.inn) : '';
    if (/^\d{10}$/.test(inn) && inn.slice(0, 4) !== raw.slice(0, 4)) {
      return [draft(field, 'warning', 'kpp.tax-office', `КПП ${raw}: код налогового органа ${raw.slice(0, 4)} не совпадает с первыми цифрами ИНН ${inn.slice(0, 4)} (так бывает у обособленных подразделений).`, `KPP ${raw}: tax office ${raw.slice(0, 4)} differs from the INN's first digits ${inn.slice(0, 4)} (normal for branches).`)];
    }
    return [];
  }
  // Try to explain and repair: separators, lower case, Cyrillic look-alikes, letters in digit positions.
  const compact = stripSeparators(raw).toUpperCase();
  let repaired = '';
  for (let i = 0; i < compact.length; i++) {
    const ch = compact[i]!;
    const digitPos = i < 4 || i > 5;
    repaired += digitPos ? (mapLookAlikes(ch) ?? ch) : (CYR_TO_LAT[ch] ?? ch);
  }
  const hasCyrillic = /[А-ЯЁ]/i.test(raw);
  const fix: Fix | undefined = KPP_PATTERN.test(repaired)
    ? { value: repaired, noteRu: `Исправлены похожие символы/разделители: ${repaired}`, noteEn: `Look-alike characters/separators fixed: ${repaired}` }
    : undefined;
  const why = hasCyrillic
    ? { ru: 'содержит кириллическую букву (артефакт распознавания)', en: 'contains a Cyrillic letter (an OCR artefact)' }
    : { ru: 'не соответствует формату', en: 'does not match the format' };
  return [draft(field, 'error', hasCyrillic ? 'kpp.cyrillic' : 'kpp.format', `КПП «${raw}» ${why.ru}; ожидается 9 символов: 4 цифры, 2 цифры или латинские буквы, 3 цифры.`, `KPP '${raw}' ${why.en}; expected 9 characters: 4 digits, 2 digits or Latin capitals, 3 digits.`, fix)];
}
