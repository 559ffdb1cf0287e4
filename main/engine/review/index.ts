// STUB — replaced by the module's owner. Every handler refuses with a clear error until then.
import type { EngineContext, EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';

export function createReviewModule(ctx: EngineContext): EngineModule {
  void ctx;
  const todo = (): never => {
    throw new UserError('not-implemented', 'Функция ещё не реализована (review)');
  };
  return { name: 'review', handlers: {
    'documents:list': todo,
    'documents:counts': todo,
    'documents:get': todo,
    'documents:set-field': todo,
    'documents:accept-field': todo,
    'documents:apply-fix': todo,
    'documents:undo-field': todo,
    'documents:undo-document': todo,
    'documents:confirm': todo,
    'documents:postpone': todo,
    'documents:reject': todo,
    'documents:next-attention': todo,
    'cases:list': todo,
    'stats:get': todo,
  } };
}
