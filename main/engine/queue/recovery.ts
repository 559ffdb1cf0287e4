// Crash recovery on start ([Note: intent before the POST]): a case left 'sending' without a document_id may or may
// not have reached Beorg, so it becomes 'uncertain' and the clerk decides; one left 'sending' WITH an id was
// accepted and is polled; every case being processed is polled again now.
import type { EngineContext } from '../context.ts';
import { UNCERTAIN_REASON, type QueueRepo } from './repo.ts';

/** Returns how many cases became uncertain (and tells the clerk when there are any). */
export function recoverInterrupted(ctx: EngineContext, repo: QueueRepo): number {
  const t = ctx.clock.now();
  const recovered = ctx.db.transaction(() => {
    const r = repo.recover.run({ reason: UNCERTAIN_REASON, now: t });
    repo.recoverDocs.run({ reason: UNCERTAIN_REASON, now: t });
    repo.recoverSending.run({ now: t });
    repo.recoverSendingDocs.run();
    repo.resumePolls.run({ now: t });
    return r.changes;
  })();
  if (recovered > 0) {
    ctx.log.warn('queue: cases marked uncertain after an interrupted send', { count: recovered });
    ctx.events.emit('notify', {
      level: 'warning',
      messageRu: `Дел с неизвестным статусом отправки: ${recovered}. ${UNCERTAIN_REASON}`,
      messageEn: `${recovered} case(s) may have been sent before a crash: check the Beorg cabinet`,
    });
  }
  return recovered;
}
