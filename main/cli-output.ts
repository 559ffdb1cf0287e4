// What the CLI prints for a clerk or a scheduler's log: the progress line while a batch runs and the summary at the
// end. Names and reasons come from files and the network: [Note: control characters never reach a terminal, a log
// or a notification raw] — every value passes through printable().
import type { Engine } from './engine/app.ts';
import type { QueueState } from '../shared/api/queue.ts';
import { printable } from '../shared/printable.ts';
import { CASE_STATE_LABELS, labelOf } from '../shared/labels.ts';
import { perConnection } from './engine/db/per-connection.ts';

export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 3;

export type Summary = {
  cases: Record<string, number>;
  documents: Record<string, number>;
  /** Accepted add_document requests, and the documents they bill ([Note: what a submission costs]). */
  billable: number;
  billedDocuments: number;
  failed: { caseId: number; label: string; state: string; reason: string | null }[];
  /** Originals still in place after a failed move to Обработано/ or Ошибки/ (the reason is on the document). */
  moveFailures?: number;
  exitCode: number;
};

const summaryRepo = perConnection((db) => ({
  casesByState: db.prepare<[], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM cases GROUP BY state'),
  documentsByStatus: db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM documents GROUP BY status'),
  billed: db.prepare<[], { n: number; docs: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(billable), 0) AS docs FROM api_requests WHERE billable > 0'),
  unfinished: db.prepare<[], Summary['failed'][number]>(
    `SELECT id AS caseId, label, state, last_error AS reason FROM cases WHERE state NOT IN ('done','cancelled') ORDER BY id LIMIT 200`,
  ),
}));

export function summarise(engine: Engine): Summary {
  const q = summaryRepo(engine.ctx.db);
  const cases = Object.fromEntries(q.casesByState.all().map((r) => [r.state, r.n]));
  const documents = Object.fromEntries(q.documentsByStatus.all().map((r) => [r.status, r.n]));
  const bill = q.billed.get() ?? { n: 0, docs: 0 };
  const failed = q.unfinished.all();
  const bad = (documents.failed ?? 0) + (documents.rejected ?? 0) + (documents.uncertain ?? 0) + (documents.queued ?? 0) + (documents.processing ?? 0) + (documents.sending ?? 0);
  const moveFailures = engine.intake.moveFailures();
  const ok = failed.length === 0 && bad === 0 && moveFailures === 0;
  return { cases, documents, billable: bill.n, billedDocuments: bill.docs, failed, moveFailures, exitCode: ok ? EXIT_OK : EXIT_SOME_FAILED };
}

/** The summary a clerk reads: counts, then each unfinished case with its state in words (the --json line keeps the codes). */
export function formatSummary(s: Pick<Summary, 'documents' | 'billable' | 'billedDocuments' | 'failed' | 'moveFailures'>): string {
  const d = s.documents;
  let text =
    `\nИтог / summary: документов ${Object.values(d).reduce((a, b) => a + b, 0)}: распознано ${d.recognised ?? 0}, ошибки ${d.failed ?? 0}, ` +
    `отклонено ${d.rejected ?? 0}, дубликаты ${d.duplicate ?? 0}, неизвестно ${d.uncertain ?? 0}; платных запросов ${s.billable}, оплачено документов ${s.billedDocuments}` +
    (s.moveFailures ? `; оригиналов не перемещено ${s.moveFailures} (причина — в документе)\n` : '\n');
  for (const f of s.failed.slice(0, 20)) {
    text += `  дело ${f.caseId} «${printable(f.label)}»: ${labelOf(CASE_STATE_LABELS, f.state, 'ru')}${f.reason ? ` — ${printable(f.reason)}` : ''}\n`;
  }
  return text;
}

export function printSummary(s: Summary, json: boolean): void {
  process.stderr.write(formatSummary(s));
  if (json) process.stdout.write(`${JSON.stringify(s)}\n`);
}

/** One progress line: counts, docs/min, ETA and, while blocked, why and when the queue tries again. */
export function progressLine(q: QueueState): string {
  const c = q.counts;
  const eta = q.etaMs === null ? '—' : `${Math.ceil(q.etaMs / 1000)} с`;
  const next = q.nextTryAt !== null ? `, следующая попытка в ${new Date(q.nextTryAt).toLocaleTimeString('ru-RU')}` : '';
  const paused = q.pausedReason ? ` [пауза: ${printable(q.pausedMessage ?? q.pausedReason)}${next}]` : '';
  return `в очереди ${c.queued}, отправка ${c.sending}, обработка ${c.processing}, готово ${c.recognised}, ошибки ${c.failed} | ${q.docsPerMinute} док/мин, осталось ${eta}${paused}`;
}

export function startProgress(engine: Engine, tty: boolean): () => void {
  let last: QueueState | null = null;
  let printed = '';
  const unsub = engine.ctx.events.subscribe((name, payload) => {
    if (name === 'queue:progress') last = payload as QueueState;
  });
  const line = () => {
    if (!last) return;
    const text = progressLine(last);
    // A log file (not a TTY) gets a line only when something changed, so a long idle watch does not flood it.
    if (!tty && text === printed) return;
    printed = text;
    process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
  };
  const timer = setInterval(line, tty ? 500 : 2000);
  return () => {
    clearInterval(timer);
    unsub();
    line();
    if (tty) process.stderr.write('\n');
  };
}

