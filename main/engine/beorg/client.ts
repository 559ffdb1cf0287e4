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
  | { kind: 'auth'; status: number; message: string }
  | { kind: 'not-found'; status: number; message: string }
  | { kind: 'invalid'; status: number; message: string };

export type BeorgClientOptions = { baseUrl: string; fetch?: typeof fetch; timeoutMs: number };

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
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const secs = Number(value.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, 600_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - now), 600_000);
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

function networkOutcome(err: unknown, timedOut: boolean): BeorgOutcome<never> {
  if (timedOut) return { kind: 'transient', status: null, message: 'Сервер не ответил вовремя (таймаут)' };
  const code = findCode(err);
  if (code && OFFLINE_CODES.has(code)) return { kind: 'offline', message: `Нет связи с сервером Beorg (${code})` };
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

function httpOutcome(status: number, raw: string, retryAfter: string | null, what: 'upload' | 'poll'): BeorgOutcome<never> {
  if (status === 425 || status === 202) return { kind: 'not-ready', status };
  if (status === 429) return { kind: 'rate-limited', status, retryAfterMs: parseRetryAfter(retryAfter) };
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

export function createBeorgClient(opts: BeorgClientOptions): BeorgClient {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function send(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<
    { ok: true; status: number; raw: string; retryAfter: string | null } | { ok: false; outcome: BeorgOutcome<never> }
  > {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await doFetch(url, { ...init, signal: combined });
      const raw = await res.text();
      return { ok: true, status: res.status, raw, retryAfter: res.headers.get('retry-after') };
    } catch (err) {
      if (signal?.aborted) throw err; // the caller aborted: not an API outcome
      return { ok: false, outcome: networkOutcome(err, timeout.aborted) };
    }
  }

  return {
    addDocument(creds, images, processInfo, signal) {
      return this.addDocumentBody(buildAddDocumentBody(creds, images, processInfo), signal);
    },
    async addDocumentBody(body, signal) {
      const r = await send(`${base}/api/bescan/add_document`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept-Language': 'ru' }, body }, signal);
      if (!r.ok) return r.outcome;
      if (r.status < 200 || r.status >= 300 || r.status === 202) return httpOutcome(r.status, r.raw, r.retryAfter, 'upload');
      const id = parseDocumentId(r.raw);
      if (id === null) return { kind: 'transient', status: r.status, message: 'Некорректный ответ сервера Beorg: нет document_id' };
      return { kind: 'ok', status: r.status, value: { documentId: id } };
    },
    async getResult(token, documentId, signal) {
      const url = `${base}/api/document/result/${encodeURIComponent(documentId)}?token=${encodeURIComponent(token)}`;
      const r = await send(url, { method: 'GET' }, signal);
      if (!r.ok) return r.outcome;
      if (r.status < 200 || r.status >= 300 || r.status === 202) return httpOutcome(r.status, r.raw, r.retryAfter, 'poll');
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
