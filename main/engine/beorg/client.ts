// Beorg HTTP client (beorg-api.md §0, §2, §3). Every call returns a discriminated outcome and never throws
// for HTTP or network trouble: the queue decides what each outcome means (retry, pause, final failure).
// [Note: credentials never logged] — token/machine_uid go only into the request body / query string.
import { z } from 'zod';
import type { Credentials } from '../secrets.ts';

export type ProcessInfo = { key: string; type: string; options?: { stages: string[]; relation?: Record<string, string> } };

export type BeorgOutcome<T> =
  | { kind: 'ok'; status: number; value: T }
  | { kind: 'not-ready'; status: number }
  | { kind: 'rate-limited'; status: number; retryAfterMs: number | null }
  | { kind: 'transient'; status: number | null; message: string }
  | { kind: 'offline'; message: string }
  /** Uploads only: the request was sent but no answer came in time — the document may exist (and be billed). */
  | { kind: 'no-response'; message: string }
  | { kind: 'auth'; status: number; message: string }
  | { kind: 'not-found'; status: number; message: string }
  | { kind: 'invalid'; status: number; message: string };

export type BeorgClientOptions = {
  baseUrl: string;
  fetch?: typeof fetch;
  /** Polls (and anything that is free to repeat). */
  timeoutMs: number;
  /** add_document; defaults to timeoutMs. Longer than any server stall we expect: a timeout here is ambiguous. */
  uploadTimeoutMs?: number;
  /** Largest response body read (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** The engine's clock: an HTTP-date Retry-After is measured from its now (default: the wall clock). */
  now?: () => number;
};

export type BeorgClient = {
  addDocument(creds: Credentials, images: Buffer[], processInfo: ProcessInfo[], signal?: AbortSignal): Promise<BeorgOutcome<{ documentId: string }>>;
  /** Same, with a body prepared by buildAddDocumentBody (the queue encodes before it takes a rate token). */
  addDocumentBody(body: string, signal?: AbortSignal): Promise<BeorgOutcome<{ documentId: string }>>;
  /** ok.value is the raw body text (kept for storage); parse it with parseResultBody. */
  getResult(token: string, documentId: string, signal?: AbortSignal): Promise<BeorgOutcome<{ raw: string }>>;
};

const MAX_MESSAGE = 300;
const truncate = (s: string, n = MAX_MESSAGE) => (s.length > n ? `${s.slice(0, n)}…` : s);

export const AUTH_MESSAGE_RU = 'Неверный токен или machine_uid: проверьте учётные данные Beorg в настройках';

const errorBodySchema = z.object({
  errors: z.object({ type: z.unknown().optional(), message: z.unknown().optional() }).optional(),
  error: z.unknown().optional(),
  message: z.unknown().optional(),
});

/** The API's own error text (`errors.message`), as plain truncated text; never trusted as markup. */
function apiErrorInfo(raw: string): { type: string | null; message: string | null } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return { type: null, message: null };
    const e = parsed.data.errors;
    const type = typeof e?.type === 'string' ? truncate(e.type, 60) : null;
    const msg = typeof e?.message === 'string' ? e.message : typeof parsed.data.message === 'string' ? parsed.data.message : null;
    return { type, message: msg === null ? null : truncate(msg.replace(/\p{Cc}+/gu, ' ').trim()) };
  } catch {
    return { type: null, message: null };
  }
}

/** Retry-After: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const secs = Number(value.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, 600_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - now), 600_000);
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

export const NO_RESPONSE_MESSAGE = 'Ответ не получен — возможно, документ уже оплачен; проверьте перед повторной отправкой';

// [Note: which upload failures may be retried]
// add_document has no idempotency key (beorg-api §6): every POST that reaches the application creates and bills a
// document. So the failure decides whether a retry can double-pay:
// - DNS / connect errors (OFFLINE_CODES): nothing was sent → 'offline', the queue waits and retries.
// - An HTTP 5xx/408 answer: the server said it failed → 'transient', retried with back-off.
// - Our timeout fired after the request was sent → 'no-response': the server may still create the document
//   (the simulator's `stall` + `processAbandonedUploads`), so the case becomes 'uncertain' and is NEVER resent
//   automatically. The upload timeout is long (uploadTimeoutMs, 120 s) so that slow-but-alive servers answer.
// - A connection reset / socket closed without any response → 'transient', retried. Residual risk, accepted: a
//   gateway that resets before the application (the simulator's `reset`, checked before any document exists) is
//   the common case and must not pile work on the clerk; a reset AFTER the document was created (the simulator's
//   `lostResponse`) is indistinguishable from it and is retried too, so it can bill one extra document. The
//   fault tests show that outcome explicitly instead of hiding it.
function networkOutcome(err: unknown, timedOut: boolean, what: 'upload' | 'poll'): BeorgOutcome<never> {
  const code = findCode(err);
  if (code && OFFLINE_CODES.has(code)) return { kind: 'offline', message: `Нет связи с сервером Beorg (${code})` };
  if (timedOut) {
    if (what === 'upload') return { kind: 'no-response', message: NO_RESPONSE_MESSAGE };
    return { kind: 'transient', status: null, message: 'Сервер не ответил вовремя (таймаут)' };
  }
  return { kind: 'transient', status: null, message: `Сетевая ошибка${code ? ` (${code})` : ''}` };
}

function findCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function httpOutcome(status: number, raw: string, retryAfter: string | null, what: 'upload' | 'poll', now: number): BeorgOutcome<never> {
  if (status === 425 || status === 202) return { kind: 'not-ready', status };
  if (status === 429) return { kind: 'rate-limited', status, retryAfterMs: parseRetryAfter(retryAfter, now) };
  if (status >= 500 || status === 408) return { kind: 'transient', status, message: `Ошибка сервера Beorg (HTTP ${status})` };
  const info = apiErrorInfo(raw);
  if (status === 401 || status === 403) return { kind: 'auth', status, message: AUTH_MESSAGE_RU };
  if (status === 404) {
    if (info.type === 'CampaignNotFound' || what === 'upload')
      return { kind: 'not-found', status, message: `Проект Beorg не найден: проверьте project_id в настройках${info.message ? ` (${info.message})` : ''}` };
    return { kind: 'not-found', status, message: `Документ не найден на сервере Beorg${info.message ? ` (${info.message})` : ''}` };
  }
  return { kind: 'invalid', status, message: `Beorg отклонил запрос (HTTP ${status})${info.message ? `: ${info.message}` : ''}` };
}

/**
 * A result is field values (tens of KB); 5 MB is far above any real answer. The body is read as a stream and dropped
 * at the cap, so a hostile or broken server cannot make the engine buffer gigabytes (crafted responses).
 */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The body as text, or null once it is larger than `max` (announced by Content-Length or counted while reading). */
