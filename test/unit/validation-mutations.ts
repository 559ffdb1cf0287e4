// Property-test harness for the local checks' one-key fixes: an independent generator of valid passports (printed
// page + MRZ) and identifiers, every single-character mutation of them, and a tally of what the validators do with
// each: the fixes they offer (restoring the original, or wrong — must be 0) and whether non-dates are flagged.
// Used by test/unit/validation-properties.test.ts (a few seeds) and bench/checks.bench.ts (≥ 20,000 MRZ pairs).
// The check digits here are written from the published rules, not imported from the code under test.
import fc from 'fast-check';
import type { FindingDraft } from '../../main/engine/validation/draft.ts';
import { mrzNameField } from '../../main/engine/validation/primitives.ts';

// ---- independent check digits -------------------------------------------------------------------------------
const w731 = [7, 3, 1];
const mrzValue = (c: string) => (c >= '0' && c <= '9' ? Number(c) : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : 0);
const cd731 = (s: string) => String([...s].reduce((sum, c, i) => sum + mrzValue(c) * w731[i % 3]!, 0) % 10);
const mod11 = (digits: string, weights: number[]) => String((weights.reduce((s, w, i) => s + w * Number(digits[i]), 0) % 11) % 10);
export const innCheck = {
  10: (b: string) => mod11(b, [2, 4, 10, 3, 5, 9, 4, 6, 8]),
  12: (b: string) => {
    const c11 = mod11(b, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
    return c11 + mod11(b + c11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
  },
};
const ogrnCd = (b: string) => String((BigInt(b) % 11n) % 10n);
const ogrnipCd = (b: string) => String((BigInt(b) % 13n) % 10n);
function snilsCd(b: string): string {
  const s = [...b].reduce((sum, c, i) => sum + Number(c) * (9 - i), 0);
  const r = s < 100 ? s : s === 100 || s === 101 ? 0 : s % 101 === 100 ? 0 : s % 101;
  return String(r).padStart(2, '0');
}

// ---- generated passports ------------------------------------------------------------------------------------
export type GeneratedPassport = { fields: Record<string, string>; line2: string };
const DAY = 86_400_000;
const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const ru = (t: number) => new Date(t).toISOString().slice(0, 10).split('-').reverse().join('.');
const yymmdd = (t: number) => new Date(t).toISOString().slice(2, 10).replace(/-/g, '');
const SURNAMES = ['ИВАНОВ', 'ФЁДОРОВ', 'ЩЕРБАКОВ', 'ПОДЪЯЧЕВ', 'ПЕТРОВ-ВОДКИН', 'ЭРДНИЕВ', 'ЮДИН'];
const NAMES = ['ИВАН', 'ПЁТР', 'ИЛЬЯ', 'АННА', 'ЮЛИЯ', 'ЭЛЬВИРА'];
const PATRONYMICS = ['СЕРГЕЕВИЧ', 'ИЛЬИЧ', 'ОЛЕГОВНА', 'ЮРЬЕВНА', ''];
/** Latest day a generated passport may be issued: before the test's "today" (22.11.2026). */
export const MUTATION_TODAY = new Date(2026, 10, 22);
const LAST_ISSUE = utc(2026, 11, 1);

/** People born 1915–2012 (the 1915–1926 births whose YY looks like this century included), issued at ≥ 14 and since 01.07.2011. */
export const passportArb: fc.Arbitrary<GeneratedPassport> = fc
  .record({
    birthDay: fc.integer({ min: 0, max: (utc(2012, 10, 1) - utc(1915, 1, 1)) / DAY }),
    issueShare: fc.double({ min: 0, max: 1, noNaN: true }),
    region: fc.integer({ min: 1, max: 99 }),
    number: fc.integer({ min: 0, max: 999_999 }),
    dept: fc.integer({ min: 0, max: 999_999 }),
    male: fc.boolean(),
    surname: fc.constantFrom(...SURNAMES),
    name: fc.constantFrom(...NAMES),
    patronymic: fc.constantFrom(...PATRONYMICS),
    deptDash: fc.boolean(),
  })
  .map((r) => {
    const birth = utc(1915, 1, 1) + r.birthDay * DAY;
    const b = new Date(birth);
    const at14 = utc(b.getUTCFullYear() + 14, b.getUTCMonth() + 1, b.getUTCDate() === 29 && b.getUTCMonth() === 1 ? 28 : b.getUTCDate());
    const from = Math.max(at14, utc(2011, 7, 1));
    const issue = from + Math.floor(((LAST_ISSUE - from) / DAY) * r.issueShare) * DAY;
    const series = String(r.region).padStart(2, '0') + new Date(issue).toISOString().slice(2, 4);
    const number = String(r.number).padStart(6, '0');
    const dept = String(r.dept).padStart(6, '0');
    const doc = series.slice(0, 3) + number;
    const born = yymmdd(birth);
    const optional = series[3]! + yymmdd(issue) + dept + '<';
    const head = `${doc}${cd731(doc)}RUS${born}${cd731(born)}`;
    const tail = `${optional}${cd731(optional)}`;
    const line2 = `${head}${r.male ? 'M' : 'F'}<<<<<<<${tail}${cd731(`${doc}${cd731(doc)}${born}${cd731(born)}<<<<<<<${tail}`)}`;
    const fields = {
      LastName: r.surname + (r.male ? '' : 'А'), FirstName: r.name, MiddleName: r.patronymic, Gender: r.male ? 'МУЖ.' : 'ЖЕН.',
      BirthDate: ru(birth), Series: series, Number: number, IssueDate: ru(issue), IssueId: r.deptDash ? `${dept.slice(0, 3)}-${dept.slice(3)}` : dept,
      MRZ1: '', MRZ2: line2,
    };
    fields.MRZ1 = 'PNRUS' + mrzNameField(fields.LastName, fields.FirstName, fields.MiddleName);
    return { fields, line2 };
  });

// ---- mutations ----------------------------------------------------------------------------------------------
/** The MRZ alphabet plus the Cyrillic letters OCR returns for digits. */
export const MRZ_SUBSTITUTES = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<', 'О', 'З', 'В', 'Б', 'Ч'];
/** Digits plus the look-alike letters OCR returns inside digit fields (Latin and Cyrillic). */
export const DIGIT_SUBSTITUTES = [...'0123456789', 'O', 'о', 'О', 'D', 'З', 'В', 'B', 'I', 'l', '|', 'S', 's', 'Б', 'Ч'];

/** Every single-character substitution by `alphabet` and every adjacent transposition that changes `s`. */
export function* mutations(s: string, alphabet: readonly string[]): Generator<{ value: string; what: string }> {
  for (let i = 0; i < s.length; i++) {
    for (const c of alphabet) if (c !== s[i]) yield { value: s.slice(0, i) + c + s.slice(i + 1), what: `pos ${i + 1}: ${s[i]}→${c}` };
    if (i + 1 < s.length && s[i] !== s[i + 1]) yield { value: s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2), what: `swap ${i + 1}-${i + 2}` };
  }
}

export type Tally = {
  pairs: number; mutations: number; fixesOffered: number; restored: number; wrong: number;
  /** Mutated lines with no error or warning at all. */
  unflagged: number; nonDates: number; nonDatesFlagged: number; examples: string[];
};
export const newTally = (): Tally => ({ pairs: 0, mutations: 0, fixesOffered: 0, restored: 0, wrong: 0, unflagged: 0, nonDates: 0, nonDatesFlagged: 0, examples: [] });

const plain = (v: string) => v.replace(/[\s-]/g, '');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function isDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m]!);
}
/** A date field of 6 digits that is a calendar date in neither century. */
function isNonDate(s: string, withLastCentury: boolean): boolean {
  if (!/^\d{6}$/.test(s)) return false;
  const yy = Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  return !isDay(2000 + yy, m, d) && !(withLastCentury && isDay(1900 + yy, m, d));
}

