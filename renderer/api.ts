// THE one module that talks to main. It picks the transport:
// - Electron: the preload's `window.scandesk` (contextBridge over IPC);
// - browser mode: HTTP POST /api/call + WebSocket /api/events with the per-run token from `?t=`.
// Everything else in the renderer calls `call`, `onEvent` and `imageUrl` and never knows which.
import type { ArgsOf, Channel, Envelope, EventName, Events, ResultOf } from '../shared/api.ts';
import { BRIDGE_GLOBAL, type BridgeListener, type ScanDeskBridge } from '../shared/bridge.ts';

const TOKEN_KEY = 'scandesk.token';
/** Error code of a browser-mode request refused for a missing or wrong access token. */
export const NO_TOKEN = 'no-token';

/** A failed request: code from the envelope plus the clerk-facing messages. `message` is Russian. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    readonly messageRu: string,
    readonly messageEn: string,
    readonly channel: string,
  ) {
    super(messageRu);
    this.name = 'ApiCallError';
  }
  /** The message in the UI language. */
  text(lang: 'ru' | 'en'): string {
    return lang === 'en' ? this.messageEn : this.messageRu;
  }
}

/** Token: first from `?t=` (then removed from the address bar so it does not end up in history), then sessionStorage. */
function readToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('t');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      /* storage disabled: keep the token in memory only */
    }
    url.searchParams.delete('t');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function createWebBridge(): ScanDeskBridge {
  const token = readToken();
  const listeners = new Set<BridgeListener>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = () => {
    const wsUrl = new URL('api/events', window.location.href);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.search = `?t=${encodeURIComponent(token)}`;
    const ws = new WebSocket(wsUrl.toString());
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
    };
    ws.onmessage = (msg) => {
      let parsed: { name?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(String(msg.data)) as { name?: unknown; payload?: unknown };
      } catch {
        return;
      }
      if (typeof parsed.name !== 'string') return;
      for (const l of listeners) l(parsed.name as EventName, parsed.payload as never);
    };
    ws.onclose = () => {
      socket = null;
      // Reconnect with back-off: the server may restart; the UI keeps working and re-queries.
      if (listeners.size > 0) window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  return {
    transport: 'web',
    async invoke(channel, args) {
      const res = await fetch(new URL('api/call', window.location.href), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-ScanDesk-Token': token },
        body: JSON.stringify({ channel, args }),
      });
      // No (or a wrong) token: the page was opened without the `?t=` of the printed address. boot.tsx explains.
      if (res.status === 401) return { ok: false, error: { code: NO_TOKEN, message: 'Open ScanDesk with the full address printed by scandesk web', messageRu: 'Откройте ScanDesk по полному адресу, который напечатала команда scandesk web' } };
      const text = await res.text();
      try {
        return JSON.parse(text) as Envelope<unknown>;
      } catch {
        return { ok: false, error: { code: `http-${res.status}`, message: `Server answered ${res.status}`, messageRu: `Сервер ответил ${res.status}` } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && socket) socket.close();
      };
    },
    imageUrl(documentId, page = 1) {
      return `api/image/${documentId}?page=${page}&t=${encodeURIComponent(token)}`;
    },
  };
}

let bridge: ScanDeskBridge | null = null;
function getBridge(): ScanDeskBridge {
  if (bridge) return bridge;
  const fromPreload = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as ScanDeskBridge | undefined;
  bridge = fromPreload ?? createWebBridge();
  return bridge;
}

/** Calls one contract request; resolves with its typed result or throws ApiCallError (Russian message). */
export async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  let envelope: Envelope<unknown>;
  try {
    envelope = await getBridge().invoke(channel, args);
  } catch {
    throw new ApiCallError('transport', 'Нет связи с ScanDesk: приложение закрыто или перезапускается', 'No connection to ScanDesk: the app is closed or restarting', channel);
  }
  if (envelope.ok) return envelope.value as ResultOf<C>;
  const e = envelope.error;
  throw new ApiCallError(e.code, e.messageRu ?? e.message, e.message, channel);
}

/** Subscribes to one push event; returns the unsubscribe function. */
export function onEvent<E extends EventName>(name: E, cb: (payload: Events[E]) => void): () => void {
  return getBridge().subscribe((n, payload) => {
    if ((n as string) === name) cb(payload as Events[E]);
  });
}

/** URL of a document's scan (by id, never a path). */
export function imageUrl(documentId: number, page = 1): string {
  return getBridge().imageUrl(documentId, page);
}

export function transport(): 'electron' | 'web' {
  return getBridge().transport;
}

/** The message for any thrown value, in the UI language. */
export function errorText(err: unknown, lang: 'ru' | 'en'): string {
  if (err instanceof ApiCallError) return err.text(lang);
  if (err instanceof Error) return err.message;
  return String(err);
}
