// INN, OGRN, OGRNIP, KPP, SNILS: format, check digits, soft structure checks and OCR fix suggestions
// (ru-doc-rules.md §0–§2, §5). Each validator takes the FINAL value and returns finding drafts for `field`.
import { draft, type Fix, type FindingDraft } from './draft.ts';
import { describeChange, describeLookAlikes, digitReadings, isDigitLookAlike, mapLookAlikes, MAX_FIX_CANDIDATES, normaliseOcr, oneEditCandidates, singleSubstitutionCandidates, stripSeparators, type OcrLookAlike } from './ocr-fixes.ts';
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
  /** Check digits pass. */
  isValid: (digits: string) => boolean;
  /** Check digits pass and the structure is right (e.g. the OGRN record type): what a fix may produce. */
  isAcceptable?: (digits: string) => boolean;
  /** Explains what the check digits should be, for the error message. */
  expected: (digits: string) => { value: string; ru?: string; en?: string };
};

const NO_FIX_SEVERAL = { ru: ' Исправление не предлагается: несколько вариантов проходят проверку.', en: ' No fix offered: several values pass the check.' };
const NO_FIX_NONE = { ru: ' Исправление не предлагается: ни одна замена одной цифры не проходит проверку.', en: ' No fix offered: no single-digit change passes the check.' };

/** "(распознано «…»: …)" when typographic look-alikes were normalised before the check; see [Note: OCR look-alike normalisation]. */
function normalisedNote(raw: string, kinds: readonly OcrLookAlike[]): { ru: string; en: string } {
  if (kinds.length === 0) return { ru: '', en: '' };
  const d = describeLookAlikes(kinds);
  return { ru: ` Распознано «${raw}»: ${d.ru} заменены обычными символами перед проверкой.`, en: ` Recognised as '${raw}': ${d.en} replaced by plain characters before the check.` };
}

/** Non-digits in a value of the right length: a fix only when the look-alike reading is the one reading that passes. */
function nonDigitFinding(raw: string, stripped: string, field: string, spec: IdSpec, note: { ru: string; en: string }): FindingDraft {
  const { ru, en } = spec.label;
  const ok = spec.isAcceptable ?? spec.isValid;
  const mapped = mapLookAlikes(stripped);
  const readings = spec.lengths.includes(stripped.length) ? digitReadings(stripped, ok) : null;
  // See [Note: a one-key fix must be provably right]: the letters could be any digits; the look-alike reading is
  // offered only when it is also the only reading the check digits accept.
  const fixable = mapped !== null && readings !== null && readings.length === 1 && readings[0] === mapped;
  const fix: Fix | undefined = fixable
    ? { value: mapped, noteRu: `Буквы, похожие на цифры, заменены цифрами: ${mapped} (контроль сходится, других вариантов нет)`, noteEn: `Look-alike letters replaced by digits: ${mapped} (check digits pass, no other reading does)` }
    : undefined;
  const why = fixable || readings === null ? { ru: '', en: '' } : readings.length > 1 ? NO_FIX_SEVERAL : mapped !== null && readings.length === 1 ? { ru: ' Исправление не предлагается: похожие цифры не проходят проверку.', en: ' No fix offered: the look-alike digits fail the check.' } : NO_FIX_NONE;
  return draft(field, 'error', `${spec.code}.format`, `${ru} «${raw}» содержит не только цифры; ожидается ${spec.lengthText.ru}.${note.ru}${why.ru}`, `${en} '${raw}' contains non-digits; expected ${spec.lengthText.en}.${note.en}${why.en}`, fix);
}

