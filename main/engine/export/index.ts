// STUB — replaced by the module's owner. Every handler refuses with a clear error until then.
import type { EngineContext, EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';

export function createExportModule(ctx: EngineContext): EngineModule {
  void ctx;
  const todo = (): never => {
    throw new UserError('not-implemented', 'Функция ещё не реализована (export)');
  };
  return { name: 'export', handlers: {
    'export:run': todo,
    'export:templates': todo,
    'export:save-template': todo,
    'export:delete-template': todo,
    'export:log': todo,
    'export:open-folder': todo,
  } };
}
