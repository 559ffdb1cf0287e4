// OCR-confusion fix candidates for check-digit fields. A candidate is offered only when it makes the check pass,
// and only as a suggestion (finding.fix_value) the clerk accepts with one key — never applied silently.

/** Letters OCR returns inside digit-only fields (Cyrillic and Latin look-alikes) → the digit meant. */
const LETTER_TO_DIGIT: Readonly<Record<string, string>> = {
  О: '0', O: '0', o: '0', о: '0', D: '0',
  З: '3', з: '3',
  В: '8', B: '8',
  I: '1', l: '1', '|': '1',
  S: '5', s: '5',
  Б: '6', б: '6',
  Ч: '4', ч: '4',
};

/** True for a letter OCR returns in place of a digit (О, З, B, I, S…): what it stands for is a guess. */
export const isDigitLookAlike = (ch: string): boolean => LETTER_TO_DIGIT[ch] !== undefined;

/** Digit pairs a scanner plausibly confuses (both directions). */
const DIGIT_PAIRS: readonly (readonly [string, string])[] = [['1', '7'], ['3', '8'], ['5', '6'], ['0', '8']];
const DIGIT_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = (() => {
  const m: Record<string, string[]> = {};
  for (const [a, b] of DIGIT_PAIRS) {
    (m[a] ??= []).push(b);
    (m[b] ??= []).push(a);
  }
  return m;
})();

/** At most this many candidates are worth showing; more means the value is too damaged to guess. */
export const MAX_FIX_CANDIDATES = 3;

export type OcrNormalised = {
  /** The value with typographic look-alikes replaced by their ASCII forms (same characters, same layout). */
  value: string;
  /** What was replaced, in the order first seen; empty when the value was plain ASCII already. */
  kinds: OcrLookAlike[];
};
export type OcrLookAlike = 'dash' | 'fullwidth' | 'space';

const LOOK_ALIKE_TEXT: Readonly<Record<OcrLookAlike, { ru: string; en: string }>> = {
  dash: { ru: 'типографские тире/минус вместо дефиса', en: 'typographic dashes/minus instead of a hyphen' },
  fullwidth: { ru: 'полноширинные цифры/буквы', en: 'full-width digits/letters' },
  space: { ru: 'неразрывные пробелы', en: 'non-breaking spaces' },
};

// [Note: OCR look-alike normalisation]
// OCR engines return typographic forms of ASCII characters: dashes U+2010–U+2015 and the minus U+2212 for a hyphen,
// full-width digits and letters (U+FF01–U+FF5E), no-break and narrow spaces. They are the same characters a clerk
// reads, so every check normalises them first (the value with them is the value without them) — but never silently:
// the stored value keeps what was recognised, and the finding names the normalisation and offers the ASCII form as
// a fix. Letters that merely look like digits (О, З, B…) are NOT normalised here: they are a different character,
// and whether a digit was meant is a guess that only a check digit can settle (see the identifier fixes).
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const FULLWIDTH = /[\uFF01-\uFF5E]/g;
const SPACES = /[\u00A0\u2007\u2009\u202F]/g;
const NON_ASCII_LOOK_ALIKE = /[\u00A0\u2007\u2009\u2010-\u2015\u202F\u2212\uFE58\uFE63\uFF01-\uFF5E]/;