/** Runs `validate` on every mutation of line 2 of `p` and adds what happened to `t`. */
export function tallyMrzPair(p: GeneratedPassport, t: Tally, validate: (f: Record<string, string>) => FindingDraft[]): void {
  t.pairs++;
  const fields = { ...p.fields }; // one copy per pair: the validators only read it
  for (const m of mutations(p.line2, MRZ_SUBSTITUTES)) {
    t.mutations++;
    fields.MRZ2 = m.value;
    const findings = validate(fields);
    for (const f of findings) {
      if (!f.fix || f.field === null) continue;
      t.fixesOffered++;
      const original = f.field === 'MRZ2' ? p.line2 : p.fields[f.field];
      if (original !== undefined && plain(f.fix.value) === plain(original)) t.restored++;
      else {
        t.wrong++;
        if (t.examples.length < 5) t.examples.push(`${m.what} in ${p.line2}: ${f.code}@${f.field} → ${f.fix.value}`);
      }
    }
    if (!findings.some((f) => f.severity === 'error' || f.severity === 'warning')) {
      t.unflagged++;
      if (t.examples.length < 5) t.examples.push(`unflagged: ${m.what} in ${p.line2}`);
    }
    if (isNonDate(m.value.slice(13, 19), true) || isNonDate(m.value.slice(29, 35), false)) {
      t.nonDates++;
      if (findings.some((f) => f.code === 'mrz.date' && f.severity === 'error')) t.nonDatesFlagged++;
      else if (t.examples.length < 5) t.examples.push(`non-date not flagged: ${m.what} in ${p.line2}`);
    }
  }
}

// ---- identifiers --------------------------------------------------------------------------------------------
export type IdKind = 'inn10' | 'inn12' | 'ogrn' | 'ogrnip' | 'snils' | 'kpp';
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
/** Valid identifiers of each kind, built with the check digits above. */
export const identifierArb: Readonly<Record<IdKind, fc.Arbitrary<string>>> = {
  inn10: digits(9).map((b) => b + innCheck[10](b)),
  inn12: digits(10).map((b) => b + innCheck[12](b)),
  ogrn: fc.tuple(fc.constantFrom('1', '5'), digits(11)).map(([t, b]) => t + b + ogrnCd(t + b)),
  ogrnip: digits(13).map((b) => '3' + b + ogrnipCd('3' + b)),
  // Above 001-001-998, where the check number applies.
  snils: digits(9).filter((b) => Number(b) > 1001998).map((b) => b + snilsCd(b)),
  kpp: fc.tuple(digits(4), fc.oneof(digits(2), fc.constantFrom('AB', 'KX', 'ZP', '0A')), digits(3)).map(([a, b, c]) => a + b + c),
};

/** Runs `validate` on every mutation of a valid identifier and adds the fixes it offers to `t`. */
export function tallyIdentifier(value: string, t: Tally, validate: (v: string) => FindingDraft[]): void {
  t.pairs++;
  for (const m of mutations(value, DIGIT_SUBSTITUTES)) {
    t.mutations++;
    for (const f of validate(m.value)) {
      if (!f.fix) continue;
      t.fixesOffered++;
      if (f.fix.value === value) t.restored++;
      else {
        t.wrong++;
        if (t.examples.length < 5) t.examples.push(`${m.what} in ${value}: ${f.code} → ${f.fix.value}`);
      }
    }
  }
}
