// Focused parser for the 2-line MRZ of the Russian INTERNAL passport (ru-doc-rules.md §4). Generic ICAO
// libraries reject this layout (digits in names, '<' as expiry check digit), so it is parsed here by position.
import { compareYmd, formatRu, isCalendarDate, parseRuDate, ymdOf, type Ymd } from './dates.ts';
import { draft, type Fix, type FindingDraft } from './draft.ts';
import { cyrillicName, normaliseGender } from './names.ts';
import { singleSubstitutionCandidates, stripSeparators } from './ocr-fixes.ts';
import { MRZ_UNTRANSLIT, mrzCheckDigitOfRanges, mrzNameField, transliterateToMrz } from './primitives.ts';

export type MrzCheckName = 'doc' | 'birth' | 'expiry' | 'optional' | 'composite';
export type MrzProblem = { field: 'MRZ1' | 'MRZ2'; code: string; ru: string; en: string };

export type ParsedMrz = {
  line1: string;
  line2: string;
  /** Layout problems other than check digits (length, prefix, alphabet, filler). */
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

const CHECK_TEXT: Readonly<Record<MrzCheckName, { ru: string; en: string }>> = {
  doc: { ru: 'серия и номер (позиция 10)', en: 'series and number (position 10)' },
  birth: { ru: 'дата рождения (позиция 20)', en: 'birth date (position 20)' },
  expiry: { ru: 'заполнитель срока действия (позиции 22–28 должны быть «<»)', en: 'expiry filler (positions 22–28 must be "<")' },
  optional: { ru: 'дата выдачи и код подразделения (позиция 43)', en: 'issue date and department code (position 43)' },
  composite: { ru: 'общая контрольная цифра (позиция 44)', en: 'composite check digit (position 44)' },
};

/** The name field's alphabet (§4.1): Latin letters, the digits the transliteration uses, and the filler. */
const MRZ1_ALPHABET = /^[A-Z2346789<]*$/;
const normaliseLine = (v: string | null | undefined): string => (v ?? '').replace(/\s+/g, '').toUpperCase();
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
const allChecksPass = (l2: string): boolean => failedMrzChecks(l2).length === 0;
const digitsOr = (s: string): string | null => (/^\d+$/.test(s) ? s : null);

/** YYMMDD → date; birth takes the latest century not in the future, issue dates are 20YY (§4.5). */
function mrzDate(s: string, kind: 'birth' | 'issue', today: Ymd): Ymd | null {
  if (!/^\d{6}$/.test(s)) return null;
  const yy = Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  let y = 2000 + yy;
  if (kind === 'birth' && compareYmd({ y, m, d }, today) > 0) y -= 100;
  return isCalendarDate(y, m, d) ? { y, m, d } : null;
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
  const t = ymdOf(today);
  out.birthDate = mrzDate(l2.slice(13, 19), 'birth', t);
  out.gender = l2[20] === 'M' ? 'М' : l2[20] === 'F' ? 'Ж' : null;
  out.issueDate = mrzDate(l2.slice(29, 35), 'issue', t);
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
    // A truncated part (§4.3) cannot be restored from the MRZ: compare, but offer no fix.
    const truncated = exp[key] !== full;
    const sep = /[ ]/.test(printedValue) || (key === 'patronymic' && !/-/.test(printedValue)) ? ' ' : '-';
    const decoded = untransliterate(act[key], sep);
    const fix: Fix | undefined = !truncated && decoded && !decoded.includes('?')
      ? { value: decoded, noteRu: `Написание по MRZ: ${decoded}`, noteEn: `Spelling from the MRZ: ${decoded}` }
      : undefined;
    const fold = (s: string) => s.replace(/2/g, 'E');
    if (fold(exp[key]) === fold(act[key])) {
      out.push(draft(field, 'warning', 'mrz.name-yo',
        `${label.ru}: в MRZ «${decoded}», напечатано «${printedValue}» — различаются только Е/Ё. Для сверки личности это одна буква, но проверьте, не потеряны ли точки при распознавании.`,
        `${label.en}: the MRZ reads '${decoded}', printed '${printedValue}' — only Е/Ё differ. Same letter for identity purposes, but check whether OCR dropped the dots.`, fix));
    } else {
      out.push(draft(field, 'error', 'mrz.name-mismatch',
        `${label.ru}: в MRZ «${decoded}»${truncated ? ' (усечено по правилам MRZ)' : ''}, напечатано «${printedValue}» — не совпадает.`,
        `${label.en}: the MRZ reads '${decoded}'${truncated ? ' (truncated by the MRZ rules)' : ''}, printed '${printedValue}' — mismatch.`, fix));
    }
  }
  if (out.length === 0) {
    // Same parts but different layout (e.g. separators or filler): report on the line itself.
    out.push(draft('MRZ1', 'error', 'mrz.name-mismatch', `Строка 1 MRZ не совпадает с ФИО, построенным по напечатанным полям (ожидалось ${expectedField}).`, `MRZ line 1 does not match the name built from the printed fields (expected ${expectedField}).`));
  }
  return out;
}

