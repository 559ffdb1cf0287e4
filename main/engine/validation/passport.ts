// Internal passport (pages 2–3): visual-zone formats, dates, age rules, region/blank-year soft checks, names, MRZ
// (ru-doc-rules.md §3, §4, §6). Pure: FINAL field values in, finding drafts out.
import { addDays, addYears, ageOn, compareYmd, formatRu, parseRuDate, yearsRu, ymdOf, type Ymd } from './dates.ts';
import { draft, type Fix, type FindingDraft } from './draft.ts';
import { validateMrz } from './mrz-findings.ts';
import { parsePassportMrz } from './mrz.ts';
import { normaliseGender, validateNames } from './names.ts';
import { describeLookAlikes, mapLookAlikes, normaliseOcr, stripSeparators } from './ocr-fixes.ts';
import { compareSeriesRegion } from './regions.ts';

export type DocFields = Record<string, string | null | undefined>;

const LABELS: Readonly<Record<string, { ru: string; en: string }>> = {
  LastName: { ru: 'Фамилия', en: 'Surname' },
  FirstName: { ru: 'Имя', en: 'Given name' },
  Gender: { ru: 'Пол', en: 'Gender' },
  BirthDate: { ru: 'Дата рождения', en: 'Birth date' },
  Series: { ru: 'Серия', en: 'Series' },
  Number: { ru: 'Номер', en: 'Number' },
  IssueDate: { ru: 'Дата выдачи', en: 'Issue date' },
  IssueId: { ru: 'Код подразделения', en: 'Department code' },
};
const REQUIRED = ['LastName', 'FirstName', 'Gender', 'BirthDate', 'Series', 'Number', 'IssueDate', 'IssueId'] as const;
const FORM_1997: Ymd = { y: 1997, m: 10, d: 1 };
const MRZ_SINCE: Ymd = { y: 2011, m: 7, d: 1 };
const GRACE_DAYS = 90;

const blank = (v: string | null | undefined): boolean => v == null || v.trim() === '';

/** A digits-only field of fixed length; look-alike letters produce a fix suggestion. */
function digitsField(raw: string | null | undefined, pattern: RegExp): string | null {
  if (blank(raw)) return null;
  const v = stripSeparators(raw!);
  return pattern.test(v) ? v : null;
}

/** Look-alike letters read as digits (no check digit settles it). When a sound MRZ carries the field, it decides:
 * the repair is offered only if the MRZ agrees ([Note: a one-key fix must be provably right]). */
function fixed(raw: string, len: number, mrzValue: string | null): Fix | undefined {
  const m = mapLookAlikes(stripSeparators(raw));
  if (m === null || m.length !== len || (mrzValue !== null && m !== mrzValue)) return undefined;
  return mrzValue !== null
    ? { value: m, noteRu: `Буквы, похожие на цифры, заменены: ${m} (так же в MRZ)`, noteEn: `Look-alike letters replaced: ${m} (the MRZ agrees)` }
    : { value: m, noteRu: `Буквы, похожие на цифры, заменены: ${m}`, noteEn: `Look-alike letters replaced: ${m}` };
}

/** Series, number and department code from line 2 when it is sound (every check digit, layout, dates); else nulls. */
function soundMrzValues(fields: DocFields, today: Date): { series: string | null; number: string | null; dept: string | null } {
  const m = parsePassportMrz(fields.MRZ1, fields.MRZ2, today);
  const sound = m.line2.length === 44 && m.failedChecks.length === 0 && !m.problems.some((p) => p.field === 'MRZ2');
  return sound ? { series: m.series, number: m.number, dept: m.departmentCode && m.departmentCode.replace('-', '') } : { series: null, number: null, dept: null };
}

/** Birth or issue date: format, calendar, range, future. Returns the date when usable. */
function checkDate(out: FindingDraft[], fields: DocFields, field: 'BirthDate' | 'IssueDate', today: Ymd): Ymd | null {
  const raw = fields[field];
  if (blank(raw)) return null;
  const label = LABELS[field]!;
  const p = parseRuDate(raw!);
  if (!p.ok) {
    out.push(p.reason === 'format'
      ? draft(field, 'error', `passport.${field === 'BirthDate' ? 'birth' : 'issue'}-date.format`, `${label.ru} «${raw}»: ожидается ДД.ММ.ГГГГ.`, `${label.en} '${raw}': expected DD.MM.YYYY.`)
      : draft(field, 'error', `passport.${field === 'BirthDate' ? 'birth' : 'issue'}-date.calendar`, `${label.ru} «${raw}»: такой даты нет в календаре.`, `${label.en} '${raw}': no such calendar date.`));
    return null;
  }
  const code = field === 'BirthDate' ? 'passport.birth-date' : 'passport.issue-date';
  if (compareYmd(p.date, today) > 0) {
    out.push(draft(field, 'error', `${code}.future`, `${label.ru} ${formatRu(p.date)} — в будущем (сегодня ${formatRu(today)}).`, `${label.en} ${formatRu(p.date)} is in the future (today is ${formatRu(today)}).`));
    return null;
  }
  if (field === 'BirthDate' && p.date.y < 1900) {
    out.push(draft(field, 'error', `${code}.range`, `${label.ru} ${formatRu(p.date)}: год раньше 1900 — вероятно, ошибка распознавания.`, `${label.en} ${formatRu(p.date)}: year before 1900 — likely an OCR error.`));
    return null;
  }
  if (field === 'IssueDate' && compareYmd(p.date, FORM_1997) < 0) {
    out.push(draft(field, 'warning', `${code}.before-1997`, `${label.ru} ${formatRu(p.date)} раньше 01.10.1997 — паспорта этого образца тогда ещё не выдавали.`, `${label.en} ${formatRu(p.date)} is before 01.10.1997, when this passport form started.`));
  }
  return p.date;
}

