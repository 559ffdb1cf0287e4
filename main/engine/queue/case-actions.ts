// What the clerk can do to the queue and to one case: pause / resume / limits, cancel a case not yet sent, retry a
// failed one (re-poll when it was already paid for), re-process a finished one (a new paid recognition, quoted
// first), and decide an uncertain one. Each change is one transaction; the queue is woken afterwards.
import type { QueueState } from '../../../shared/api/queue.ts';
import type { EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { billedDocuments, rub } from './cost.ts';
import type { QueueCore } from './core.ts';

type Loop = { wake(): void; pushProgress(): void };

export function createCaseActions(core: QueueCore, loop: Loop, state: () => QueueState): EngineModule['handlers'] {
  const { ctx, repo, gates } = core;
  const { db, clock } = ctx;
  const changed = (caseId: number) => ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));

  function requireCase(caseId: number) {
    const c = repo.getCase.get(caseId);
    if (!c) throw new UserError('not-found', 'Дело не найдено', 'Case not found');
    return c;
  }

  function requeue(caseId: number, t: number): void {
    repo.requeueCase.run({ id: caseId, now: t });
    repo.requeueDocs.run({ caseId, now: t });
  }

  return {
    'queue:state': () => state(),
    'queue:pause': () => {
      ctx.settings.setRaw('queue.paused', true);
      loop.pushProgress();
      return state();
    },
    'queue:resume': () => {
      ctx.settings.setRaw('queue.paused', false);
      gates.liftOnResume();
      loop.wake();
      return state();
    },
    'queue:set-limits': ({ concurrency, rps }) => {
      const patch: { concurrency?: number; rps?: number } = {};
      if (concurrency !== undefined) patch.concurrency = concurrency;
      if (rps !== undefined) patch.rps = rps;
      ctx.settings.set(patch);
      loop.wake();
      return state();
    },
    'cases:cancel': ({ caseId }) => {
      const c = requireCase(caseId);
      if (c.state !== 'queued' && c.state !== 'collecting')
        throw new UserError('invalid-state', 'Отменить можно только дело, которое ещё не отправлено', 'Only cases not yet sent can be cancelled');
      const t = clock.now();
      db.transaction(() => {
        repo.setCase.run({ id: caseId, state: 'cancelled', now: t });
        repo.cancelDocs.run({ caseId, now: t });
      })();
      changed(caseId);
      loop.pushProgress();
      ctx.signals.emit('case:finished', { caseId, state: 'cancelled' });
    },
    'cases:retry': ({ caseId }) => {
      const c = requireCase(caseId);
      if (c.state !== 'failed') throw new UserError('invalid-state', 'Повторить можно только дело с ошибкой', 'Only failed cases can be retried');
      const t = clock.now();
      db.transaction(() => {
        if (c.beorg_document_id) {
          // Already submitted (and paid): fetch the result again instead of re-sending.
          repo.repollCase.run({ id: caseId, now: t });
          repo.repollDocs.run({ caseId, now: t });
        } else requeue(caseId, t);
      })();
      changed(caseId);
      loop.wake();
    },
    'cases:reprocess': ({ caseId, confirm }) => {
      const c = requireCase(caseId);
      const documents = billedDocuments(repo.billableDocTypes.all(caseId).map((r) => r.doc_type));
      const costRub = rub(documents, ctx.settings.get().pricePerDocumentRub);
      if (!confirm) return { documents, costRub, submitted: false };
      if (!['done', 'failed', 'uncertain'].includes(c.state))
        throw new UserError('invalid-state', 'Повторно распознать можно только завершённое дело', 'Only finished cases can be re-processed');
      const t = clock.now();
      db.transaction(() => {
        repo.audit.run({ at: t, actor: ctx.actor, caseId, action: 'reprocess', details: JSON.stringify({ previousDocumentId: c.beorg_document_id, documents, costRub }) });
        requeue(caseId, t);
      })();
      changed(caseId);
      loop.wake();
      return { documents, costRub, submitted: true };
    },
    'cases:resolve-uncertain': ({ caseId, action }) => {
      const c = requireCase(caseId);
      if (c.state !== 'uncertain') throw new UserError('invalid-state', 'Дело не в состоянии «неизвестно»', 'Case is not uncertain');
      const t = clock.now();
      db.transaction(() => {
        repo.audit.run({ at: t, actor: ctx.actor, caseId, action: `resolve-uncertain:${action}`, details: null });
        if (action === 'resubmit') requeue(caseId, t);
        else {
          repo.failCase.run({ id: caseId, err: 'Отмечено оператором как неотправленное', kind: 'final', now: t });
          repo.docStatus.run({ caseId, status: 'failed', reason: 'Отмечено оператором: не распознано', code: 'queue.uncertain-failed', now: t, from: 'uncertain' });
        }
      })();
      changed(caseId);
      loop.wake();
      if (action === 'mark-failed') ctx.signals.emit('case:finished', { caseId, state: 'failed' });
    },
  };
}
