// STUB — replaced by the module's owner. Every handler refuses with a clear error until then.
import type { EngineContext, EngineModule } from './context.ts';
import { UserError } from './dispatch.ts';

export function createAppModule(ctx: EngineContext): EngineModule {
  void ctx;
  const todo = (): never => {
    throw new UserError('not-implemented', 'Функция ещё не реализована (app)');
  };
  return { name: 'app', handlers: {
    'settings:get': todo,
    'settings:set': todo,
    'settings:credentials-status': todo,
    'settings:set-credentials': todo,
    'settings:clear-credentials': todo,
    'app:info': todo,
    'app:start-demo': todo,
    'app:first-run-done': todo,
    'privacy:delete-case': todo,
    'privacy:purge-now': todo,
  } };
}
