// Focused parser for the 2-line MRZ of the Russian INTERNAL passport (ru-doc-rules.md §4). Generic ICAO
// libraries reject this layout (digits in names, '<' as expiry check digit), so it is parsed here by position.
import { addYears, compareYmd, isCalendarDate, ymdOf, type Ymd } from './dates.ts';
import { isMrzCalendarDate } from './mrz-repair.ts';
import { normaliseOcr } from './ocr-fixes.ts';
import { draft, type FindingDraft } from './draft.ts';
import { cyrillicName } from './names.ts';
import { MRZ_UNTRANSLIT, mrzCheckDigitOfRanges, mrzNameField, transliterateToMrz } from './primitives.ts';

export type MrzCheckName = 'doc' | 'birth' | 'expiry' | 'optional' | 'composite';
export type MrzProblem = { field: 'MRZ1' | 'MRZ2'; code: string; ru: string; en: string };

export type ParsedMrz = {
  line1: string;
  line2: string;
  /** Problems other than check digits (length, prefix, alphabet, layout, dates that are not dates). */
  problems: MrzProblem[];
  /** Check digits that do not match (positions 10, 20, 28, 43, 44). */
  failedChecks: MrzCheckName[];
  /** Positions 6–44 of line 1, or null when line 1 is not 44 characters. */
  nameField: string | null;
  series: string | null;
  number: string | null;
  birthDate: Ymd | null;
  gender: 'М' | 'Ж' | null;
  issueDate: Ymd | null;
  /** NNN-NNN */
  departmentCode: string | null;
};


/** The name field's alphabet (§4.1): Latin letters, the digits the transliteration uses, and the filler. */
const MRZ1_ALPHABET = /^[A-Z2346789<]*$/;
const normaliseLine = (v: string | null | undefined): string => normaliseOcr(v ?? '').value.replace(/\s+/g, '').toUpperCase();
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** The check digits of line 2 (44 characters) that fail. Positions 10, 20, 43, 44 must be digits; 28 must be '<'. */
function digitCheck(l2: string, ranges: readonly (readonly [number, number])[], pos: number): boolean {
  return isDigit(l2[pos - 1]) && mrzCheckDigitOfRanges(l2, ranges) === l2.charCodeAt(pos - 1) - 48;
}
// 0-based [from, to) ranges of line 2 each check digit covers (§4.1; composite = ICAO TD3 1–10, 14–20, 22–43).
const DOC_RANGE = [[0, 9]] as const;
const BIRTH_RANGE = [[13, 19]] as const;
const OPTIONAL_RANGE = [[28, 42]] as const;
const COMPOSITE_RANGES = [[0, 10], [13, 20], [21, 43]] as const;
export function failedMrzChecks(l2: string): MrzCheckName[] {
  const failed: MrzCheckName[] = [];
  if (!digitCheck(l2, DOC_RANGE, 10)) failed.push('doc');
  if (!digitCheck(l2, BIRTH_RANGE, 20)) failed.push('birth');
  if (l2.slice(21, 28) !== '<<<<<<<') failed.push('expiry');
  if (!digitCheck(l2, OPTIONAL_RANGE, 43)) failed.push('optional');
  if (!digitCheck(l2, COMPOSITE_RANGES, 44)) failed.push('composite');
  return failed;
}
const digitsOr = (s: string): string | null => (/^\d+$/.test(s) ? s : null);

/** YYMMDD in the 20YY century (issue dates: the MRZ exists only since 2011); null when not a calendar date. */
function mrzIssueDate(s: string): Ymd | null {
  if (!/^\d{6}$/.test(s)) return null;
  const y = 2000 + Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  return isCalendarDate(y, m, d) ? { y, m, d } : null;
}

/** YYMMDD birth date. The line does not say the century: take the latest one in which the holder is not born in
 * the future and was at least 14 on the issue date (a passport is issued from 14), so 200510 with an issue in 2012
 * is 1920, not 2020. Without a usable issue date, the latest century not in the future. */
export function mrzBirthDate(s: string, issue: Ymd | null, today: Ymd): Ymd | null {
  if (!/^\d{6}$/.test(s)) return null;
  const yy = Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  let fallback: Ymd | null = null;
  for (const y of [2000 + yy, 1900 + yy]) {
    const b = { y, m, d };
    if (!isCalendarDate(y, m, d) || compareYmd(b, today) > 0) continue;
    if (issue === null || compareYmd(addYears(b, 14), issue) <= 0) return b;
    fallback ??= b;
  }
  return fallback;
}