/** True when every MRZ value the printed side also has is equal to it. */
function agreesWithPrinted(m: ParsedMrz, fields: Record<string, string | null | undefined>): boolean {
  const same = (printed: string | null | undefined, mrzValue: string | null, norm: (s: string) => string = stripSeparators) =>
    printed == null || printed.trim() === '' || (mrzValue !== null && norm(printed) === mrzValue);
  const date = (s: string) => {
    const p = parseRuDate(s);
    return p.ok ? formatRu(p.date) : s;
  };
  return (
    same(fields.Series, m.series) &&
    same(fields.Number, m.number) &&
    same(fields.BirthDate, m.birthDate && formatRu(m.birthDate), date) &&
    same(fields.IssueDate, m.issueDate && formatRu(m.issueDate), date) &&
    same(fields.IssueId, m.departmentCode && m.departmentCode.replace('-', ''))
  );
}

const LBL = {
  Series: { ru: 'Серия', en: 'Series' },
  Number: { ru: 'Номер', en: 'Number' },
  BirthDate: { ru: 'Дата рождения', en: 'Birth date' },
  IssueDate: { ru: 'Дата выдачи', en: 'Issue date' },
  Gender: { ru: 'Пол', en: 'Gender' },
  IssueId: { ru: 'Код подразделения', en: 'Department code' },
} as const;

/** MRZ value ≠ printed value: an error; the MRZ value is offered as fix only when its check digits pass. */
function mrzMismatch(failed: readonly MrzCheckName[], field: string, label: { ru: string; en: string }, mrzValue: string, printed: string, protectedBy: MrzCheckName[], fixValue: string): FindingDraft {
  const trusted = protectedBy.every((c) => !failed.includes(c));
  const why = trusted
    ? { ru: 'MRZ защищена контрольной цифрой — вероятно, ошибка в напечатанном поле.', en: 'The MRZ is protected by a check digit — the printed field is likely misread.' }
    : { ru: 'Контрольная цифра MRZ тоже не сходится — сверьте со сканом.', en: 'The MRZ check digit fails too — compare with the scan.' };
  return draft(field, 'error', 'mrz.mismatch', `${label.ru}: в MRZ ${mrzValue}, напечатано ${printed || '(пусто)'}. ${why.ru}`, `${label.en}: MRZ ${mrzValue}, printed ${printed || '(empty)'}. ${why.en}`,
    trusted ? { value: fixValue, noteRu: `Значение из MRZ: ${fixValue}`, noteEn: `Value from the MRZ: ${fixValue}` } : undefined);
}

