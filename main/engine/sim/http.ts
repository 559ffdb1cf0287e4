// HTTP plumbing of the simulator: reading a bounded body and writing a reply (or resetting the connection).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Reply, SimLogEntry } from './types.ts';

export function send(res: http.ServerResponse, reply: Reply, entry: SimLogEntry, closeAfter = false): void {
  if ('reset' in reply || res.destroyed) {
    entry.status = null;
    res.socket?.destroy();
    return;
  }
  entry.status = reply.status;
  const headers: Record<string, string> = { ...reply.headers };
  if (closeAfter) headers.Connection = 'close';
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Reads the body up to maxBytes; beyond that returns null (the caller answers 413 and closes). */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** The body as JSON: undefined when empty, `bad` when it does not parse. */
export function parseJson(raw: Buffer): { body: unknown; bad: boolean } {
  if (raw.length === 0) return { body: undefined, bad: false };
  try {
    return { body: JSON.parse(raw.toString('utf8')), bad: false };
  } catch {
    return { body: undefined, bad: true };
  }
}

/** An HTTP server on 127.0.0.1 that never crashes on bad input: anything unexpected becomes a 500 with the message. */
export async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        const text = JSON.stringify({ errors: { type: 'InternalError', message: String((e as Error)?.message ?? e) } });
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' }).end(text);
      } else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}