const DATE_TEXT = {
  birth: { from: 14, ru: 'дата рождения', en: 'birth date' },
  issue: { from: 30, ru: 'дата выдачи', en: 'issue date' },
} as const;
/** A YYMMDD of digits that is no calendar date: an error naming its positions (a date that is not one must never pass silently). */
function nonDateProblem(s: string, kind: 'birth' | 'issue'): MrzProblem | null {
  if (!/^\d{6}$/.test(s) || isMrzCalendarDate(s, kind)) return null;
  const t = DATE_TEXT[kind];
  return {
    field: 'MRZ2', code: 'mrz.date',
    ru: `Строка 2 MRZ, позиции ${t.from}–${t.from + 5} (${t.ru}): «${s}» — такой даты нет в календаре (ГГММДД).`,
    en: `MRZ line 2, positions ${t.from}–${t.from + 5} (${t.en}): '${s}' is not a calendar date (YYMMDD).`,
  };
}

/** Parses both lines; never throws. `today` decides the birth century. */
export function parsePassportMrz(line1: string | null | undefined, line2: string | null | undefined, today: Date = new Date()): ParsedMrz {
  const l1 = normaliseLine(line1);
  const l2 = normaliseLine(line2);
  const problems: MrzProblem[] = [];
  const out: ParsedMrz = { line1: l1, line2: l2, problems, failedChecks: [], nameField: null, series: null, number: null, birthDate: null, gender: null, issueDate: null, departmentCode: null };

  if (l1.length !== 44) {
    problems.push({ field: 'MRZ1', code: 'mrz.length', ru: `Строка 1 MRZ: ${l1.length} символов вместо 44.`, en: `MRZ line 1: ${l1.length} characters instead of 44.` });
  } else {
    if (!l1.startsWith('PNRUS')) problems.push({ field: 'MRZ1', code: 'mrz.format', ru: `Строка 1 MRZ начинается с «${l1.slice(0, 5)}», а у внутреннего паспорта — с «PNRUS».`, en: `MRZ line 1 starts with '${l1.slice(0, 5)}'; an internal passport's starts with 'PNRUS'.` });
    // One test for the common clean line; the characters are listed only when something is wrong.
    const bad = MRZ1_ALPHABET.test(l1.slice(5)) ? [] : [...l1.slice(5)].filter((c) => !/[A-Z2346789<]/.test(c));
    if (bad.length > 0) problems.push({ field: 'MRZ1', code: 'mrz.alphabet', ru: `В строке 1 MRZ недопустимые символы «${[...new Set(bad)].join('')}» (0, 1, 5 в имени — это обычно O, I, S).`, en: `MRZ line 1 has invalid characters '${[...new Set(bad)].join('')}' (0, 1, 5 in a name are usually O, I, S).` });
    out.nameField = l1.slice(5);
  }

  if (l2.length !== 44) {
    problems.push({ field: 'MRZ2', code: 'mrz.length', ru: `Строка 2 MRZ: ${l2.length} символов вместо 44.`, en: `MRZ line 2: ${l2.length} characters instead of 44.` });
    return out;
  }
  if (!/^\d{10}RUS\d{7}[MF]<{7}\d{13}<\d{2}$/.test(l2)) {
    problems.push({ field: 'MRZ2', code: 'mrz.format', ru: 'Строка 2 MRZ не соответствует формату внутреннего паспорта (цифры, RUS, пол M/F, заполнители «<»).', en: 'MRZ line 2 does not match the internal-passport layout (digits, RUS, sex M/F, "<" fillers).' });
  }
  out.failedChecks = failedMrzChecks(l2);
  const s3 = digitsOr(l2.slice(0, 3));
  const s4 = digitsOr(l2.slice(28, 29));
  out.series = s3 && s4 ? s3 + s4 : null;
  out.number = digitsOr(l2.slice(3, 9));
  out.issueDate = mrzIssueDate(l2.slice(29, 35));
  out.birthDate = mrzBirthDate(l2.slice(13, 19), out.issueDate, ymdOf(today));
  out.gender = l2[20] === 'M' ? 'М' : l2[20] === 'F' ? 'Ж' : null;
  for (const p of [nonDateProblem(l2.slice(13, 19), 'birth'), nonDateProblem(l2.slice(29, 35), 'issue')]) if (p) problems.push(p);
  const dept = digitsOr(l2.slice(35, 41));
  out.departmentCode = dept ? `${dept.slice(0, 3)}-${dept.slice(3)}` : null;
  return out;
}

export type MrzNames = { surname: string; name: string; patronymic: string };

/** Splits the 39-character name field into MRZ-alphabet parts; `nameTokens` = how many '<'-parts the given name has. */
export function splitMrzNameField(field: string, nameTokens = 1): MrzNames {
  const trimmed = field.replace(/<+$/, '');
  const i = trimmed.indexOf('<<');
  if (i < 0) return { surname: trimmed, name: '', patronymic: '' };
  const tokens = trimmed.slice(i + 2).split('<').filter((x) => x !== '');
  const n = Math.max(1, nameTokens);
  return { surname: trimmed.slice(0, i), name: tokens.slice(0, n).join('<'), patronymic: tokens.slice(n).join('<') };
}

