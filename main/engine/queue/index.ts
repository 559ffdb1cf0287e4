// Submission queue; the database is the queue:
// queued → [intent committed: 'sending'] → POST add_document → [document_id committed: 'processing'] → polls →
// [result committed in one transaction: 'done'] → signal 'case:finished'. The parts: gates.ts (why nothing may be
// sent now), scheduler.ts (the loop on the injected clock), submit.ts ([Note: intent before the POST]), poll.ts,
// meter.ts (state and cost), case-actions.ts (the clerk's actions), recovery.ts (after a crash), repo.ts (all SQL).
import type { EngineContext, EngineModule, QueueController } from '../context.ts';
import { NO_RESPONSE_MESSAGE } from '../beorg/client.ts';
import { createQueueCore, type QueueOptions } from './core.ts';
import { createSubmitter } from './submit.ts';
import { createPoller } from './poll.ts';
import { createMeter } from './meter.ts';
import { createScheduler, type QueueLife } from './scheduler.ts';
import { createCaseActions } from './case-actions.ts';
import { recoverInterrupted } from './recovery.ts';
import { OVERDUE_REASON, UNCERTAIN_REASON } from './repo.ts';

export { UNCERTAIN_REASON, OVERDUE_REASON, NO_RESPONSE_MESSAGE };
export type { QueueOptions };

export function createQueueModule(ctx: EngineContext, opts: QueueOptions = {}): EngineModule & { controller: QueueController } {
  const life: QueueLife = { running: false, stopping: false, stop: new AbortController() };
  const core = createQueueCore(ctx, opts, { stopSignal: () => life.stop.signal, stopping: () => life.stopping });
  const { submitCase } = createSubmitter(core);
  const { pollCase } = createPoller(core);
  let inFlight = () => 0;
  const meter = createMeter(core, () => inFlight());
  const loop = createScheduler(core, life, { submit: submitCase, poll: pollCase }, meter.state);
  inFlight = loop.inFlight;
  core.progress = loop.pushProgress;
  const unsubs: (() => void)[] = [];

  return {
    name: 'queue',
    controller: loop.controller,
    handlers: createCaseActions(core, loop, meter.state),
    start() {
      core.instance.start(); // registers first: recovery then sees only dead instances' sends as orphans
      recoverInterrupted(ctx, core.repo);
      life.stopping = false;
      life.stop = new AbortController();
      life.running = true;
      unsubs.push(ctx.signals.on('case:queued', () => loop.wake()));
      unsubs.push(
        ctx.settings.onChange((s) => {
          core.limit.concurrency = s.concurrency;
          core.budget.setLimits(s.rps, s.burst);
          loop.wake();
        }),
      );
      loop.wake();
    },
    async stop() {
      life.stopping = true;
      life.stop.abort(new DOMException('Queue stopping', 'AbortError'));
      // In-flight POSTs finish and are committed; polls and budget waits abort.
      await loop.drain();
      core.instance.stop();
      for (const u of unsubs.splice(0)) u();
      life.running = false;
    },
  };
}
