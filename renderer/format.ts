// Display helpers shared by the grid, the detail panel and column mode. Pure (no DOM).
import type { CellValue } from '../shared/api.ts';
import type { DocType, Language } from '../shared/types.ts';
import { displayFieldValue } from '../shared/field-display.ts';
import { translate } from './i18n.ts';

/** Series/Number shown masked until a row is opened (settings.maskPassportNumbers): keep the last 2 characters. */
export const MASKED_FIELDS = new Set(['Series', 'Number', 'MRZ2']);
export function maskValue(value: string): string {
  if (value.length <= 2) return '••';
  return '•'.repeat(value.length - 2) + value.slice(-2);
}

export type CellTone = 'error' | 'warning' | 'low' | null;
/** Errors win over warnings, warnings over low confidence: the clerk sees the worst thing first. */
export function cellTone(cell: CellValue | undefined, threshold: number): CellTone {
  if (!cell) return null;
  if (cell.s !== 'pending') return null;
  if (cell.f === 'error') return 'error';
  if (cell.f === 'warning') return 'warning';
  if ((cell.v ?? '') === '' && cell.c === 0) return null; // absent field, not an uncertain one (review-logic.ts)
  if (cell.c !== null && cell.c < threshold) return 'low';
  return null;
}

/**
 * A grid cell's hover text: confidence, then each finding as "Ошибка (API): <message>", one per line, in
 * the UI language — the clerk sees why a cell is red without opening the document.
 */
export function cellHoverText(cell: CellValue | undefined, lang: Language): string | undefined {
  if (!cell) return undefined;
  const lines: string[] = [];
  if (cell.c !== null) lines.push(translate(lang, 'grid.confidence', { n: Math.floor(cell.c * 100) }));
  for (const f of cell.m ?? []) {
    lines.push(`${translate(lang, `grid.severity.${f.sev}`)} (${translate(lang, `detail.source.${f.src}`)}): ${lang === 'en' ? f.en : f.ru}`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

export function percent(c: number | null): string {
  return c === null ? '—' : `${Math.floor(c * 100)}%`;
}

export function formatScore(s: number | null): string {
  return s === null ? '—' : s.toFixed(2);
}

// One formatter per language: toLocaleString with options builds a new Intl formatter on every call, and the grids
// format a date in every scrolled-in row.
// Dates read «дд.мм.гггг, чч:мм» in both languages: the clerk's documents, Excel and 1C all write them so.
const RU_DATE_TIME = new Intl.DateTimeFormat('ru-RU', { dateStyle: 'short', timeStyle: 'short' });
const DATE_TIME = { ru: RU_DATE_TIME, en: RU_DATE_TIME };

export function formatDateTime(ms: number, lang: Language): string {
  return DATE_TIME[lang].format(new Date(ms));
}

export function formatDuration(ms: number, lang: Language): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const u = lang === 'ru' ? { h: 'ч', m: 'мин', s: 'с' } : { h: 'h', m: 'min', s: 's' };
  if (h > 0) return `${h} ${u.h} ${m} ${u.m}`;
  if (m > 0) return `${m} ${u.m}`;
  return `${sec} ${u.s}`;
}

export function formatRub(n: number, lang: Language): string {
  return n.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 2 });
}

/** Epoch ms → «дд.мм.гггг» (local): the one date form the clerk sees and types, whatever the browser's locale. */
export function formatRuDate(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
}

/**
 * What the clerk typed in a date field → epoch ms at local midnight (end of the day when `end`), `null` when it is
 * not a real date, `undefined` when empty. Accepts «дд.мм.гггг», «д.м.гггг», «дд.мм.гг» (20xx), «ддммгггг» and the
 * separators «/», «-», « ».
 */
export function parseRuDate(text: string, end: boolean): number | null | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  const m = /^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{2}|\d{4})$/.exec(s) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(s);
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const d = new Date(year, month - 1, day);
  if (year < 1900 || year > 2100 || d.getFullYear() !== year || d.getMonth() !== month - 1 || d.getDate() !== day) return null;
  return end ? d.getTime() + 86_400_000 - 1 : d.getTime();
}

function dotted(digits: string): string {
  const d = digits.slice(0, 8);
  if (d.length <= 2) return d;
  if (d.length <= 4) return `${d.slice(0, 2)}.${d.slice(2)}`;
  return `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4)}`;
}

/**
 * Typing help for a date field: digits get their dots as they are typed («01022026» → «01.02.2026»). Text the clerk
 * dotted differently («1.2.2026») is left as typed; parseRuDate reads both.
 */
export function maskRuDate(text: string): string {
  const digits = text.replace(/\./g, '');
  if (!/^\d*$/.test(digits)) return text.slice(0, 10);
  if (text === digits || text === dotted(digits) || text.slice(0, -1) === dotted(digits.slice(0, -1))) return dotted(digits);
  return text.slice(0, 10);
}

/**
 * A ratio setting typed by a clerk → 0..1, or null when it is not one. The grid shows confidence in per cent and the
 * settings keep a ratio, so «0,85», «0.85», «85» and «85 %» all mean 0.85.
 */
export function parseRatio(text: string): number | null {
  const s = text.trim().replace(/\s*%$/, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  if (n <= 1) return n;
  if (n <= 100) return Math.round(n * 100) / 10_000;
  return null;
}

/**
 * A field value as a grid shows it: one written form whatever the document type sent ([Note: display forms of field
 * values]: Пол М/Ж, Да/Нет, a passport's department code NNN-NNN), masked when the setting says so. `name` may carry
 * the case grid's 'INN.' prefix (the case's INN certificate).
 */
export function shownFieldValue(name: string, value: string, type: DocType, lang: Language, mask: boolean): string {
  const inn = name.startsWith('INN.');
  const bare = inn ? name.slice(4) : name;
  const shown = displayFieldValue(bare, value, inn ? 'INN' : type, lang);
  return mask && MASKED_FIELDS.has(bare) && shown ? maskValue(shown) : shown;
}
