// Browser-mode bridge: the built renderer + the engine contract over loopback HTTP/WebSocket.
// The adapter has no logic: /api/call only forwards to engine.call.
// Security: 127.0.0.1 only, a random per-run token on every /api request, Origin and Host checks
// against DNS rebinding / cross-site requests, strict CSP on the static files.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine/app.ts';
import { startHostedEngine } from '../engine/host/hosted.ts';
import { localLink, type EngineLink } from '../engine/host/link.ts';
import { imageErrorStatus, openImageStream } from '../engine/images.ts';
import { createLogger } from '../engine/log.ts';
import { dataPaths } from '../engine/paths.ts';
import { isServerUrl } from '../engine/db/pg/open-pg.ts';
import { printable } from '../../shared/printable.ts';
import { installLastResortGuard } from '../engine/last-resort.ts';
import { defaultDataDir } from '../engine/paths.ts';
import { DisposableStore } from '../engine/disposable.ts';
import { makeProcessPrivate, preparePrivateDataDir } from '../engine/private-fs.ts';

export type WebServer = { url: string; token: string; port: number; close(): Promise<void> };

const MAX_BODY_BYTES = 1024 * 1024;
const STATIC_MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.map': 'application/json', '.wasm': 'application/wasm',
};

function csp(port: number): string {
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' blob: data:",
    "worker-src 'self' blob:", `connect-src 'self' ws://127.0.0.1:${port}`, "object-src 'none'", "base-uri 'none'",
    "frame-ancestors 'none'", "form-action 'none'",
  ].join('; ');
}

function tokensEqual(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; the caller answers 413 and closes the connection.
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The built UI from `staticRoot`: never a file outside it; client-side routes fall back to the app shell. */
async function serveStatic(staticRoot: string, port: number, res: http.ServerResponse, pathname: string): Promise<void> {
  const headers = {
    'Content-Security-Policy': csp(port), 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY',
  };
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  let file = path.resolve(staticRoot, '.' + path.posix.normalize('/' + rel));
  if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) {
    res.writeHead(404, headers).end();
    return;
  }
  let stat = await fs.stat(file).catch(() => null);
  // Client-side routes fall back to the app shell; missing assets (with an extension) are 404.
  if (!stat?.isFile() && (stat?.isDirectory() || path.extname(file) === '')) {
    file = path.join(staticRoot, 'index.html');
    stat = await fs.stat(file).catch(() => null);
  }
  if (!stat?.isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(
      'Интерфейс не собран: выполните npm run build:renderer / Renderer not built: run npm run build:renderer',
    );
    return;
  }
  const body = await fs.readFile(file);
  const mime = STATIC_MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { ...headers, 'Content-Type': mime, 'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600' });
  res.end(body);
}