/** Check digits fail: a fix only when exactly one value one keystroke away passes; OCR-plausible ones as hints. */
function checksumFinding(stripped: string, field: string, spec: IdSpec, note: { ru: string; en: string }): FindingDraft {
  const { ru, en } = spec.label;
  const ok = spec.isAcceptable ?? spec.isValid;
  const expected = spec.expected(stripped);
  const candidates = oneEditCandidates(stripped, ok);
  let fix: Fix | undefined;
  let hintRu = '';
  let hintEn = '';
  if (candidates.length === 1) {
    const c = candidates[0]!;
    const ch = describeChange(stripped, c);
    fix = { value: c, noteRu: `Единственное значение, отличающееся одной цифрой или перестановкой соседних (${ch.ru}), которое проходит проверку: ${c}`, noteEn: `The only value one digit or one adjacent swap away (${ch.en}) that passes the check: ${c}` };
  } else {
    const plausible = singleSubstitutionCandidates(stripped, ok);
    const why = candidates.length > 1 ? NO_FIX_SEVERAL : NO_FIX_NONE;
    hintRu = why.ru;
    hintEn = why.en;
    if (plausible.length > 0 && plausible.length <= MAX_FIX_CANDIDATES) {
      hintRu += ` Возможные исправления: ${plausible.join(', ')} — сверьте со сканом.`;
      hintEn += ` Possible corrections: ${plausible.join(', ')} — compare with the scan.`;
    }
  }
  return draft(
    field,
    'error',
    `${spec.code}.checksum`,
    `${ru} ${stripped}: контрольная сумма не сходится — по остальным цифрам контрольное значение должно быть ${expected.value}${expected.ru ? ` (${expected.ru})` : ''}, а распознано ${stripped.slice(stripped.length - expected.value.length)}. Вероятно, ошибка распознавания или опечатка.${note.ru}${hintRu}`,
    `${en} ${stripped}: check digits do not match — from the other digits the check value should be ${expected.value}${expected.en ? ` (${expected.en})` : ''}, but ${stripped.slice(stripped.length - expected.value.length)} was read. Likely an OCR error or a typo.${note.en}${hintEn}`,
    fix,
  );
}

