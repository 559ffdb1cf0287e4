// Polls: a submitted case asks for its result with growing intervals until it is ready; past its deadline it is
// "overdue" and polled at the slowest interval. A poll is free and never re-submits anything: 425 means "not ready",
// transient failures back off. The result is committed in one transaction with the documents' fields.
import { parseResultBody, type ParsedResult } from '../beorg/parse.ts';
import type { BeorgOutcome } from '../beorg/client.ts';
import { createDocumentFieldsWriter } from '../store/document-fields.ts';
import type { Permit } from './rate-budget.ts';
import { backoff } from './gates.ts';
import type { QueueCore } from './core.ts';
import { OVERDUE_REASON, type CaseRow } from './repo.ts';

export function createPoller(core: QueueCore) {
  const { ctx, repo, budget, gates } = core;
  const { db, clock } = ctx;
  const settings = () => ctx.settings.get();
  const fieldsWriter = createDocumentFieldsWriter(db);

  function nextPollInterval(polls: number): number {
    const s = settings();
    return Math.min(s.pollMaxIntervalMs, Math.round(s.pollFirstDelayMs * 1.5 ** Math.max(0, polls)));
  }

  async function pollCase(caseId: number): Promise<void> {
    const signal = core.stopSignal();
    const c = repo.getCase.get(caseId);
    if (!c || c.state !== 'processing' || !c.beorg_document_id) return;
    const creds = gates.credentials();
    if (!creds) return;
    let permit: Permit;
    try {
      permit = await budget.take(signal);
    } catch {
      return;
    }
    if (core.stopping() || gates.pollBlock()) return permit.release();
    const t0 = permit.at; // api_requests.at = the start the budget counted
    let outcome: BeorgOutcome<{ raw: string }>;
    try {
      outcome = await core.client().getResult(creds.token, c.beorg_document_id, signal);
    } catch {
      return; // aborted by stop(): re-polling is free, the next run polls again
    } finally {
      permit.release(); // [Note: a request counts until its answer]
    }
    gates.applyGlobal(outcome, creds);
    settle(c, outcome, t0);
  }

  /** Commits what the poll's answer means for the case. */
  function settle(c: CaseRow, outcome: BeorgOutcome<{ raw: string }>, t0: number): void {
    const caseId = c.id;
    const t = clock.now();
    const overdue = c.overdue === 1 || (c.poll_deadline_at !== null && t >= c.poll_deadline_at);
    const later = (delay: number, err: string | null, kind: string | null, inc: number) =>
      db.transaction(() => {
        repo.pollLater.run({ id: caseId, inc, nextPoll: t + delay, overdue: overdue ? 1 : 0, err, kind, now: t });
        if (overdue && c.overdue === 0) repo.docOverdue.run({ caseId, reason: OVERDUE_REASON, now: t });
        core.recordRequest(caseId, 'poll', outcome, t0);
      })();
    switch (outcome.kind) {
      case 'ok':
        storeResult(caseId, outcome.value.raw, t0, outcome);
        return;
      case 'not-ready':
        later(overdue ? settings().pollMaxIntervalMs : nextPollInterval(c.polls), null, null, 1);
        if (overdue && c.overdue === 0) ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
        return;
      case 'rate-limited':
      case 'offline':
        return later(Math.max(0, (gates.blockedUntil() ?? t) - t), outcome.kind === 'offline' ? outcome.message : 'Пауза из-за ограничения частоты (429)', outcome.kind, 0);
      case 'auth':
        return later(settings().pollMaxIntervalMs, outcome.message, 'auth', 0);
      case 'transient':
      case 'no-response':
        // Never re-submit: keep polling with back-off (the document exists on Beorg's side).
        return later(Math.max(nextPollInterval(c.polls), backoff(Math.min(c.polls + 1, 6), 1000)), outcome.message, 'transient', 1);
      case 'not-found':
      case 'invalid':
        core.recordRequest(caseId, 'poll', outcome, t0);
        return core.failCase(caseId, outcome.message, 'final', ['processing']);
    }
  }

  function storeResult(caseId: number, raw: string, t0: number, outcome: BeorgOutcome<unknown>): void {
    const t = clock.now();
    const parsed = parseResultBody(raw);
    const threshold = settings().confidenceThreshold;
    const docs = repo.docsIn.all(caseId, 'processing');
    let state: 'done' | 'failed' = 'done';
    db.transaction(() => {
      core.recordRequest(caseId, 'poll', outcome, t0);
      if (!parsed.ok) {
        state = 'failed';
        const reason = `Не удалось разобрать ответ Beorg: ${parsed.error}`;
        repo.done.run({ id: caseId, state, raw, now: t, err: reason, kind: 'final' });
        repo.docStatus.run({ caseId, status: 'failed', reason, code: 'queue.bad-result', now: t, from: 'processing' });
        return;
      }
      repo.done.run({ id: caseId, state, raw, now: t, err: null, kind: null });
      applyResult(docs, parsed.result, threshold, t);
    })();
    core.finished(caseId, state);
  }

  function applyResult(docs: { id: number; api_key: string | null }[], result: ParsedResult, threshold: number, t: number): void {
    const byKey = new Map(result.documents.map((d) => [d.key.toLowerCase(), d]));
    for (const doc of docs) {
      const r = doc.api_key ? byKey.get(doc.api_key.toLowerCase()) : undefined;
      if (!r) {
        repo.docResult.run({
          id: doc.id, status: 'failed', reason: `В ответе Beorg нет документа с ключом ${doc.api_key ?? '—'}`, code: 'queue.missing-in-result',
          broken: null, br: '[]', brRu: '[]', ver: null, match: null, live: null, raw: null, now: t,
        });
        continue;
      }
      repo.docResult.run({
        id: doc.id, status: 'recognised', reason: null, code: null,
        broken: r.broken === null ? null : r.broken ? 1 : 0,
        br: JSON.stringify(r.brokenReasons), brRu: JSON.stringify(r.brokenReasonsRu),
        ver: r.verifications === null ? null : JSON.stringify(r.verifications),
        match: r.matchScore, live: r.livenessScore, raw: JSON.stringify(r), now: t,
      });
      fieldsWriter.replace(doc.id, r.fields, threshold, t);
    }
  }

  return { pollCase };
}
