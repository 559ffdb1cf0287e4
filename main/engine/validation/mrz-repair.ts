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

const CHECK_AT = CHECKS.map((c) => c.at);
const CHECK_W = CHECKS.map((c) => c.weights);
/** Bit ci set when check ci covers position p (its range or its own digit): an edit elsewhere cannot mend it. */
const COVER: readonly number[] = Array.from({ length: 44 }, (_, p) => CHECKS.reduce((m, c, ci) => (c.weights[p] || c.at === p ? m | (1 << ci) : m), 0));

/** Do the four check digits hold once the characters at p (and q ≥ 0) get values vp (vq)? Sums are updated, not recomputed. */
function checksHoldAfter(sums: Int32Array, cds: Int8Array, p: number, dp: number, cp: number, q: number, dq: number, cq: number): boolean {
  for (let ci = 0; ci < 4; ci++) {
    const w = CHECK_W[ci]!;
    let s = sums[ci]! + dp * w[p]!;
    if (q >= 0) s += dq * w[q]!;
    const at = CHECK_AT[ci]!;
    const cd = at === p ? cp : at === q ? cq : cds[ci]!;
    if (s % 10 !== cd) return false;
  }
  return true;
}

/**
 * Every sound line one keystroke away from `l2` (44 characters): one character replaced by any character the
 * layout allows there, or two adjacent characters swapped. Check sums are updated per edit, not recomputed, and
 * nothing is allocated for an edit that fails: a broken line has a few hundred neighbours, and this runs for each
 * broken line of a batch (and ~2,000 times per generated passport in the property bench).
 */
export function soundNeighbours(l2: string): string[] {
  if (l2.length !== 44) return [];
  let bad1 = -1;
  let bad2 = -1;
  for (let p = 0; p < 44; p++) {
    if (isAllowed(p, l2[p]!)) continue;
    if (bad1 < 0) bad1 = p;
    else if (bad2 < 0) bad2 = p;
    else return [];
  }
  const sums = new Int32Array(4);
  const cds = new Int8Array(4);
  let failing = 0;
  for (let ci = 0; ci < 4; ci++) {
    sums[ci] = sumOf(l2, CHECKS[ci]!);
    cds[ci] = digitOf(l2[CHECK_AT[ci]!]!);
    if (sums[ci]! % 10 !== cds[ci]) failing |= 1 << ci;
  }
  const birthOk = isMrzCalendarDate(l2.slice(13, 19), 'birth');
  const issueOk = isMrzCalendarDate(l2.slice(29, 35), 'issue');
  const out: string[] = [];
  const keep = (cand: string, p: number, q: number) => {
    const inBirth = touches(p, BIRTH) || (q >= 0 && touches(q, BIRTH));
    const inIssue = touches(p, ISSUE) || (q >= 0 && touches(q, ISSUE));
    if (!(inBirth ? isMrzCalendarDate(cand.slice(13, 19), 'birth') : birthOk)) return;
    if (!(inIssue ? isMrzCalendarDate(cand.slice(29, 35), 'issue') : issueOk)) return;
    if (!out.includes(cand)) out.push(cand);
  };
  for (let p = 0; p < 44; p++) {
    const here = l2[p]!;
    const vHere = valueOf(here);
    // One substitution at p: every other bad position must be p itself.
    if ((bad1 < 0 || bad1 === p) && bad2 < 0 && (failing & ~COVER[p]!) === 0) {
      for (const ch of ALLOWED[p]!) {
        if (ch === here) continue;
        if (checksHoldAfter(sums, cds, p, valueOf(ch) - vHere, digitOf(ch), -1, 0, -1)) keep(l2.slice(0, p) + ch + l2.slice(p + 1), p, -1);
      }
    }
    // Swap p and p+1: both must then be allowed, and no bad position may lie elsewhere.
    const q = p + 1;
    if (q < 44 && here !== l2[q] && (bad1 < 0 || bad1 === p || bad1 === q) && (bad2 < 0 || bad2 === q) && (failing & ~(COVER[p]! | COVER[q]!)) === 0) {
      const there = l2[q]!;
      if (isAllowed(p, there) && isAllowed(q, here) && checksHoldAfter(sums, cds, p, valueOf(there) - vHere, digitOf(there), q, vHere - valueOf(there), digitOf(here))) {
        keep(l2.slice(0, p) + there + here + l2.slice(q + 1), p, q);
      }
    }
  }
  return out;
}

/** What the printed page says about the values line 2 encodes; null = not printed or not readable. */
export type PrintedFacts = { series: string | null; number: string | null; birth: string | null; sex: 'M' | 'F' | null; issue: string | null; dept: string | null };

/** The fields of a sound line 2 that the printed page also carries, in the page's terms. */
export function factsOfLine2(l2: string): Omit<PrintedFacts, 'sex'> & { sex: string } {
  return { series: l2.slice(0, 3) + l2[28]!, number: l2.slice(3, 9), birth: l2.slice(13, 19), sex: l2[20]!, issue: l2.slice(29, 35), dept: l2.slice(35, 41) };
}

/** Does `l2` (sound) contradict any printed field that was read? */
export function contradictsPrinted(l2: string, printed: PrintedFacts): boolean {
  return (printed.number !== null && l2.slice(3, 9) !== printed.number) ||
    (printed.series !== null && (l2.slice(0, 3) !== printed.series.slice(0, 3) || l2[28] !== printed.series[3])) ||
    (printed.birth !== null && l2.slice(13, 19) !== printed.birth) ||
    (printed.sex !== null && l2[20] !== printed.sex) ||
    (printed.issue !== null && l2.slice(29, 35) !== printed.issue) ||
    (printed.dept !== null && l2.slice(35, 41) !== printed.dept);
}