/** Shared flow: look-alike normalisation → separators → non-digits → length → checksum, with provable fixes only. */
function checkIdentifier(raw: string | null | undefined, field: string, spec: IdSpec): { drafts: FindingDraft[]; digits: string | null } {
  if (raw == null || raw.trim() === '') return { drafts: [], digits: null };
  const norm = normaliseOcr(raw);
  const stripped = stripSeparators(norm.value);
  const note = normalisedNote(raw, norm.kinds);
  const { ru, en } = spec.label;
  if (!/^\d+$/.test(stripped)) return { drafts: [nonDigitFinding(raw, stripped, field, spec, note)], digits: null };
  if (!spec.lengths.includes(stripped.length)) {
    return {
      drafts: [draft(field, 'error', `${spec.code}.format`, `${ru} «${raw}»: ${stripped.length} цифр, ожидается ${spec.lengthText.ru}.${note.ru}`, `${en} '${raw}': ${stripped.length} digits, expected ${spec.lengthText.en}.${note.en}`)],
      digits: null,
    };
  }
  if (!spec.isValid(stripped)) return { drafts: [checksumFinding(stripped, field, spec, note)], digits: null };
  const drafts: FindingDraft[] = [];
  if (norm.kinds.length > 0) {
    // Valid once normalised: say so, keep the recognised value, offer the plain form (same characters).
    drafts.push(draft(field, 'info', `${spec.code}.normalised`, `${ru} ${stripped} верен.${note.ru}`, `${en} ${stripped} is valid.${note.en}`,
      { value: norm.value, noteRu: `Те же символы без типографских знаков: ${norm.value}`, noteEn: `The same characters without typographic look-alikes: ${norm.value}` }));
  }
  return { drafts, digits: stripped };
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
  isAcceptable: (d) => isValidOgrn(d) && (d[0] === '1' || d[0] === '5'),
  expected: (d) => ({ value: ogrnCheckDigit(d.slice(0, 12)) }),
};
const OGRNIP_SPEC: IdSpec = {
  label: { ru: 'ОГРНИП', en: 'OGRNIP' },
  code: 'ogrnip',
  lengths: [15],
  lengthText: { ru: '15 цифр', en: '15 digits' },
  isValid: isValidOgrnip,
  isAcceptable: (d) => isValidOgrnip(d) && d[0] === '3',
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

// [Note: OGRN record type]
// The first digit of a 13-digit state registration number says what was registered: 1 or 5 = a legal entity
// (that number is its OGRN); 2, 4, 6, 7, 8, 9 = a later record about it (a ГРН of a change), which is not an OGRN.
// An OGRNIP (15 digits) always starts with 3. A value with a valid check digit but another first digit is
// therefore not the identifier the field asks for: an error, as python-stdnum's ru.ogrn rejects it — not the
// soft warning it was. No fix: the check digit covers the first digit, so a one-digit change there would break
// it, and what was meant (the OGRN, or a ГРН copied by mistake) is for the clerk to read off the scan. A fix for
// a checksum error never produces such a value either (IdSpec.isAcceptable).
export function validateOgrn(v: string | null | undefined, field = 'OGRN'): FindingDraft[] {
  const { drafts, digits } = checkIdentifier(v, field, OGRN_SPEC);
  if (digits && digits[0] !== '1' && digits[0] !== '5') {
    // See [Note: OGRN record type].
    drafts.push(draft(field, 'error', 'ogrn.record-type', `ОГРН ${digits} начинается с ${digits[0]}; ОГРН юридического лица начинается с 1 или 5 (${digits[0]} — номер другой записи реестра, не ОГРН). Контрольная цифра сходится, поэтому исправление не предлагается — сверьте со сканом.`, `OGRN ${digits} starts with ${digits[0]}; a legal entity's OGRN starts with 1 or 5 (${digits[0]} is another register record number, not an OGRN). The check digit passes, so no fix is offered — compare with the scan.`));
  }
  return drafts;
}

export function validateOgrnip(v: string | null | undefined, field = 'OGRN'): FindingDraft[] {
  const { drafts, digits } = checkIdentifier(v, field, OGRNIP_SPEC);
  if (digits && digits[0] !== '3') {
    // See [Note: OGRN record type].
    drafts.push(draft(field, 'error', 'ogrnip.record-type', `ОГРНИП ${digits} начинается с ${digits[0]}; ОГРНИП всегда начинается с 3. Контрольная цифра сходится, поэтому исправление не предлагается — сверьте со сканом.`, `OGRNIP ${digits} starts with ${digits[0]}; an OGRNIP always starts with 3. The check digit passes, so no fix is offered — compare with the scan.`));
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

/** Cyrillic capitals drawn exactly like Latin ones (a KPP reason code is Latin): the same glyph, another code point. */
const CYR_TO_LAT: Readonly<Record<string, string>> = { А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y' };

/** The KPP as it would read without separators, case and script slips; null when a character's meaning is a guess.
 * KPP has no check digit ([Note: a one-key fix must be provably right]): a letter in a digit position could be any
 * digit, and a reason-code letter that also looks like a digit (В/B ↔ 8, О/O ↔ 0, З ↔ 3…) could be either. */
function repairKpp(raw: string): string | null {
  const compact = stripSeparators(raw);
  if (compact.length !== 9) return null;
  let out = '';
  for (let i = 0; i < 9; i++) {
    const ch = compact[i]!;
    if (ch >= '0' && ch <= '9') {
      out += ch;
      continue;
    }
    if (i < 4 || i > 5) return null;
    const latin = CYR_TO_LAT[ch.toUpperCase()] ?? ch.toUpperCase();
    if (!/^[A-Z]$/.test(latin) || isDigitLookAlike(ch) || isDigitLookAlike(ch.toUpperCase()) || isDigitLookAlike(latin)) return null;
    out += latin;
  }
  return KPP_PATTERN.test(out) ? out : null;
}

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
  const repaired = repairKpp(raw);
  const hasCyrillic = /[А-ЯЁ]/i.test(raw);
  const fix: Fix | undefined = repaired
    ? { value: repaired, noteRu: `Те же символы без разделителей, в верхнем регистре и латиницей: ${repaired}`, noteEn: `The same characters without separators, upper-case and Latin: ${repaired}` }
    : undefined;
  const why = hasCyrillic
    ? { ru: 'содержит кириллическую букву (артефакт распознавания)', en: 'contains a Cyrillic letter (an OCR artefact)' }
    : { ru: 'не соответствует формату', en: 'does not match the format' };
  const noFix = repaired ? { ru: '', en: '' } : { ru: ' Исправление не предлагается: у КПП нет контрольной цифры, а символ может означать разные цифры или буквы — сверьте со сканом.', en: ' No fix offered: a KPP has no check digit and a character could stand for different digits or letters — compare with the scan.' };
  return [draft(field, 'error', hasCyrillic ? 'kpp.cyrillic' : 'kpp.format', `КПП «${raw}» ${why.ru}; ожидается 9 символов: 4 цифры, 2 цифры или латинские буквы, 3 цифры.${noFix.ru}`, `KPP '${raw}' ${why.en}; expected 9 characters: 4 digits, 2 digits or Latin capitals, 3 digits.${noFix.en}`, fix)];
}
