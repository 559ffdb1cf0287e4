// STUB — replaced by the validation owner: subscribes to case:finished / document:edited and stores findings.
import type { EngineContext, EngineModule } from '../context.ts';

export function createValidationModule(ctx: EngineContext): EngineModule {
  void ctx;
  return { name: 'validation', handlers: {} };
}
