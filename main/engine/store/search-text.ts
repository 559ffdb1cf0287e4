// [Note: codes found in either spelling]
// Free-text search over documents (documents.search_text): the clerk types a code the way the page prints it
// («770-001», «112-233-445 95», «12.05.1990») while the API may have sent it without separators, or the other way
// round. A value made of digits and separators is therefore also stored as its bare digits, and such a search word
// also looks for its bare digits, so either spelling finds the document.

/** Separators that split groups of digits in printed codes and dates (hyphen, typographic dashes, minus, space, dot, slash). */
const DIGIT_SEPARATORS = /[-\u2010-\u2015\u2212\s./]/g;
const DIGITS_AND_SEPARATORS = /^[\d\-\u2010-\u2015\u2212\s./]+$/;

/** The bare digits of a code or date written with separators; null when `text` is anything else. */
export function bareDigits(text: string): string | null {
  if (!DIGITS_AND_SEPARATORS.test(text) || !/\d/.test(text)) return null;
  const bare = text.replace(DIGIT_SEPARATORS, '');
  return bare === text ? null : bare;
}

/** The lower-cased search text of a document: file name, case label, values, and the bare digits of coded values. */
export function searchTextOf(parts: readonly string[]): string {
  const variants = parts.map(bareDigits).filter((v): v is string => v !== null);
  return [...parts, ...variants].join(' ').toLowerCase();
}
