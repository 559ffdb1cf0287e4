// Resolve hook of the parity run (hook.mjs): every import of the engine's open.ts gets the shim, except the shim's own.
const SHIM = new URL('./open-on-pg.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  if (found.url.endsWith('/main/engine/db/open.ts') && context.parentURL !== SHIM) return { ...found, url: SHIM, shortCircuit: true };
  return found;
}
