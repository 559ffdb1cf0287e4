// MRZ findings for a passport: layout, dates, check digits with the repaired line as a fix, names, and MRZ vs the
// printed fields — each fix offered only when provably right ([Note: MRZ fixes]).
import { formatRu, parseRuDate, type Ymd } from './dates.ts';
import { draft, type Fix, type FindingDraft } from './draft.ts';
import { compareMrzNames, parsePassportMrz, type MrzCheckName, type ParsedMrz } from './mrz.ts';
import { contradictsPrinted, factsOfLine2, soundNeighbours, type PrintedFacts } from './mrz-repair.ts';
import { normaliseGender } from './names.ts';
import { normaliseOcr, stripSeparators } from './ocr-fixes.ts';

// [Note: MRZ fixes]
// Line 2 of the internal passport's MRZ carries four check digits; the printed page is a second, independent
// reading of most of its fields. A one-key fix from this evidence must never overwrite a right value:
// - A broken line 2 (layout, a check digit, a date that is not a date) gets the repaired line as its fix only when
//   exactly ONE line one keystroke away (one character replaced by any the layout allows there, or two adjacent
//   ones swapped) passes every check, holds calendar dates, and contradicts no printed field that was read. The
//   true line is among those when OCR slipped once, so a single survivor is it. Two or more: «несколько
//   вариантов», no fix. Filtering by the printed fields ALWAYS runs, not only to break ties: a lone candidate
//   that changes a printed-and-agreed value (the issue date, to keep a misread department code) is wrong.
// - A printed field that disagrees with a sound line 2 gets the MRZ value as its fix only when the field is under
//   a check digit AND no sound line one keystroke away from the MRZ carries the printed value: a transposition of
//   two digits that differ by 5 keeps every 7-3-1 digit, so "the checks pass" alone does not make the MRZ right.
//   An unreadable or empty printed field is filled only when no sound neighbour reads that field differently.
// - Sex (position 21) and the names (line 1) are under no check digit: a mismatch is a plain warning, never a fix.
// - The birth century is not in the line: see mrzBirthDate. Dates are compared as the line holds them (YYMMDD).

type Label = { ru: string; en: string };
const CHECK_TEXT: Readonly<Record<MrzCheckName, Label>> = {
  doc: { ru: 'серия и номер (позиция 10)', en: 'series and number (position 10)' },
  birth: { ru: 'дата рождения (позиция 20)', en: 'birth date (position 20)' },
  expiry: { ru: 'заполнитель срока действия (позиции 22–28 должны быть «<»)', en: 'expiry filler (positions 22–28 must be "<")' },
  optional: { ru: 'дата выдачи и код подразделения (позиция 43)', en: 'issue date and department code (position 43)' },
  composite: { ru: 'общая контрольная цифра (позиция 44)', en: 'composite check digit (position 44)' },
};
const LBL = {
  Series: { ru: 'Серия', en: 'Series' },
  Number: { ru: 'Номер', en: 'Number' },
  BirthDate: { ru: 'Дата рождения', en: 'Birth date' },
  IssueDate: { ru: 'Дата выдачи', en: 'Issue date' },
  Gender: { ru: 'Пол', en: 'Gender' },
  IssueId: { ru: 'Код подразделения', en: 'Department code' },
} as const;

type Fields = Record<string, string | null | undefined>;
const yymmdd = (d: Ymd): string => `${String(d.y % 100).padStart(2, '0')}${String(d.m).padStart(2, '0')}${String(d.d).padStart(2, '0')}`;
const digitsOrNull = (raw: string | null | undefined, len: number): string | null => {
  const v = stripSeparators(raw ?? '');
  return v.length === len && /^\d+$/.test(v) ? v : null;
};
const dateOrNull = (raw: string | null | undefined): Ymd | null => {
  const p = parseRuDate(normaliseOcr(raw ?? '').value);
  return p.ok ? p.date : null;
};

/** The printed page's readings in line-2 terms; null where the field is empty or unreadable. */
export function printedFacts(fields: Fields): PrintedFacts {
  const birth = dateOrNull(fields.BirthDate);
  const issue = dateOrNull(fields.IssueDate);
  const g = normaliseGender(fields.Gender);
  return {
    series: digitsOrNull(fields.Series, 4),
    number: digitsOrNull(fields.Number, 6),
    birth: birth && yymmdd(birth),
    sex: g === 'М' ? 'M' : g === 'Ж' ? 'F' : null,
    issue: issue && yymmdd(issue),
    dept: digitsOrNull(fields.IssueId, 6),
  };
}

