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
const DATE_TIME = {
  ru: new Intl.DateTimeFormat('ru-RU', { dateStyle: 'short', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'short' }),
};

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

/** yyyy-mm-dd from an <input type=date> → epoch ms at local midnight (end of day when `end`). */
export function dateInputToMs(value: string, end: boolean): number | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  return end ? d.getTime() + 86_400_000 - 1 : d.getTime();
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
