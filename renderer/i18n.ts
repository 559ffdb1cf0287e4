// UI strings: Russian first, English switchable (settings.language). The English dictionary is typed by
// the Russian one's keys, so a missing string fails the typecheck; test/unit/i18n-dictionaries.test.ts
// checks none is empty. No DOM here: the unit test runs under Node.
import { DOC_TYPE_LABELS, FIELD_LABELS } from '../shared/fields.ts';
import type { CaseState, DocStatus, DocType, Language, ReviewState } from '../shared/types.ts';
import type { QuickFilter } from '../shared/api.ts';
import { enReview } from './i18n/en-review.ts';
import { enScreens } from './i18n/en-screens.ts';
import { ruReview } from './i18n/ru-review.ts';
import { ruScreens } from './i18n/ru-screens.ts';

export const ru = { ...ruReview, ...ruScreens } as const;

export type MessageKey = keyof typeof ru;

export const en: Record<MessageKey, string> = { ...enReview, ...enScreens };

export const dictionaries: Record<Language, Record<MessageKey, string>> = { ru, en };

/** Translates a key, replacing `{name}` placeholders. */
export function translate(lang: Language, key: MessageKey, params?: Record<string, string | number>): string {
  const template = dictionaries[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function fieldLabel(lang: Language, name: string): string {
  const bare = name.startsWith('INN.') ? name.slice(4) : name;
  const label = FIELD_LABELS[bare]?.[lang] ?? bare;
  return name.startsWith('INN.') ? `${lang === 'ru' ? 'ИНН' : 'INN'}: ${label}` : label;
}

export function docTypeLabel(lang: Language, type: DocType): string {
  return DOC_TYPE_LABELS[type][lang];
}

export function statusLabel(lang: Language, status: DocStatus): string {
  return translate(lang, `status.${status}`);
}

export function reviewLabel(lang: Language, review: ReviewState): string {
  return translate(lang, `review.${review}`);
}

export function quickFilterLabel(lang: Language, q: QuickFilter): string {
  return translate(lang, `filter.${q}`);
}

export function caseStateLabel(lang: Language, state: CaseState): string {
  return translate(lang, `caseState.${state}`);
}

/** Audit action codes come from several engine modules; an unknown (newer) code is shown as is, not hidden. */
export function historyActionLabel(lang: Language, action: string): string {
  const key = `history.action.${action}`;
  return key in ru ? translate(lang, key as MessageKey) : action;
}

/** A column template's name in the UI language: built-ins are translated, the clerk's own keep their name. */
export function templateLabel(lang: Language, tpl: { id: string; name: string; builtIn?: boolean }): string {
  const key = `template.${tpl.id}`;
  return tpl.builtIn && key in ru ? translate(lang, key as MessageKey) : tpl.name;
}
