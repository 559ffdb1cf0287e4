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

/** Strips what OCR adds around identifiers: spaces, hyphens, '№'. */
export const stripSeparators = (raw: string): string => raw.replace(/[\s\-№]/g, '');

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
