import type { z } from 'zod';

/** A request of the contract: a zod schema for its arguments and (phantom) result type. */
export type RequestDef<A extends z.ZodType = z.ZodType, R = unknown> = { args: A; __result?: R };

/** `req<Result>()(argsSchema)` — the result type is only a type; the args schema is checked at runtime. */
export function req<R>() {
  return <A extends z.ZodType>(args: A): RequestDef<A, R> => ({ args });
}

/** Envelope used by every transport: results, not exceptions, cross process boundaries. */
export type ApiError = { code: string; message: string; messageRu?: string };
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };
