// The one API contract. Every request: a zod schema for its
// arguments and a result type. Every push event: its payload type. Both transports (Electron IPC and
// the browser-mode bridge) expose exactly this; neither contains logic.
import type { z } from 'zod';
import type { RequestDef } from './api/define.ts';
import { queueApi, type QueueState } from './api/queue.ts';
import { documentsApi } from './api/documents.ts';
import { exportApi } from './api/export.ts';
import { settingsApi } from './api/settings.ts';
import { insightsApi } from './api/insights.ts';

export * from './api/define.ts';
export * from './api/queue.ts';
export * from './api/documents.ts';
export * from './api/export.ts';
export * from './api/settings.ts';
export * from './api/insights.ts';

export const api = { ...queueApi, ...documentsApi, ...exportApi, ...settingsApi, ...insightsApi } as const;
export type Api = typeof api;
export type Channel = keyof Api;
export const CHANNELS = Object.keys(api) as Channel[];

export type ArgsOf<C extends Channel> = z.input<Api[C]['args']>;
export type ParsedArgsOf<C extends Channel> = z.output<Api[C]['args']>;
export type ResultOf<C extends Channel> = Api[C] extends RequestDef<z.ZodType, infer R> ? R : never;

/** What the engine implements once (main/engine/service.ts). */
export type Handlers = { [C in Channel]: (args: ParsedArgsOf<C>) => Promise<ResultOf<C>> | ResultOf<C> };

/** Push events: batched (≤ ~10/s), carry ids and counts; the renderer re-queries what it shows. */
export type Events = {
  'queue:progress': QueueState;
  'documents:changed': { ids: number[]; all: boolean };
  'export:progress': { exportId: number; done: number; total: number; finished: boolean; fileName: string | null; error: string | null };
  notify: { level: 'info' | 'warning' | 'error'; messageRu: string; messageEn: string };
};
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['queue:progress', 'documents:changed', 'export:progress', 'notify'];

export function isChannel(x: unknown): x is Channel {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(api, x);
}
