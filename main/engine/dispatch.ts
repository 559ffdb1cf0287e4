// Schema-validate a request and run its handler, returning an envelope. Both transports call this and
// nothing else, so neither adapter contains logic.
import { api, isChannel, type ArgsOf, type Channel, type Envelope, type Handlers, type ResultOf } from '../../shared/api.ts';
import { PgError } from './db/pg/sync-connection.ts';
import type { Logger } from './log.ts';

const DB_UNREACHABLE_RU = 'Нет связи с сервером базы данных: проверьте сеть или спросите администратора. Повторите действие, когда сервер ответит — ничего не потеряно';
const DB_UNREACHABLE_EN = 'The database server is out of reach: check the network or ask your administrator. Repeat the action when it answers — nothing is lost';

export class UserError extends Error {
  constructor(
    readonly code: string,
    readonly messageRu: string,
    message?: string,
  ) {
    super(message ?? messageRu);
  }
}

export async function dispatch(handlers: Handlers, channel: unknown, rawArgs: unknown, log?: Logger): Promise<Envelope<unknown>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'unknown-channel', message: 'Unknown request', messageRu: 'Неизвестный запрос' } };
  const parsed = api[channel].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid-args', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500), messageRu: 'Некорректные параметры запроса' },
    };
  }
  const handler = handlers[channel] as (a: unknown) => unknown;
  try {
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof UserError) return { ok: false, error: { code: err.code, message: err.message, messageRu: err.messageRu } };
    if (err instanceof PgError && err.connectionLost) {
      // Team mode: the server is out of reach (network, a restart). Said as such; the next request reconnects.
      log?.warn('database server unreachable', { channel, err: err.message });
      return { ok: false, error: { code: 'db-unreachable', message: DB_UNREACHABLE_EN, messageRu: DB_UNREACHABLE_RU } };
    }
    log?.error('handler failed', { channel, err });
    return { ok: false, error: { code: 'internal', message: 'Internal error', messageRu: 'Внутренняя ошибка: подробности в журнале' } };
  }
}

export function missingHandlers(handlers: Partial<Handlers>): Channel[] {
  return (Object.keys(api) as Channel[]).filter((c) => typeof handlers[c] !== 'function');
}

/** `request` over any `call` (an engine in this thread, a hosted one, the routed pair): the value, or an Error for a
 *  refused envelope. The handler for `channel` produced the value (dispatch checks the args, Handlers the result). */
export function requestVia(call: (channel: string, args: unknown) => Promise<Envelope<unknown>>) {
  return async <C extends Channel>(channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>> => {
    const res = await call(channel, args ?? {});
    if (!res.ok) throw new Error(`${channel}: ${res.error.code}: ${res.error.message}`);
    return res.value as ResultOf<C>;
  };
}
