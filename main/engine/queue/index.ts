// STUB — replaced by the module's owner. Every handler refuses with a clear error until then.
import type { EngineContext, EngineModule, QueueController } from '../context.ts';
import { UserError } from '../dispatch.ts';

export function createQueueModule(ctx: EngineContext): EngineModule & { controller: QueueController } {
  void ctx;
  const todo = (): never => {
    throw new UserError('not-implemented', 'Функция ещё не реализована (queue)');
  };
  return { controller: { idle: async () => {} }, name: 'queue', handlers: {
    'queue:state': todo,
    'queue:pause': todo,
    'queue:resume': todo,
    'queue:set-limits': todo,
    'cases:cancel': todo,
    'cases:retry': todo,
    'cases:reprocess': todo,
    'cases:resolve-uncertain': todo,
  } };
}