async function readBodyCapped(res: Response, max: number): Promise<string | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLargeOutcome(status: number, max: number, what: 'upload' | 'poll'): BeorgOutcome<never> {
  const message = `Ответ сервера Beorg слишком большой (больше ${Math.round(max / 1024 / 1024)} МБ) и не прочитан (HTTP ${status})`;
  // A success status on add_document may mean the document exists (and is billed): see [Note: which upload
  // failures may be retried] — never resend it automatically.
  if (what === 'upload' && status >= 200 && status < 300) return { kind: 'no-response', message: `${message}. ${NO_RESPONSE_MESSAGE}` };
  return { kind: 'invalid', status, message };
}

export function createBeorgClient(opts: BeorgClientOptions): BeorgClient {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const now = opts.now ?? Date.now;

  async function send(url: string, init: RequestInit, signal: AbortSignal | undefined, what: 'upload' | 'poll'): Promise<
    { ok: true; status: number; raw: string; retryAfter: string | null } | { ok: false; outcome: BeorgOutcome<never> }
  > {
    const timeout = AbortSignal.timeout(what === 'upload' ? (opts.uploadTimeoutMs ?? opts.timeoutMs) : opts.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await doFetch(url, { ...init, signal: combined });
      const raw = await readBodyCapped(res, maxBody);
      if (raw === null) return { ok: false, outcome: tooLargeOutcome(res.status, maxBody, what) };
      return { ok: true, status: res.status, raw, retryAfter: res.headers.get('retry-after') };
    } catch (err) {
      if (signal?.aborted) throw err; // the caller aborted: not an API outcome
      return { ok: false, outcome: networkOutcome(err, timeout.aborted, what) };
    }
  }

  return {
    addDocument(creds, images, processInfo, signal) {
      return this.addDocumentBody(buildAddDocumentBody(creds, images, processInfo), signal);
    },
    async addDocumentBody(body, signal) {
      const r = await send(`${base}/api/bescan/add_document`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept-Language': 'ru' }, body }, signal, 'upload');
      if (!r.ok) return r.outcome;
      if (r.status < 200 || r.status >= 300 || r.status === 202) return httpOutcome(r.status, r.raw, r.retryAfter, 'upload', now());
      const id = parseDocumentId(r.raw);
      if (id === null) return { kind: 'transient', status: r.status, message: 'Некорректный ответ сервера Beorg: нет document_id' };
      return { kind: 'ok', status: r.status, value: { documentId: id } };
    },
    async getResult(token, documentId, signal) {
      const url = `${base}/api/document/result/${encodeURIComponent(documentId)}?token=${encodeURIComponent(token)}`;
      const r = await send(url, { method: 'GET' }, signal, 'poll');
      if (!r.ok) return r.outcome;
      if (r.status < 200 || r.status >= 300 || r.status === 202) return httpOutcome(r.status, r.raw, r.retryAfter, 'poll', now());
      let json: unknown;
      try {
        json = JSON.parse(r.raw);
      } catch {
        return { kind: 'transient', status: r.status, message: 'Некорректный ответ сервера Beorg (не JSON)' };
      }
      // Some contours answer 200 with an empty `documents` list while processing (beorg-api §3.1).
      const docs = (json as { documents?: unknown } | null)?.documents;
      if (!Array.isArray(docs) || docs.length === 0) return { kind: 'not-ready', status: r.status };
      return { kind: 'ok', status: r.status, value: { raw: r.raw } };
    },
  };
}

/** The add_document JSON (beorg-api §0): images and process_info are parallel lists in the same order. */
export function buildAddDocumentBody(creds: Credentials, images: Buffer[], processInfo: ProcessInfo[]): string {
  return JSON.stringify({
    project_id: creds.projectId,
    token: creds.token,
    machine_uid: creds.machineUid,
    images: images.map((b) => b.toString('base64')),
    process_info: processInfo,
  });
}

const idSchema = z.object({ document_id: z.union([z.string().min(1).max(100), z.number().int().nonnegative()]) });

function parseDocumentId(raw: string): string | null {
  try {
    const p = idSchema.safeParse(JSON.parse(raw));
    if (!p.success) return null;
    const id = String(p.data.document_id);
    return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}
