// What the clerk reads for the engine's state codes, in both languages: one source for the UI (renderer/i18n.ts
// spreads these into its dictionaries), the spreadsheet exports and the CLI summary. JSON exports keep the codes.
import type { CaseState, CaseVerdict, DocStatus, FindingSource, Language, ReviewState, Severity } from './types.ts';

export type Label = { ru: string; en: string };

export const DOC_STATUS_LABELS: Record<DocStatus, Label> = {
  seen: { ru: 'Обнаружен', en: 'Seen' },
  waiting: { ru: 'Файл ещё записывается', en: 'Still being written' },
  queued: { ru: 'В очереди', en: 'Queued' },
  sending: { ru: 'Отправка', en: 'Sending' },
  processing: { ru: 'Распознаётся', en: 'Recognising' },
  recognised: { ru: 'Распознан', en: 'Recognised' },
  failed: { ru: 'Сбой', en: 'Failed' },
  rejected: { ru: 'Отклонён', en: 'Rejected' },
  ignored: { ru: 'Пропущен', en: 'Ignored' },
  duplicate: { ru: 'Дубликат', en: 'Duplicate' },
  uncertain: { ru: 'Неясно, отправлен ли', en: 'May have been sent' },
  cancelled: { ru: 'Отменён', en: 'Cancelled' },
};

export const REVIEW_STATE_LABELS: Record<ReviewState, Label> = {
  pending: { ru: 'Не проверен', en: 'Not reviewed' },
  verified: { ru: 'Проверен', en: 'Verified' },
  postponed: { ru: 'Отложен', en: 'Postponed' },
  rejected: { ru: 'Отклонён', en: 'Rejected' },
};

export const VERDICT_LABELS: Record<CaseVerdict, Label> = {
  ok: { ru: 'В порядке', en: 'OK' },
  review: { ru: 'Нужна проверка', en: 'Needs review' },
  rejected: { ru: 'Отклонено', en: 'Rejected' },
};

export const CASE_STATE_LABELS: Record<CaseState, Label> = {
  collecting: { ru: 'Собираются файлы', en: 'Collecting files' },
  queued: { ru: 'В очереди', en: 'Queued' },
  sending: { ru: 'Отправка', en: 'Sending' },
  processing: { ru: 'Распознаётся', en: 'Recognising' },
  done: { ru: 'Готово', en: 'Done' },
  failed: { ru: 'Сбой', en: 'Failed' },
  rejected: { ru: 'Не принято', en: 'Not accepted' },
  uncertain: { ru: 'Неясно, отправлено ли', en: 'May have been sent' },
  cancelled: { ru: 'Отменено', en: 'Cancelled' },
};

export const SEVERITY_LABELS: Record<Severity, Label> = {
  error: { ru: 'Ошибка', en: 'Error' },
  warning: { ru: 'Предупреждение', en: 'Warning' },
  info: { ru: 'Замечание', en: 'Note' },
};

/** Who reported a finding: the recognition service (its API), or ScanDesk's own checks. */
export const FINDING_SOURCE_LABELS: Record<FindingSource, Label> = {
  api: { ru: 'API', en: 'API' },
  local: { ru: 'ScanDesk', en: 'ScanDesk' },
};

/**
 * A code's label; an unknown code (a newer engine's, or a damaged row) comes back as it is rather than as an empty
 * cell, so nothing is hidden.
 */
export function labelOf<K extends string>(labels: Record<K, Label>, code: string | null | undefined, lang: Language): string | null {
  if (code === null || code === undefined) return null;
  return Object.hasOwn(labels, code) ? labels[code as K][lang] : code;
}

/** Dictionary entries `<prefix>.<code>` for renderer/i18n.ts. */
export function labelEntries<P extends string, K extends string>(prefix: P, labels: Record<K, Label>, lang: Language): { [Q in `${P}.${K}`]: string } {
  const out: Record<string, string> = {};
  for (const code of Object.keys(labels) as K[]) out[`${prefix}.${code}`] = labels[code][lang];
  return out as { [Q in `${P}.${K}`]: string };
}
