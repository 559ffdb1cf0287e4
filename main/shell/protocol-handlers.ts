// Pure parts of the shell's custom protocols (no 'electron' import, so they run under plain Node in tests):
// app:// serves the built renderer, scan:// serves a document's scan by id. Both answer with a Web Response.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { EngineLink } from '../engine/host/link.ts';
import { imageErrorStatus, openImageStream } from '../engine/images.ts';
import { APP_ORIGIN } from './ipc-router.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json', '.wasm': 'application/wasm',
};

/** app://scandesk/<file>: a file of the built renderer, nothing outside it; a malformed %-escape is a 400, not a throw. */
export function serveAppFile(rendererDir: string, requestUrl: string, csp: string): Response {
  const url = new URL(requestUrl);
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return new Response('', { status: 404 });
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return new Response('', { status: 400 });
  }
  const file = path.resolve(rendererDir, rel);
  // No path outside the built renderer (".." or an encoded variant of it).
  const inside = path.relative(rendererDir, file);
  if (inside.startsWith('..') || path.isAbsolute(inside) || rel.includes('\0')) return new Response('', { status: 403 });
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch {
    return new Response('', { status: 404 });
  }
  return new Response(new Uint8Array(body), {
    headers: { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
  });
}

/** scan://doc/<id>?page=N — streamed, never read whole ([Note: the image route's memory is bounded]). */
export async function serveScanImage(engine: Pick<EngineLink, 'resolveImage'> | null, requestUrl: string): Promise<Response> {
  if (!engine) return new Response('', { status: 503 });
  const url = new URL(requestUrl);
  const id = Number(url.pathname.replace(/^\/+/, ''));
  if (url.host !== 'doc' || !Number.isSafeInteger(id)) return new Response('', { status: 404 });
  // The engine host checks the id and the path (inside the watched folder, still the file it recorded).
  const result = await engine.resolveImage(id, Number(url.searchParams.get('page') ?? '1'));
  if ('error' in result) return new Response('', { status: imageErrorStatus(result.error) });
  const body = Readable.toWeb(openImageStream(result)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { 'Content-Type': result.mime, 'Content-Length': String(result.size), 'X-Content-Type-Options': 'nosniff' } });
}
