// What the renderer sees of main, whichever transport carries it (renderer/api.ts picks one):
// - Electron: main/preload.ts exposes `window.scandesk` via contextBridge (IPC underneath).
// - Browser mode: renderer/api.ts builds the same shape over HTTP POST /api/call + a WebSocket for events.
import type { Envelope, EventName, Events } from './api.ts';

export type BridgeListener = <E extends EventName>(name: E, payload: Events[E]) => void;

export type ScanDeskBridge = {
  transport: 'electron' | 'web';
  invoke(channel: string, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: BridgeListener): () => void;
  /** URL of a document's scan (by id, never a path): `scan://doc/<id>?page=N` or `/api/image/<id>?page=N&t=<token>`. */
  imageUrl(documentId: number, page?: number): string;
  /** Electron only: native folder picker; the chosen path then goes to 'folders:add'. Absent in browser mode. */
  pickFolder?(): Promise<string | null>;
};

/** Name of the global the Electron preload exposes. */
export const BRIDGE_GLOBAL = 'scandesk';