/** Plain explanation of the series-region comparison, matching or not (for a details panel); null when unknown. */
export function explainSeriesRegion(series: string, departmentCode: string): { ru: string; en: string } | null {
  const digits = departmentCode.replace('-', '');
  if (!/^\d{4}$/.test(series) || !/^\d{6}$/.test(digits)) return null;
  const dept = `${digits.slice(0, 3)}-${digits.slice(3)}`;
  const r = compareSeriesRegion(series, dept);
  if (r.kind === 'unknown') return null;
  const ok = r.kind === 'match';
  return {
    ru: `Серия ${r.seriesRegion} — ${r.seriesName}; код подразделения ${dept} — ${r.deptName}: ${ok ? 'совпадает' : 'регионы различаются'}.`,
    en: `Series ${r.seriesRegion} — ${r.seriesName}; department code ${dept} — ${r.deptName}: ${ok ? 'consistent' : 'regions differ'}.`,
  };
}

const NORMALISED_FIELDS = ['Series', 'Number', 'IssueId', 'BirthDate', 'IssueDate'] as const;

/** Typographic look-alikes in the printed digit fields are read as ASCII; each one is noted with the recognised
 * value and the plain form as a fix ([Note: OCR look-alike normalisation]). */
function normalisePrinted(fields: DocFields): { fields: DocFields; notes: FindingDraft[] } {
  const notes: FindingDraft[] = [];
  let out = fields;
  for (const f of NORMALISED_FIELDS) {
    const raw = fields[f];
    if (raw == null) continue;
    const n = normaliseOcr(raw);
    if (n.kinds.length === 0) continue;
    out = { ...out, [f]: n.value };
    const d = describeLookAlikes(n.kinds);
    const l = LABELS[f]!;
    notes.push(draft(f, 'info', 'passport.normalised', `${l.ru}: распознано «${raw}» — ${d.ru} прочитаны как обычные символы: ${n.value}.`, `${l.en}: recognised as '${raw}' — ${d.en} read as plain characters: ${n.value}.`,
      { value: n.value, noteRu: `Те же символы без типографских знаков: ${n.value}`, noteEn: `The same characters without typographic look-alikes: ${n.value}` }));
  }
  return { fields: out, notes };
}

