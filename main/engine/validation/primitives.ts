// Check-digit and MRZ primitives (ru-doc-rules.md §1, §4). Shared by the validators and by the sample-scan
// generator (which must draw documents whose numbers are valid). Digit strings in, never integers.

const INN10_W = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN11_W = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_W = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function weighted(digits: string, weights: number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += (digits.charCodeAt(i) - 48) * weights[i]!;
  return (s % 11) % 10; // remainder 10 → check digit 0
}

/** Check digits for the first 9 (INN10) or 10 (INN12) digits. */
export function innCheckDigits(body: string): string {
  if (/^\d{9}$/.test(body)) return String(weighted(body, INN10_W));
  if (/^\d{10}$/.test(body)) {
    const c11 = weighted(body, INN11_W);
    const c12 = weighted(body + c11, INN12_W);
    return `${c11}${c12}`;
  }
  throw new Error('INN body must be 9 or 10 digits');
}

export function isValidInn(v: string): boolean {
  if (/^\d{10}$/.test(v)) return innCheckDigits(v.slice(0, 9)) === v.slice(9);
  if (/^\d{12}$/.test(v)) return innCheckDigits(v.slice(0, 10)) === v.slice(10);
  return false;
}

const MRZ_WEIGHTS = [7, 3, 1];

/** Σ value·weight over s[from, to), the 7-3-1 weights starting at cycle position `k`. */
function mrzWeightedSum(s: string, from: number, to: number, k: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * MRZ_WEIGHTS[(k + i - from) % 3]!;
  }
  return sum;
}

/** ICAO 9303 7-3-1 check digit: 0-9 → 0-9, A-Z → 10-35, '<' → 0. */
export function mrzCheckDigit(s: string): number {
  return mrzWeightedSum(s, 0, s.length, 0) % 10;
}

/** The check digit of several [from, to) ranges of one line read as one string (the composite digit), without
 * building that string: the parser checks every passport's line 2 in a full recompute. */
export function mrzCheckDigitOfRanges(line: string, ranges: readonly (readonly [number, number])[]): number {
  let sum = 0;
  let k = 0;
  for (const [from, to] of ranges) {
    sum += mrzWeightedSum(line, from, to, k);
    k += to - from;
  }
  return sum % 10;
}

/** Internal-passport MRZ transliteration (NOT the ICAO foreign-passport table): a bijection of 33 letters. */
export const MRZ_TRANSLIT: Readonly<Record<string, string>> = {
  А: 'A', Б: 'B', В: 'V', Г: 'G', Д: 'D', Е: 'E', Ё: '2', Ж: 'J', З: 'Z', И: 'I', Й: 'Q',
  К: 'K', Л: 'L', М: 'M', Н: 'N', О: 'O', П: 'P', Р: 'R', С: 'S', Т: 'T', У: 'U', Ф: 'F',
  Х: 'H', Ц: 'C', Ч: '3', Ш: '4', Щ: 'W', Ъ: 'X', Ы: 'Y', Ь: '9', Э: '6', Ю: '7', Я: '8',
};
export const MRZ_UNTRANSLIT: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(MRZ_TRANSLIT).map(([k, v]) => [v, k]));

/** Cyrillic name part → MRZ characters; hyphen and space become '<'. Unknown characters become '<'. */
export function transliterateToMrz(name: string): string {
  let out = '';
  // NFC only when combining marks are present (decomposed Ё/Й): normalize() is costly in bulk recomputes.
  const src = /[\u0300-\u036f]/.test(name) ? name.normalize('NFC') : name;
  for (const ch of src.toUpperCase()) out += MRZ_TRANSLIT[ch] ?? '<'; // hyphen, space and anything unknown → '<'
  return out;
}

/** The 39-character name field of line 1 (positions 6–44), with the truncation rules of §4.3. */
export function mrzNameField(surname: string, name: string, patronymic: string): string {
  const s = transliterateToMrz(surname);
  const n = transliterateToMrz(name);
  const p = transliterateToMrz(patronymic);
  const pad = (x: string) => (x + '<'.repeat(39)).slice(0, 39);
  if (s.length > 34) return s.slice(0, 34) + '<<' + n.slice(0, 1) + '<' + p.slice(0, 1);
  const sn = `${s}<<${n}`;
  if (sn.length <= 37) return pad(p ? `${sn}<${p}` : sn);
  // 38+: surname full, name cut at line position 42 (field index 36), then '<', then patronymic initial.
  return (sn.slice(0, 37) + '<' + (p.slice(0, 1) || '<')).slice(0, 39);
}

export type MrzPerson = {
  surname: string;
  name: string;
  patronymic: string;
  series: string; // 4 digits
  number: string; // 6 digits
  birthDate: string; // DD.MM.YYYY
  gender: 'М' | 'Ж';
  issueDate: string; // DD.MM.YYYY
  departmentCode: string; // NNN-NNN or NNNNNN
};

const yymmdd = (d: string) => `${d.slice(8, 10)}${d.slice(3, 5)}${d.slice(0, 2)}`;

/** Builds both MRZ lines of a Russian internal passport (§4.1, §4.4). */
export function buildPassportMrz(p: MrzPerson): [string, string] {
  const line1 = 'PNRUS' + mrzNameField(p.surname, p.name, p.patronymic);
  const doc = p.series.slice(0, 3) + p.number;
  const birth = yymmdd(p.birthDate);
  const optional = p.series.slice(3, 4) + yymmdd(p.issueDate) + p.departmentCode.replace('-', '') + '<';
  const docCd = mrzCheckDigit(doc);
  const birthCd = mrzCheckDigit(birth);
  const optCd = mrzCheckDigit(optional);
  const sex = p.gender === 'М' ? 'M' : 'F';
  const composite = mrzCheckDigit(`${doc}${docCd}${birth}${birthCd}<<<<<<<${optional}${optCd}`);
  const line2 = `${doc}${docCd}RUS${birth}${birthCd}${sex}<<<<<<<${optional}${optCd}${composite}`;
  return [line1, line2];
}

/** Remainder of a digit string modulo m, digit by digit (exact for any length, no BigInt needed). */
export function digitsMod(digits: string, m: number): number {
  let r = 0;
  for (let i = 0; i < digits.length; i++) r = (r * 10 + (digits.charCodeAt(i) - 48)) % m;
  return r;
}

/** OGRN (13 digits): check digit over the first 12 = int(d1..d12) mod 11 mod 10 (§2). */
export function ogrnCheckDigit(body12: string): string {
  return String(digitsMod(body12, 11) % 10);
}

/** OGRNIP (15 digits): LAST digit of int(d1..d14) mod 13 — remainders 10/11/12 give 0/1/2 (§2, not python-stdnum). */
export function ogrnipCheckDigit(body14: string): string {
  return String(digitsMod(body14, 13) % 10);
}

/** SNILS check number (2 digits) for the 9-digit body (§5). */
export function snilsCheckNumber(body9: string): string {
  let s = 0;
  for (let i = 0; i < 9; i++) s += (body9.charCodeAt(i) - 48) * (9 - i);
  const c = s < 100 ? s : s === 100 || s === 101 ? 0 : s % 101 === 100 ? 0 : s % 101;
  return String(c).padStart(2, '0');
}