/** `engine`: a hosted engine (EngineHost, the normal case) or one in this thread (tests that seed its database). */
export async function startWebServer(opts: { engine: Engine | EngineLink; port?: number; host?: '127.0.0.1'; staticDir: string }): Promise<WebServer> {
  const engine: EngineLink = 'ctx' in opts.engine ? localLink(opts.engine) : opts.engine;
  const host = '127.0.0.1'; // never any other interface
  const token = randomBytes(32).toString('base64url');
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;

  /** Host must be our loopback address (defeats DNS rebinding); Origin, when sent, must be ours. */
  const checkOrigin = (req: http.IncomingMessage): 403 | null => {
    const hostHeader = req.headers.host ?? '';
    if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return 403;
    return null;
  };
  const hasToken = (req: http.IncomingMessage, url: URL, allowQuery: boolean): boolean => {
    const header = req.headers['x-scandesk-token'];
    if (typeof header === 'string') return tokensEqual(header, token);
    return allowQuery && tokensEqual(url.searchParams.get('t'), token);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const bad = checkOrigin(req);
    if (bad) return sendJson(res, bad, { error: 'forbidden' });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (!rawPath.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method' });
      return serveStatic(staticRoot, port, res, url.pathname);
    }

    if (rawPath === '/api/call') {
      if (!hasToken(req, url, false)) return sendJson(res, 401, { error: 'unauthorized' });
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method' });
      const ctype = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (ctype !== 'application/json') return sendJson(res, 415, { error: 'json-only' });
      const declared = Number(req.headers['content-length'] ?? '0');
      const body = declared > MAX_BODY_BYTES ? null : await readBody(req);
      if (body === null) {
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.socket.destroy());
        return sendJson(res, 413, { error: 'too-large' });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'bad-json' });
      }
      const { channel, args } = (parsed ?? {}) as { channel?: unknown; args?: unknown };
      return sendJson(res, 200, await engine.call(channel as string, args));
    }

    // Match on the raw (undecoded) path so %2e%2e and friends never reach a lookup: digits only.
    const image = /^\/api\/image\/(\d{1,15})$/.exec(rawPath);
    if (rawPath.startsWith('/api/image/')) {
      if (!hasToken(req, url, true)) return sendJson(res, 401, { error: 'unauthorized' });
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method' });
      if (!image) return sendJson(res, 404, { error: 'not-found' });
      const page = Number(url.searchParams.get('page') ?? '1');
      const result = await engine.resolveImage(Number(image[1]), Number.isSafeInteger(page) && page >= 1 ? page : 1);
      if ('error' in result) return sendJson(res, imageErrorStatus(result.error), { error: result.error });
      res.writeHead(200, {
        'Content-Type': result.mime, 'Content-Length': result.size, 'Cache-Control': 'private, max-age=60',
        'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      // See [Note: the image route's memory is bounded]: streamed with backpressure; an error mid-way ends the response.
      await pipeline(openImageStream(result), res).catch((err: unknown) => {
        engine.log.warn('image stream failed', { err });
        res.destroy();
      });
      return;
    }
    if (!hasToken(req, url, true)) return sendJson(res, 401, { error: 'unauthorized' });
    return sendJson(res, 404, { error: 'not-found' });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      engine.log.error('web request failed', { err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
      else res.end();
    });
  });

  // Teardown in one place, in reverse order of opening: the HTTP server last, the event subscription first.
  const disposables = new DisposableStore();
  disposables.add(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  disposables.add(() => void wss.close());
  const sockets = new Set<WebSocket>();
  disposables.add(() => {
    for (const s of sockets) s.terminate();
  });
  disposables.add(
    engine.subscribe((name, payload) => {
      const msg = JSON.stringify({ name, payload });
      for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
    }),
  );
  // See [Note: no client input ends the process]. A bad frame (invalid opcode, over maxPayload, broken UTF-8) makes ws
  // emit 'error' on that socket; without a listener it would be thrown and end the process.
  const socketError = (where: string) => (err: Error) => engine.log.warn('web socket error', { where, err });
  wss.on('error', socketError('wss'));
  server.on('clientError', (err: Error, socket) => {
    socketError('http')(err);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', socketError('upgrade'));
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const refuse = (code: number, text: string) => {
      socket.write(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (checkOrigin(req)) return refuse(403, 'Forbidden');
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (!hasToken(req, url, true)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('error', socketError('ws'));
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => {
        /* the event channel is push-only; requests go through /api/call */
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?t=${token}`;
  return {
    url,
    token,
    port,
    close: () => disposables.dispose(),
  };
}

type WebFlags = { port: number; dataDir: string; demo: boolean; open: boolean; dbUrl?: string };

function parseFlags(argv: string[]): WebFlags | string {
  const flags: WebFlags = { port: 0, dataDir: defaultDataDir(), demo: false, open: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) return 'Неверный порт / invalid --port';
        flags.port = p;
        break;
      }
      case '--data-dir': {
        const d = value();
        if (!d) return 'Не указана папка данных / --data-dir needs a value';
        flags.dataDir = path.resolve(d);
        break;
      }
      case '--db': {
        // Browser mode on a team's server; the local data folder keeps logs and the upload cache.
        const u = value();
        if (!u || !isServerUrl(u)) return 'В --db укажите адрес сервера postgres://… / --db needs a postgres://… address';
        flags.dbUrl = u;
        break;
      }
      case '--demo':
        flags.demo = true;
        break;
      case '--no-open':
        flags.open = false;
        break;
      default:
        return `Неизвестный параметр / unknown option: ${a}`;
    }
  }
  const envUrl = process.env.SCANDESK_DB_URL;
  if (!flags.dbUrl && envUrl) {
    if (!isServerUrl(envUrl)) return 'SCANDESK_DB_URL: нужен адрес postgres://… / SCANDESK_DB_URL needs a postgres://… address';
    flags.dbUrl = envUrl;
  }
  return flags;
}

async function openBrowser(url: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const cmd = process.platform === 'win32' ? 'explorer' : process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* no browser available: the URL is printed anyway */
  }
}

/** `scandesk web [--port N] [--data-dir DIR] [--db postgres://…] [--demo] [--no-open]` */
export async function runWebCli(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (typeof flags === 'string') {
    process.stderr.write(`${flags}\n`);
    return 2;
  }
  makeProcessPrivate();
  preparePrivateDataDir(flags.dataDir);
  // Encrypted DB (key from env or the 0600 key file) and the encrypted credentials file, same as the CLI.
  // The engine runs in its own worker thread, so a recompute or an ingest never stalls this bridge; the worker
  // reads the DB key itself (the key never crosses the port).
  const log = createLogger({ file: dataPaths(flags.dataDir).logs });
  installLastResortGuard({ log });
  const engine = await startHostedEngine({ dataDir: flags.dataDir, mode: 'web', security: 'data-dir', ...(flags.dbUrl ? { dbUrl: flags.dbUrl } : {}) }, log);
  void engine.crashed.then(() => process.stderr.write('Движок остановился из-за ошибки; см. журнал / the engine stopped, see the log\n'));
  const staticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/renderer');
  const web = await startWebServer({ engine, port: flags.port, staticDir });
  if (flags.demo) {
    const res = await engine.call('app:start-demo', {});
    if (!res.ok) process.stderr.write(`Демо не запущено / demo not started: ${printable(res.error.messageRu ?? res.error.message)}\n`);
  }
  process.stdout.write(`ScanDesk (браузерный режим / browser mode): ${web.url}\n`);
  if (flags.open) await openBrowser(web.url);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('Остановка… / stopping…\n');
  await web.close();
  await engine.stop();
  return 0;
}