export function validatePassport(recognised: DocFields, today: Date): FindingDraft[] {
  const { fields, notes } = normalisePrinted(recognised);
  const out: FindingDraft[] = [...notes];
  const t = ymdOf(today);
  for (const f of REQUIRED) {
    if (blank(fields[f])) {
      const l = LABELS[f]!;
      out.push(draft(f, 'error', 'passport.missing', `Поле «${l.ru}» не распознано (пусто).`, `Field '${l.en}' was not recognised (empty).`));
    }
  }

  let mrzValues: ReturnType<typeof soundMrzValues> | null = null;
  const mrz = () => (mrzValues ??= soundMrzValues(fields, today));
  const series = digitsField(fields.Series, /^\d{4}$/);
  if (!blank(fields.Series) && !series) {
    out.push(draft('Series', 'error', 'passport.series.format', `Серия «${fields.Series}»: ожидаются 4 цифры (например, 45 12).`, `Series '${fields.Series}': expected 4 digits (e.g. 45 12).`, fixed(fields.Series!, 4, mrz().series)));
  }
  const number = digitsField(fields.Number, /^\d{6}$/);
  if (!blank(fields.Number) && !number) {
    out.push(draft('Number', 'error', 'passport.number.format', `Номер «${fields.Number}»: ожидаются 6 цифр.`, `Number '${fields.Number}': expected 6 digits.`, fixed(fields.Number!, 6, mrz().number)));
  }
  // The API sends the department code as 6 digits without the dash; both spellings are fine.
  const deptRaw = (fields.IssueId ?? '').trim();
  const deptDigits = /^\d{3}-?\d{3}$/.test(deptRaw) ? deptRaw.replace('-', '') : null;
  const dept = deptDigits ? `${deptDigits.slice(0, 3)}-${deptDigits.slice(3)}` : null;
  if (deptRaw && !dept) {
    const f = fixed(deptRaw, 6, mrz().dept);
    out.push(draft('IssueId', 'error', 'passport.department-code.format', `Код подразделения «${deptRaw}»: ожидается NNN-NNN (6 цифр).`, `Department code '${deptRaw}': expected NNN-NNN (6 digits).`, f));
  }
  const gender = normaliseGender(fields.Gender);
  if (!blank(fields.Gender) && !gender) {
    out.push(draft('Gender', 'error', 'passport.gender.format', `Пол «${fields.Gender}»: ожидается «М» или «Ж» (МУЖ./ЖЕН.).`, `Gender '${fields.Gender}': expected 'М' or 'Ж' (МУЖ./ЖЕН.).`));
  }

  const birth = checkDate(out, fields, 'BirthDate', t);
  const issue = checkDate(out, fields, 'IssueDate', t);
  if (birth && issue) {
    const at14 = addYears(birth, 14);
    const ageAtIssue = ageOn(birth, issue);
    if (compareYmd(issue, at14) < 0) {
      out.push(draft('IssueDate', 'error', 'passport.issued-before-14',
        `Паспорт выдан ${formatRu(issue)}, когда владельцу было ${yearsRu(Math.max(0, ageAtIssue))} (дата рождения ${formatRu(birth)}); паспорт выдают с 14 лет — не раньше ${formatRu(at14)}.`,
        `Issued ${formatRu(issue)} at age ${Math.max(0, ageAtIssue)} (born ${formatRu(birth)}); passports are issued from 14 — not before ${formatRu(at14)}.`));
    } else if (ageAtIssue < 45) {
      // Valid 14→20 and 20→45; after the birthday the old one stays valid up to 90 days (2021 amendment).
      // Severities as ru-doc-rules.md §3.2 and §7 set them: past the grace period a warning ("passport expired" is
      // listed under warnings), inside it the softer flag, info. Neither blocks the case on its own.
      const limit = ageAtIssue < 20 ? 20 : 45;
      const expiry = addYears(birth, limit);
      const graceEnd = compareYmd(t, expiry) > 0 ? addDays(expiry, GRACE_DAYS) : null; // most passports are in date
      if (graceEnd && compareYmd(t, graceEnd) > 0) {
        out.push(draft('IssueDate', 'warning', 'passport.expired',
          `Паспорт недействителен: выдан в ${yearsRu(ageAtIssue)}, ${formatRu(expiry)} владельцу исполнилось ${limit}; 90 дней на замену истекли ${formatRu(graceEnd)}.`,
          `Passport no longer valid: issued at ${ageAtIssue}, the holder turned ${limit} on ${formatRu(expiry)}; the 90-day replacement period ended ${formatRu(graceEnd)}.`));
      } else if (graceEnd) {
        out.push(draft('IssueDate', 'info', 'passport.replace-due',
          `Паспорт подлежит замене: владельцу исполнилось ${limit} (${formatRu(expiry)}); он действителен до ${formatRu(graceEnd)} (90 дней).`,
          `Passport due for replacement: the holder turned ${limit} (${formatRu(expiry)}); valid until ${formatRu(graceEnd)} (90 days).`));
      }
    }
  }

  if (series && dept) {
    const r = compareSeriesRegion(series, dept);
    // A match is not stored as a finding (one row per passport would double the findings table for no action);
    // explainSeriesRegion() gives the «…: совпадает» text on demand.
    if (r.kind === 'mismatch') {
      out.push(draft('Series', 'warning', 'passport.series-region',
        `Серия ${r.seriesRegion} — ${r.seriesName}; код подразделения ${dept} — ${r.deptName}: регионы различаются. Так бывает (бланки передают между регионами), но проверьте серию и код по скану.`,
        `Series ${r.seriesRegion} — ${r.seriesName}; department code ${dept} — ${r.deptName}: regions differ. This happens (blanks move between regions), but compare the series and code with the scan.`));
    }
  }
  if (series && issue) {
    const yy = Number(series.slice(2, 4));
    const blankYear = yy >= 97 ? 1900 + yy : 2000 + yy;
    if (blankYear > issue.y + 1) {
      out.push(draft('Series', 'warning', 'passport.series-year', `Серия ${series}: бланк ${blankYear} года, а паспорт выдан в ${issue.y} — бланк не может быть новее даты выдачи.`, `Series ${series}: blank of ${blankYear}, but issued in ${issue.y} — a blank cannot be newer than the issue date.`));
    } else if (blankYear < issue.y - 5) {
      out.push(draft('Series', 'warning', 'passport.series-year', `Серия ${series}: бланк ${blankYear} года, выдан в ${issue.y} — бланк старше даты выдачи более чем на 5 лет (бывает редко).`, `Series ${series}: blank of ${blankYear}, issued in ${issue.y} — the blank is over 5 years older than the issue (rare).`));
    }
  }

  out.push(...validateNames(fields, gender));

  if (!blank(fields.MRZ1) || !blank(fields.MRZ2)) out.push(...validateMrz(fields, today));
  else if (issue && compareYmd(issue, MRZ_SINCE) >= 0) {
    out.push(draft('MRZ2', 'info', 'mrz.missing', 'MRZ не распознана, хотя паспорт выдан после 01.07.2011 — сверка с MRZ не выполнена.', 'No MRZ was recognised although the passport was issued after 01.07.2011 — the MRZ cross-check was skipped.'));
  }
  return out;
}