/** Replaces typographic look-alikes by ASCII; see [Note: OCR look-alike normalisation]. */
export function normaliseOcr(raw: string): OcrNormalised {
  if (!NON_ASCII_LOOK_ALIKE.test(raw)) return { value: raw, kinds: [] };
  const kinds: OcrLookAlike[] = [];
  const seen = (k: OcrLookAlike) => {
    if (!kinds.includes(k)) kinds.push(k);
  };
  const value = raw
    .replace(DASHES, () => (seen('dash'), '-'))
    .replace(FULLWIDTH, (c) => (seen('fullwidth'), String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(SPACES, () => (seen('space'), ' '));
  return { value, kinds };
}

/** «полноширинные цифры/буквы, …» for a finding's message. */
export function describeLookAlikes(kinds: readonly OcrLookAlike[]): { ru: string; en: string } {
  return { ru: kinds.map((k) => LOOK_ALIKE_TEXT[k].ru).join(', '), en: kinds.map((k) => LOOK_ALIKE_TEXT[k].en).join(', ') };
}

/** Strips what OCR adds around identifiers: spaces, hyphens (any dash), '№'; full-width digits become ASCII. */
export const stripSeparators = (raw: string): string => normaliseOcr(raw).value.replace(/[\s\-№]/g, '');

/** Maps look-alike letters to digits; null when something else that is not a digit remains. */
export function mapLookAlikes(value: string): string | null {
  let out = '';
  for (const ch of value) {
    if (ch >= '0' && ch <= '9') out += ch;
    else {
      const d = LETTER_TO_DIGIT[ch];
      if (d === undefined) return null;
      out += d;
    }
  }
  return out;
}

/** Every single-digit OCR-plausible substitution of `digits` that `isValid` accepts (deduplicated, in order). */
export function singleSubstitutionCandidates(digits: string, isValid: (v: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    for (const alt of DIGIT_ALTERNATIVES[digits[i]!] ?? []) {
      const cand = digits.slice(0, i) + alt + digits.slice(i + 1);
      if (isValid(cand) && !out.includes(cand)) out.push(cand);
    }
  }
  return out;
}

/** Positions where two equal-length strings differ (1-based), for explaining a candidate. */
export function describeChange(from: string, to: string): { ru: string; en: string } {
  for (let i = 0; i < Math.min(from.length, to.length); i++) {
    if (from[i] !== to[i]) return { ru: `позиция ${i + 1}: «${from[i]}» → «${to[i]}»`, en: `position ${i + 1}: '${from[i]}' → '${to[i]}'` };
  }
  return { ru: 'исправлены похожие символы', en: 'look-alike characters replaced' };
}

// [Note: a one-key fix must be provably right]
// A clerk accepts a suggested fix with one key (F4), and the audit trail then records it as a rule's fix, so a
// wrong suggestion overwrites a correct value with a blessed wrong one. A fix is therefore offered only when it
// is the ONLY value, within a stated error model, that passes every check: for an all-digit identifier the model
// is "one keystroke wrong" (any digit replaced by any other, or two adjacent digits swapped); for a value with
// unreadable characters it is "those characters are digits, the rest is right". If the true value is one such
// edit away, it is among the candidates, so a single candidate IS the true value. Several candidates, or none,
// mean no fix: the finding says why («несколько вариантов»). OCR-plausible confusions (1/7, 3/8…) only rank
// hints in the message; they never make a guess into a fix. Fields no check digit protects get no fix at all.

/** Every value one keystroke away from `digits` (one digit replaced, or two adjacent digits swapped) that `isValid` accepts. */
export function oneEditCandidates(digits: string, isValid: (v: string) => boolean): string[] {
  const out = new Set<string>();
  for (let i = 0; i < digits.length; i++) {
    const head = digits.slice(0, i);
    const tail = digits.slice(i + 1);
    for (let d = 0; d <= 9; d++) {
      const c = String(d);
      if (c === digits[i]) continue;
      const cand = head + c + tail;
      if (isValid(cand)) out.add(cand);
    }
    if (i + 1 < digits.length && digits[i] !== digits[i + 1]) {
      const cand = head + digits[i + 1]! + digits[i]! + digits.slice(i + 2);
      if (isValid(cand)) out.add(cand);
    }
  }
  return [...out];
}

/** Every reading of the non-digit characters of `value` as digits that `isValid` accepts; null when more than
 * `maxUnknown` characters are not digits (too many unknowns for a check digit to settle). */
export function digitReadings(value: string, isValid: (v: string) => boolean, maxUnknown = 2): string[] | null {
  const unknown: number[] = [];
  for (let i = 0; i < value.length; i++) if (!(value[i]! >= '0' && value[i]! <= '9')) unknown.push(i);
  if (unknown.length > maxUnknown) return null;
  const out: string[] = [];
  const chars = value.split('');
  const fill = (k: number): void => {
    if (k === unknown.length) {
      const cand = chars.join('');
      if (isValid(cand)) out.push(cand);
      return;
    }
    for (let d = 0; d <= 9; d++) {
      chars[unknown[k]!] = String(d);
      fill(k + 1);
    }
  };
  fill(0);
  return out;
}
