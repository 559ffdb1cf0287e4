// What a clerk may do with a document, one rule for the engine (which enforces it) and the UI (which explains it).
//
// [Note: only recognised data is verified]
// «Проверен» means a person looked at recognised data and vouched for it, and "only verified" exports rely on that.
// A document without recognised data (rejected before sending, failed, ignored, a duplicate, uncertain, still in
// the queue) has nothing to vouch for: the engine refuses to verify or reject it, the F9 flow never reaches it, and
// "only verified" exports take recognised + verified documents only. Confirming recognised data that still has
// error-level findings or biometry below the thresholds needs a second, explicit decision, audited with the reasons.
import type { DocStatus, Finding } from './types.ts';

/** Only these documents carry recognised data a clerk can verify, correct or reject. */
export function isReviewable(status: DocStatus): boolean {
  return status === 'recognised';
}

/** Why a document cannot be reviewed, for the clerk (Russian) and the log (English). */
export function notReviewableReason(status: DocStatus): { ru: string; en: string } {
  switch (status) {
    case 'duplicate': return { ru: 'Это дубликат: проверяется исходный документ, а не копия', en: 'This is a duplicate: review the earlier document instead' };
    case 'rejected': return { ru: 'Файл отклонён до отправки: распознанных данных нет, проверять нечего', en: 'The file was rejected before sending: there is no recognised data to verify' };
    case 'failed': return { ru: 'Распознавание не удалось: данных нет, проверять нечего (можно повторить отправку)', en: 'Recognition failed: there is no data to verify (the case can be retried)' };
    case 'ignored': return { ru: 'Файл пропущен (служебный или временный): проверять нечего', en: 'The file is ignored (temporary or system file): nothing to verify' };
    case 'uncertain': return { ru: 'Неясно, отправлен ли документ: сначала решите судьбу дела', en: 'It is unclear whether the document was sent: resolve the case first' };
    case 'cancelled': return { ru: 'Обработка отменена: распознанных данных нет', en: 'Processing was cancelled: there is no recognised data' };
    case 'seen': case 'waiting': case 'queued': case 'sending': case 'processing':
      return { ru: 'Документ ещё не распознан: дождитесь результата', en: 'The document is not recognised yet: wait for the result' };
    case 'recognised': return { ru: '', en: '' };
  }
}

export type ConfirmBlockerInput = {
  findings: readonly Pick<Finding, 'severity' | 'messageRu' | 'messageEn' | 'code'>[];
  matchScore: number | null;
  livenessScore: number | null;
  matchThreshold: number;
  livenessThreshold: number;
};

/** Reasons a confirmation must be asked twice: error-level findings and biometry below the thresholds. */
export function confirmBlockers(x: ConfirmBlockerInput): { ru: string; en: string }[] {
  const errors = x.findings.filter((f) => f.severity === 'error');
  const out = errors.map((f) => ({ ru: f.messageRu, en: f.messageEn }));
  // Whole percent, rounded towards the verdict: 0.9499 against 0.95 must not read "95% below 95%".
  const pct = (v: number, down: boolean) => `${down ? Math.floor(v * 100 + 1e-9) : Math.ceil(v * 100 - 1e-9)}%`;
  const said = (code: string) => errors.some((f) => f.code === code); // validation's own finding says it already
  if (x.matchScore !== null && x.matchScore < x.matchThreshold && !said('biometry.match')) {
    out.push({ ru: `Сходство лиц ${pct(x.matchScore, true)} ниже порога ${pct(x.matchThreshold, false)}`, en: `Face match ${pct(x.matchScore, true)} is below the threshold ${pct(x.matchThreshold, false)}` });
  }
  if (x.livenessScore !== null && x.livenessScore < x.livenessThreshold && !said('biometry.liveness')) {
    out.push({ ru: `Живость ${pct(x.livenessScore, true)} ниже порога ${pct(x.livenessThreshold, false)}`, en: `Liveness ${pct(x.livenessScore, true)} is below the threshold ${pct(x.livenessThreshold, false)}` });
  }
  return out;
}
