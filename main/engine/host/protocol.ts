// Messages between an engine host (worker thread, utility process) and its caller. The caller forwards the
// dispatcher's envelopes unchanged; the host only adds request ids, push events and lifecycle messages.
// [Note: host messages are parsed, never trusted] Either side drops (and logs) a message whose shape is wrong:
// a bad message can come from a bug on the other side or from a compromised renderer upstream.
import { z } from 'zod';
import { EVENT_NAMES, type Envelope, type EventName, type Events } from '../../../shared/api.ts';
import type { ImageResult } from '../images.ts';
import type { CredentialsStatus } from '../../../shared/settings.ts';
import type { DbKeySource } from '../db/keys.ts';
import type { Credentials } from '../secrets.ts';

/**
 * [Note: the desktop host is given its secrets] In Electron the OS keystore (safeStorage) answers only in the main
 * process, so the main process unlocks the database key and the Beorg credentials and hands them to the engine host
 * thread at start (workerData: a copy inside the same process, never a port to another process or a log line). The
 * host keeps the credentials in memory and sends every change back ('secrets' messages) for the main process to
 * seal in the keystore; opening a file manager ('reveal') is asked of the main process the same way.
 */
export type DelegatedSecurity = {
  dbKey: string;
  dbKeySource: DbKeySource;
  credentials: Credentials | null;
  /** Where the main process seals them ('none': memory only, this session), and its warning about that. */
  credentialsStorage: CredentialsStatus['storage'];
  credentialsWarning: string | null;
};

/** How the host opens the engine. `data-dir` = the DB key and credentials are read inside the host itself. */
export type HostInit = {
  dataDir: string;
  mode: 'web' | 'cli' | 'electron' | 'test';
  /** 'engine' (default) owns the engine; 'reader' answers the grid's read queries on a read-only connection. */
  role?: 'engine' | 'reader';
  /** 'data-dir': key file / env key read by the host (the key never crosses the port); 'delegated': given by the
   *  Electron main process ([Note: the desktop host is given its secrets]); 'plain': tests only. */
  security: 'data-dir' | 'delegated' | 'plain';
  delegated?: DelegatedSecurity;
  /** A team's PostgreSQL server (postgres://…) instead of the data folder's SQLite file; may carry a password, so
   *  it is never logged. */
  dbUrl?: string;
  autoStart?: boolean;
  /** Tests only (mode 'test'): accept the 'test:crash' and 'test:hold' messages. */
  testHooks?: boolean;
};

const id = z.number().int().nonnegative();
const toHost = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id, channel: z.string().max(100), args: z.unknown() }),
  z.object({ t: z.literal('image'), id, documentId: z.number().int().positive(), page: z.number().int().min(1).max(10_000) }),
  z.object({ t: z.literal('stop'), id }),
  z.object({ t: z.literal('test:crash') }),
  // Blocks the host thread (as a long recompute does) until the test sets buffer[0] to 1.
  z.object({ t: z.literal('test:hold'), buffer: z.instanceof(SharedArrayBuffer) }),
]);
export type ToHost = z.infer<typeof toHost>;

const errorBody = z.object({ code: z.string(), message: z.string(), messageRu: z.string().optional() });
const envelope = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: errorBody })]);
const fromHost = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('reply'), id, envelope }),
  z.object({ t: z.literal('event'), name: z.enum(EVENT_NAMES as [EventName, ...EventName[]]), payload: z.unknown() }),
  z.object({ t: z.literal('fatal'), message: z.string() }),
  z.object({
    t: z.literal('secrets'),
    credentials: z.object({ token: z.string(), machineUid: z.string(), projectId: z.string() }).nullable(),
  }),
  z.object({ t: z.literal('reveal'), path: z.string().min(1).max(4096) }),
]);
export type FromHost =
  | { t: 'ready' }
  | { t: 'reply'; id: number; envelope: Envelope<unknown> }
  | { t: 'event'; name: EventName; payload: Events[EventName] }
  | { t: 'fatal'; message: string }
  /** The credentials were set (or cleared: null) in the host: the caller seals them in the keystore. */
  | { t: 'secrets'; credentials: Credentials | null }
  | { t: 'reveal'; path: string };

export function parseToHost(raw: unknown): ToHost | null {
  const r = toHost.safeParse(raw);
  return r.success ? r.data : null;
}

export function parseFromHost(raw: unknown): FromHost | null {
  const r = fromHost.safeParse(raw);
  return r.success ? (r.data as FromHost) : null;
}

export function badMessage(): Envelope<never> {
  return { ok: false, error: { code: 'bad-message', message: 'Malformed host message', messageRu: 'Некорректное сообщение движку' } };
}

export type ImageEnvelope = Envelope<ImageResult>;

/** What the clerk reads when the engine host is gone (pending requests reject with it). */
export const HOST_DOWN_RU = 'Движок ScanDesk остановился из-за ошибки. Перезапустите приложение; подробности в журнале.';
export const HOST_DOWN_EN = 'The ScanDesk engine stopped because of an error. Restart the app; details are in the log.';
export const HOST_STOPPING_RU = 'Движок останавливается: запрос не принят.';
