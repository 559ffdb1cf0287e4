// STUB — replaced by the module's owner. Every handler refuses with a clear error until then.
import type { EngineContext, EngineModule, IntakeController } from '../context.ts';
import { UserError } from '../dispatch.ts';

export function createIntakeModule(ctx: EngineContext): EngineModule & { controller: IntakeController } {
  void ctx;
  const todo = (): never => {
    throw new UserError('not-implemented', 'Функция ещё не реализована (intake)');
  };
  return { controller: { scanNow: async () => {}, settled: async () => {} }, name: 'intake', handlers: {
    'folders:list': todo,
    'folders:add': todo,
    'folders:update': todo,
    'folders:remove': todo,
    'folders:rescan': todo,
    'intake:add-files': todo,
    'documents:open-location': todo,
  } };
}