/** Every MRZ finding for a passport: layout, check digits (with a one-key fix), and MRZ vs printed fields. */
export function validateMrz(fields: Record<string, string | null | undefined>, today: Date): FindingDraft[] {
  const mrz = parsePassportMrz(fields.MRZ1, fields.MRZ2, today);
  const out: FindingDraft[] = mrz.problems.map((p) => draft(p.field, 'error', p.code, p.ru, p.en));
  if (mrz.failedChecks.length > 0) {
    let candidates = singleSubstitutionCandidates(mrz.line2, allChecksPass);
    // Several candidates: keep the ones the printed fields agree with (the visual zone is an independent reading).
    if (candidates.length > 1) candidates = candidates.filter((c) => agreesWithPrinted(parsePassportMrz(mrz.line1, c, today), fields));
    const fix: Fix | undefined = candidates.length === 1
      ? { value: candidates[0]!, noteRu: 'Одна замена похожей цифры — и все контрольные цифры MRZ сходятся', noteEn: 'One look-alike digit replaced makes every MRZ check digit pass' }
      : undefined;
    const list = mrz.failedChecks.map((c) => CHECK_TEXT[c]);
    out.push(draft('MRZ2', 'error', 'mrz.check-digit',
      `MRZ: не сходятся контрольные цифры — ${list.map((x) => x.ru).join('; ')}. Вероятно, ошибка распознавания.`,
      `MRZ: check digits fail — ${list.map((x) => x.en).join('; ')}. Likely an OCR error.`, fix));
  }
  if (mrz.nameField && mrz.line1.startsWith('PNRUS')) out.push(...compareMrzNames(mrz.nameField, fields));
  const failed = mrz.failedChecks;
  const series = stripSeparators(fields.Series ?? '');
  if (mrz.series && series !== mrz.series) out.push(mrzMismatch(failed, 'Series', LBL.Series, mrz.series, series, ['doc', 'optional'], mrz.series));
  const number = stripSeparators(fields.Number ?? '');
  if (mrz.number && number !== mrz.number) out.push(mrzMismatch(failed, 'Number', LBL.Number, mrz.number, number, ['doc'], mrz.number));
  for (const [field, value, check] of [['BirthDate', mrz.birthDate, 'birth'], ['IssueDate', mrz.issueDate, 'optional']] as const) {
    if (!value) continue;
    const printed = parseRuDate(fields[field] ?? '');
    if (printed.ok && compareYmd(printed.date, value) === 0) continue;
    out.push(mrzMismatch(failed, field, LBL[field], formatRu(value), (fields[field] ?? '').trim(), [check], formatRu(value)));
  }
  const printedGender = normaliseGender(fields.Gender);
  if (mrz.gender && printedGender !== mrz.gender) {
    out.push(mrzMismatch(failed, 'Gender', LBL.Gender, mrz.gender === 'М' ? 'M (муж.)' : 'F (жен.)', (fields.Gender ?? '').trim(), ['composite'], mrz.gender));
  }
  const dept = (fields.IssueId ?? '').trim();
  if (mrz.departmentCode && stripSeparators(dept) !== mrz.departmentCode.replace('-', '')) {
    // Keep the clerk's style: the API sends the code without the dash.
    const fixValue = dept.includes('-') ? mrz.departmentCode : mrz.departmentCode.replace('-', '');
    out.push(mrzMismatch(failed, 'IssueId', LBL.IssueId, mrz.departmentCode, dept, ['optional'], fixValue));
  }
  // §3.6: the MRZ exists only in passports issued since 1 July 2011.
  if (mrz.issueDate && compareYmd(mrz.issueDate, { y: 2011, m: 7, d: 1 }) < 0) {
    out.push(draft('MRZ2', 'warning', 'mrz.issue-before-2011', `MRZ указывает дату выдачи ${formatRu(mrz.issueDate)}, но MRZ вносят только с 01.07.2011.`, `The MRZ gives issue date ${formatRu(mrz.issueDate)}, but MRZs exist only since 01.07.2011.`));
  }
  return out;
}
