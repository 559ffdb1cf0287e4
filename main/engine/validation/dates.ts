// Calendar arithmetic on plain year/month/day triples (no time zones): DD.MM.YYYY in, comparisons out.
export type Ymd = { y: number; m: number; d: number };

export const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysInMonth = (y: number, m: number): number => (m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);

export function isCalendarDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export type ParsedDate = { ok: true; date: Ymd } | { ok: false; reason: 'format' | 'calendar' };
const FORMAT_ERROR: ParsedDate = { ok: false, reason: 'format' };
const CALENDAR_ERROR: ParsedDate = { ok: false, reason: 'calendar' };

const RU_DATE = /^\d{2}\.\d{2}\.\d{4}$/;
const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Strict DD.MM.YYYY (the API's format). Surrounding spaces are tolerated. */
export function parseRuDate(raw: string): ParsedDate {
  // A regex test and digit arithmetic instead of a capturing match: this runs several times per document in a full
  // recompute, and exec() allocates a match array and three substrings each time.
  const s = raw.length === 10 ? raw : raw.trim();
  if (!RU_DATE.test(s)) return FORMAT_ERROR;
  const d = digit(s, 0) * 10 + digit(s, 1);
  const m = digit(s, 3) * 10 + digit(s, 4);
  const y = digit(s, 6) * 1000 + digit(s, 7) * 100 + digit(s, 8) * 10 + digit(s, 9);
  return isCalendarDate(y, m, d) ? { ok: true, date: { y, m, d } } : CALENDAR_ERROR;
}

const key = (a: Ymd) => a.y * 10000 + a.m * 100 + a.d;
export const compareYmd = (a: Ymd, b: Ymd): number => key(a) - key(b);

export const formatRu = (a: Ymd): string => `${String(a.d).padStart(2, '0')}.${String(a.m).padStart(2, '0')}.${String(a.y).padStart(4, '0')}`;

/** Same day n years later; 29 February becomes 28 February in a non-leap year (ru-doc-rules §3.1). */
export function addYears(a: Ymd, n: number): Ymd {
  const y = a.y + n;
  return { y, m: a.m, d: Math.min(a.d, daysInMonth(y, a.m)) };
}

export function addDays(a: Ymd, n: number): Ymd {
  const t = new Date(Date.UTC(a.y, a.m - 1, a.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Full years between birth and `on` (the birthday of a 29 February child is 28 February in non-leap years). */
export function ageOn(birth: Ymd, on: Ymd): number {
  let age = on.y - birth.y;
  if (compareYmd(addYears(birth, age), on) > 0) age--;
  return age;
}

/** "1 год", "3 года", "9 лет", "21 год" — Russian plural of years. */
export function yearsRu(n: number): string {
  const d10 = n % 10;
  const d100 = n % 100;
  const word = d10 === 1 && d100 !== 11 ? 'год' : d10 >= 2 && d10 <= 4 && (d100 < 12 || d100 > 14) ? 'года' : 'лет';
  return `${n} ${word}`;
}

/** The clerk's calendar day for an instant (local time of the machine). */
export function ymdOf(t: Date): Ymd {
  return { y: t.getFullYear(), m: t.getMonth() + 1, d: t.getDate() };
}