/** The repaired line 2, or why there is none. */
function repairLine(mrz: ParsedMrz, printed: PrintedFacts): { fix?: Fix; whyRu: string; whyEn: string } {
  const candidates = soundNeighbours(mrz.line2).filter((c) => !contradictsPrinted(c, printed));
  if (candidates.length === 1) {
    return {
      fix: { value: candidates[0]!, noteRu: 'Единственная строка, отличающаяся одним символом или перестановкой соседних, с которой сходятся все контрольные цифры и напечатанные поля', noteEn: 'The only line one character or one adjacent swap away that passes every check digit and agrees with the printed fields' },
      whyRu: '', whyEn: '',
    };
  }
  return candidates.length > 1
    ? { whyRu: ` Исправление не предлагается: несколько вариантов (${candidates.length}) одинаково проходят проверку — сверьте со сканом.`, whyEn: ` No fix offered: several readings (${candidates.length}) pass equally — compare with the scan.` }
    : { whyRu: ' Исправление не предлагается: ни одна замена одного символа не даёт строку, согласную с контрольными цифрами и напечатанными полями.', whyEn: ' No fix offered: no single-character change gives a line that agrees with the check digits and the printed fields.' };
}

type FactKey = 'series' | 'number' | 'birth' | 'issue' | 'dept';
/** Line 2 as read and, on demand, its sound neighbours. */
type Neighbours = { line: string; sound: () => string[] };

/** MRZ value ≠ printed value: an error; the MRZ value is the fix only when provably right ([Note: MRZ fixes]). */
function mismatch(field: keyof typeof LBL, key: FactKey, mrzShown: string, printedShown: string, fixValue: string, sound: boolean, printed: () => PrintedFacts, neighbours: Neighbours): FindingDraft {
  const label = LBL[field];
  let why: Label;
  let fix: Fix | undefined;
  if (!sound) {
    why = { ru: 'Строка 2 MRZ сама не проходит проверку, поэтому исправление не предлагается — сверьте со сканом.', en: 'MRZ line 2 fails its own checks, so no fix is offered — compare with the scan.' };
  } else {
    const p = printed()[key];
    const own = factsOfLine2(neighbours.line)[key];
    const ambiguous = neighbours.sound().some((n) => (p !== null ? factsOfLine2(n)[key] === p : factsOfLine2(n)[key] !== own));
    if (ambiguous) {
      why = p !== null
        ? { ru: 'Исправление не предлагается: одна ошибка в MRZ, не нарушающая контрольных цифр (перестановка соседних цифр), дала бы напечатанное значение — неясно, какое чтение верно; сверьте со сканом.', en: 'No fix offered: one slip in the MRZ that keeps every check digit (two adjacent digits swapped) would give the printed value — unclear which reading is right; compare with the scan.' }
        : { ru: 'Исправление не предлагается: перестановка соседних цифр в MRZ не нарушила бы контрольных цифр — сверьте со сканом.', en: 'No fix offered: swapping two adjacent digits in the MRZ would keep every check digit — compare with the scan.' };
    } else {
      why = { ru: 'MRZ защищена контрольными цифрами, и одна ошибка в ней не дала бы напечатанного значения — вероятно, ошибка в напечатанном поле.', en: 'The MRZ is protected by check digits, and no single slip in it would give the printed value — the printed field is likely misread.' };
      fix = { value: fixValue, noteRu: `Значение из MRZ: ${fixValue}`, noteEn: `Value from the MRZ: ${fixValue}` };
    }
  }
  return draft(field, 'error', 'mrz.mismatch', `${label.ru}: в MRZ ${mrzShown}, напечатано ${printedShown || '(пусто)'}. ${why.ru}`, `${label.en}: MRZ ${mrzShown}, printed ${printedShown || '(empty)'}. ${why.en}`, fix);
}

/** The check-digit finding, when any check digit fails. */
function checkDigitFinding(mrz: ParsedMrz): FindingDraft | null {
  if (mrz.failedChecks.length === 0) return null;
  const list = mrz.failedChecks.map((c) => CHECK_TEXT[c]);
  return draft('MRZ2', 'error', 'mrz.check-digit',
    `MRZ: не сходятся контрольные цифры — ${list.map((x) => x.ru).join('; ')}. Вероятно, ошибка распознавания.`,
    `MRZ: check digits fail — ${list.map((x) => x.en).join('; ')}. Likely an OCR error.`);
}