/** MRZ part → Cyrillic; '<' becomes `sep`; characters outside the table become '?'. */
export function untransliterate(part: string, sep = '-'): string {
  let out = '';
  for (const c of part) out += c === '<' ? sep : (MRZ_UNTRANSLIT[c] ?? '?');
  return out;
}

/** Decodes the name field without guidance (a given name of one part). */
export function decodeMrzNames(field: string): MrzNames {
  const p = splitMrzNameField(field);
  return { surname: untransliterate(p.surname), name: untransliterate(p.name), patronymic: untransliterate(p.patronymic, ' ') };
}

const PART_FIELDS = [
  ['LastName', 'surname', { ru: 'Фамилия', en: 'Surname' }],
  ['FirstName', 'name', { ru: 'Имя', en: 'Given name' }],
  ['MiddleName', 'patronymic', { ru: 'Отчество', en: 'Patronymic' }],
] as const;

// Names repeat a lot across a batch: memoise the 39-character field (bounded, cleared when full).
const nameFieldCache = new Map<string, string>();
function cachedNameField(surname: string, name: string, patronymic: string): string {
  const key = `${surname}|${name}|${patronymic}`;
  let v = nameFieldCache.get(key);
  if (v === undefined) {
    if (nameFieldCache.size >= 20_000) nameFieldCache.clear();
    nameFieldCache.set(key, (v = mrzNameField(surname, name, patronymic)));
  }
  return v;
}

const UNPROTECTED_NAME = {
  ru: ' Исправление не предлагается: имя в MRZ не защищено контрольной цифрой — сверьте со сканом.',
  en: ' No fix offered: the MRZ name is not protected by a check digit — compare with the scan.',
};

/** Compares the MRZ name field with the printed names, character by character, after the truncation rules (§4.3, §4.5.3). */
export function compareMrzNames(nameField: string, printed: Record<string, string | null | undefined>): FindingDraft[] {
  // Latin look-alikes are reported once, by the name check (name.latin); here they count as the Cyrillic letter.
  const vals = { surname: cyrillicName(printed.LastName ?? ''), name: cyrillicName(printed.FirstName ?? ''), patronymic: cyrillicName(printed.MiddleName ?? '') };
  const expectedField = cachedNameField(vals.surname, vals.name, vals.patronymic);
  if (expectedField === nameField) return [];
  const nameTokens = vals.name ? vals.name.split(/[- ]/).length : 1;
  const exp = splitMrzNameField(expectedField, nameTokens);
  const act = splitMrzNameField(nameField, nameTokens);
  const out: FindingDraft[] = [];
  for (const [field, key, label] of PART_FIELDS) {
    if (exp[key] === act[key]) continue;
    const printedValue = vals[key];
    const full = transliterateToMrz(printedValue);
    const truncated = exp[key] !== full;
    const sep = /[ ]/.test(printedValue) || (key === 'patronymic' && !/-/.test(printedValue)) ? ' ' : '-';
    const decoded = untransliterate(act[key], sep);
    // Line 1 has no check digit: its reading is no better evidence than the printed name, so the MRZ spelling is
    // never offered as a fix ([Note: MRZ fixes]) — the clerk compares both with the scan.
    const fold = (s: string) => s.replace(/2/g, 'E');
    if (fold(exp[key]) === fold(act[key])) {
      out.push(draft(field, 'warning', 'mrz.name-yo',
        `${label.ru}: в MRZ «${decoded}», напечатано «${printedValue}» — различаются только Е/Ё. Для сверки личности это одна буква, но проверьте, не потеряны ли точки при распознавании.${UNPROTECTED_NAME.ru}`,
        `${label.en}: the MRZ reads '${decoded}', printed '${printedValue}' — only Е/Ё differ. Same letter for identity purposes, but check whether OCR dropped the dots.${UNPROTECTED_NAME.en}`));
    } else {
      out.push(draft(field, 'warning', 'mrz.name-mismatch',
        `${label.ru}: в MRZ «${decoded}»${truncated ? ' (усечено по правилам MRZ)' : ''}, напечатано «${printedValue}» — не совпадает.${UNPROTECTED_NAME.ru}`,
        `${label.en}: the MRZ reads '${decoded}'${truncated ? ' (truncated by the MRZ rules)' : ''}, printed '${printedValue}' — mismatch.${UNPROTECTED_NAME.en}`));
    }
  }
  if (out.length === 0) {
    // Same parts but different layout (e.g. separators or filler): report on the line itself.
    out.push(draft('MRZ1', 'warning', 'mrz.name-mismatch', `Строка 1 MRZ не совпадает с ФИО, построенным по напечатанным полям (ожидалось ${expectedField}).`, `MRZ line 1 does not match the name built from the printed fields (expected ${expectedField}).`));
  }
  return out;
}
