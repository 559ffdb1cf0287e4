// Pure part of the IPC adapter (no 'electron' import, unit-testable): who may call, and routing to the engine.
// No logic beyond that: schema validation and the envelope live in main/engine/dispatch.ts.
import type { Envelope } from '../../shared/api.ts';

export const INVOKE_CHANNEL = 'scandesk:invoke';
export const EVENT_CHANNEL = 'scandesk:event';
export const PICK_FOLDER_CHANNEL = 'scandesk:pick-folder';
/** Origin the renderer is served from (custom privileged protocol, see main/shell/protocols.ts). */
export const APP_ORIGIN = 'app://scandesk';

export type SenderInfo = { url: string | null | undefined; isTopFrame: boolean };
export type EngineCaller = { call(channel: string, args: unknown): Promise<Envelope<unknown>> };

/** Only our own top-level page may call: not an iframe, not a page that somehow navigated elsewhere. */
export function isTrustedSenderUrl(sender: SenderInfo): boolean {
  if (!sender.isTopFrame || !sender.url) return false;
  try {
    const u = new URL(sender.url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

const refused: Envelope<unknown> = {
  ok: false,
  error: { code: 'forbidden', message: 'Request from an untrusted frame', messageRu: 'Запрос из недоверенного окна отклонён' },
};

export function createIpcRouter(engine: EngineCaller, isTrustedSender: (s: SenderInfo) => boolean = isTrustedSenderUrl) {
  return async (sender: SenderInfo, message: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(sender)) return refused;
    const m = (message ?? {}) as { channel?: unknown; args?: unknown };
    if (typeof m.channel !== 'string') return engine.call('', m.args); // dispatch answers unknown-channel
    return engine.call(m.channel, m.args ?? {});
  };
}