/** MRZ vs each printed field it also carries. */
function printedMismatches(mrz: ParsedMrz, fields: Fields, printed: () => PrintedFacts, sound: boolean): FindingDraft[] {
  const out: FindingDraft[] = [];
  let cached: string[] | null = null;
  const neighbours: Neighbours = { line: mrz.line2, sound: () => (cached ??= soundNeighbours(mrz.line2)) };
  const series = stripSeparators(fields.Series ?? '');
  if (mrz.series && series !== mrz.series) out.push(mismatch('Series', 'series', mrz.series, series, mrz.series, sound, printed, neighbours));
  const number = stripSeparators(fields.Number ?? '');
  if (mrz.number && number !== mrz.number) out.push(mismatch('Number', 'number', mrz.number, number, mrz.number, sound, printed, neighbours));
  for (const [field, value, key] of [['BirthDate', mrz.birthDate, 'birth'], ['IssueDate', mrz.issueDate, 'issue']] as const) {
    if (!value) continue;
    // Compared as the line holds them: the century is not in the MRZ (a 1920 birth printed as 2020 is the date checks' business).
    const p = dateOrNull(fields[field]);
    if (p && yymmdd(p) === yymmdd(value)) continue;
    out.push(mismatch(field, key, formatRu(value), (fields[field] ?? '').trim(), formatRu(value), sound, printed, neighbours));
  }
  const printedGender = normaliseGender(fields.Gender);
  if (mrz.gender && printedGender !== mrz.gender) {
    const shown = mrz.gender === 'М' ? 'M (муж.)' : 'F (жен.)';
    const p = (fields.Gender ?? '').trim();
    out.push(draft('Gender', 'warning', 'mrz.mismatch',
      `Пол: в MRZ ${shown}, напечатано ${p || '(пусто)'}. Позиция 21 MRZ не защищена контрольной цифрой, поэтому исправление не предлагается — сверьте со сканом.`,
      `Gender: MRZ ${mrz.gender === 'М' ? 'M' : 'F'}, printed ${p || '(empty)'}. MRZ position 21 is not protected by a check digit, so no fix is offered — compare with the scan.`));
  }
  const dept = (fields.IssueId ?? '').trim();
  if (mrz.departmentCode && stripSeparators(dept) !== mrz.departmentCode.replace('-', '')) {
    // Keep the clerk's style: the API sends the code without the dash.
    const fixValue = /[-\u2010-\u2015\u2212]/.test(dept) ? mrz.departmentCode : mrz.departmentCode.replace('-', '');
    out.push(mismatch('IssueId', 'dept', mrz.departmentCode, dept, fixValue, sound, printed, neighbours));
  }
  return out;
}

/** Every MRZ finding for a passport: layout, dates, check digits (with a provable one-key fix), names, MRZ vs printed. */
export function validateMrz(fields: Fields, today: Date): FindingDraft[] {
  const mrz = parsePassportMrz(fields.MRZ1, fields.MRZ2, today);
  const out: FindingDraft[] = mrz.problems.map((p) => draft(p.field, 'error', p.code, p.ru, p.en));
  const checks = checkDigitFinding(mrz);
  if (checks) out.push(checks);
  // The printed page in line-2 terms, read only when something disagrees (most passports are clean).
  let facts: PrintedFacts | null = null;
  const printed = () => (facts ??= printedFacts(fields));
  // Sound = the parse found nothing wrong with line 2 (layout, dates) and every check digit holds.
  const sound = mrz.line2.length === 44 && mrz.failedChecks.length === 0 && !mrz.problems.some((p) => p.field === 'MRZ2');
  if (mrz.line2.length === 44 && !sound) {
    // The repaired line (or why there is none) goes on the check-digit finding, else on the first line-2 problem.
    const target = checks ?? out.find((f) => f.field === 'MRZ2');
    if (target) {
      const r = repairLine(mrz, printed());
      if (r.fix) target.fix = r.fix;
      target.messageRu += r.whyRu;
      target.messageEn += r.whyEn;
    }
  }
  if (mrz.nameField && mrz.line1.startsWith('PNRUS')) out.push(...compareMrzNames(mrz.nameField, fields));
  out.push(...printedMismatches(mrz, fields, printed, sound));
  // The MRZ exists only in passports issued since 1 July 2011.
  if (mrz.issueDate && mrz.issueDate.y * 10000 + mrz.issueDate.m * 100 + mrz.issueDate.d < 20110701) {
    out.push(draft('MRZ2', 'warning', 'mrz.issue-before-2011', `MRZ указывает дату выдачи ${formatRu(mrz.issueDate)}, но MRZ вносят только с 01.07.2011.`, `The MRZ gives issue date ${formatRu(mrz.issueDate)}, but MRZs exist only since 01.07.2011.`));
  }
  return out;
}
