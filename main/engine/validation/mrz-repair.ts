// Which MRZ line-2 readings are one keystroke away from what OCR returned, and which of them are sound (layout,
// every check digit, calendar dates). The MRZ findings use them to decide when a one-key fix is provably right:
// see [Note: MRZ fixes] in mrz.ts and [Note: a one-key fix must be provably right] in ocr-fixes.ts.
import { isCalendarDate } from './dates.ts';

export const LINE2_PATTERN = /^\d{10}RUS\d{7}[MF]<{7}\d{13}<\d{2}$/;

/** 0-based layout of line 2: what each position may hold. */
const FIXED: Readonly<Record<number, string>> = { 10: 'R', 11: 'U', 12: 'S', 41: '<' };
function allowedAt(p: number): string {
  const f = FIXED[p];
  if (f) return f;
  if (p === 20) return 'MF';
  if (p >= 21 && p <= 27) return '<';
  return '0123456789';
}
const ALLOWED: readonly string[] = Array.from({ length: 44 }, (_, p) => allowedAt(p));
const isAllowed = (p: number, ch: string): boolean => ALLOWED[p]!.includes(ch);

// Check digits of line 2 (0-based): the ranges they cover and where they sit (ICAO 7-3-1, '<' = 0).
type Check = { at: number; weights: Int8Array };
const W = [7, 3, 1];
function check(at: number, ranges: readonly (readonly [number, number])[]): Check {
  const weights = new Int8Array(44);
  let k = 0;
  for (const [from, to] of ranges) for (let i = from; i < to; i++) weights[i] = W[k++ % 3]!;
  return { at, weights };
}
const CHECKS: readonly Check[] = [
  check(9, [[0, 9]]),
  check(19, [[13, 19]]),
  check(42, [[28, 42]]),
  check(43, [[0, 10], [13, 20], [21, 43]]),
];

const valueOf = (ch: string): number => {
  const c = ch.charCodeAt(0);
  return c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
};
const digitOf = (ch: string): number => {
  const c = ch.charCodeAt(0);
  return c >= 48 && c <= 57 ? c - 48 : -1;
};

/** YYMMDD is a calendar date in 19YY or 20YY (birth) / in 20YY (issue). */
export function isMrzCalendarDate(s: string, kind: 'birth' | 'issue'): boolean {
  if (!/^\d{6}$/.test(s)) return false;
  const yy = Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const d = Number(s.slice(4, 6));
  return isCalendarDate(2000 + yy, m, d) || (kind === 'birth' && isCalendarDate(1900 + yy, m, d));
}
const BIRTH = [13, 19] as const;
const ISSUE = [29, 35] as const;
const touches = (p: number, [from, to]: readonly [number, number]) => p >= from && p < to;

/** Layout, every check digit and both dates hold. */
export function isSoundLine2(l2: string): boolean {
  return LINE2_PATTERN.test(l2) && CHECKS.every((c) => sumOf(l2, c) % 10 === digitOf(l2[c.at]!)) &&
    isMrzCalendarDate(l2.slice(13, 19), 'birth') && isMrzCalendarDate(l2.slice(29, 35), 'issue');
}
function sumOf(l2: string, c: Check): number {
  let s = 0;
  for (let i = 0; i < 44; i++) if (c.weights[i]) s += valueOf(l2[i]!) * c.weights[i]!;
  return s;
}

/**
 * Every sound line one keystroke away from `l2` (44 characters): one character replaced by any character the
 * layout allows there, or two adjacent characters swapped. Check sums are updated per edit, not recomputed: a
 * broken line has a few hundred neighbours and this runs for each broken line of a batch.
 */
export function soundNeighbours(l2: string): string[] {
  if (l2.length !== 44) return [];
  const bad: number[] = [];
  for (let p = 0; p < 44; p++) if (!isAllowed(p, l2[p]!)) bad.push(p);
  if (bad.length > 2) return [];
  const sums = CHECKS.map((c) => sumOf(l2, c));
  const birthOk = isMrzCalendarDate(l2.slice(13, 19), 'birth');
  const issueOk = isMrzCalendarDate(l2.slice(29, 35), 'issue');
  const out = new Set<string>();
  const chars = l2.split('');
  /** Tries `l2` with the characters at `ps` replaced by `cs`. */
  const tryEdit = (ps: readonly number[], cs: readonly string[]) => {
    for (const b of bad) if (!ps.includes(b)) return;
    for (let k = 0; k < ps.length; k++) if (!isAllowed(ps[k]!, cs[k]!)) return;
    for (let ci = 0; ci < CHECKS.length; ci++) {
      const c = CHECKS[ci]!;
      let s = sums[ci]!;
      let cd = digitOf(l2[c.at]!);
      for (let k = 0; k < ps.length; k++) {
        const p = ps[k]!;
        s += (valueOf(cs[k]!) - valueOf(l2[p]!)) * c.weights[p]!;
        if (p === c.at) cd = digitOf(cs[k]!);
      }
      if (s % 10 !== cd) return;
    }
    for (let k = 0; k < ps.length; k++) chars[ps[k]!] = cs[k]!;
    const cand = chars.join('');
    for (const p of ps) chars[p] = l2[p]!;
    const dateOk = (range: readonly [number, number], ok: boolean, kind: 'birth' | 'issue') =>
      ps.some((p) => touches(p, range)) ? isMrzCalendarDate(cand.slice(range[0], range[1]), kind) : ok;
    if (dateOk(BIRTH, birthOk, 'birth') && dateOk(ISSUE, issueOk, 'issue')) out.add(cand);
  };
  for (let p = 0; p < 44; p++) {
    for (const ch of ALLOWED[p]!) if (ch !== l2[p]) tryEdit([p], [ch]);
    if (p < 43 && l2[p] !== l2[p + 1]) tryEdit([p, p + 1], [l2[p + 1]!, l2[p]!]);
  }
  return [...out];
}

/** What the printed page says about the values line 2 encodes; null = not printed or not readable. */
export type PrintedFacts = { series: string | null; number: string | null; birth: string | null; sex: 'M' | 'F' | null; issue: string | null; dept: string | null };

/** The fields of a sound line 2 that the printed page also carries, in the page's terms. */
export function factsOfLine2(l2: string): Omit<PrintedFacts, 'sex'> & { sex: string } {
  return { series: l2.slice(0, 3) + l2[28]!, number: l2.slice(3, 9), birth: l2.slice(13, 19), sex: l2[20]!, issue: l2.slice(29, 35), dept: l2.slice(35, 41) };
}

/** Does `l2` (sound) contradict any printed field that was read? */
export function contradictsPrinted(l2: string, printed: PrintedFacts): boolean {
  const f = factsOfLine2(l2);
  return (Object.keys(printed) as (keyof PrintedFacts)[]).some((k) => printed[k] !== null && printed[k] !== f[k]);
}
