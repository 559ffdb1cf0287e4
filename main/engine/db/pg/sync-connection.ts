// [Note: PostgreSQL behind a synchronous connection] The engine's repositories are synchronous (better-sqlite3 is,
// and its speed on one computer is the reason it is the default store). To run the same engine on a team's
// PostgreSQL without rewriting every repository as async, each connection lives in its own thread
// (db/pg/worker.ts) and the caller waits for the answer with Atomics.wait — a blocked engine thread, never the UI:
// the engine and the grid's reader each run in a worker of their own ([Note: the desktop host is given its secrets]
// explains the desktop layout). One query is in flight per connection, as with SQLite.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PgReply, PgRequest } from './worker.ts';

/** A query slower than this is treated as a lost server (the wait must end somewhere). */
const QUERY_TIMEOUT_MS = 120_000;

/** Network and server-shutdown failures: the server is out of reach now, not the request wrong. */
const LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'timeout', '57P01', '57P02', '57P03']);

export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }

  /** The connection to the server failed (SQLSTATE class 08, a shutdown, a network error), not the statement. */
  get connectionLost(): boolean {
    return (this.code !== undefined && (LOST.has(this.code) || this.code.startsWith('08'))) || /Connection terminated|timeout expired/i.test(this.message);
  }
}

function workerUrl(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker-dev.mjs', import.meta.url);
  return new URL('./pg-worker.cjs', import.meta.url);
}

export class SyncPgConnection {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** Never signalled: waiting on it is a short sleep. */
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private closed = false;

  constructor(url: string, appName = 'scandesk') {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.worker = new Worker(workerUrl(), {
      workerData: { url, flag: this.flag.buffer, port: port2, timeZone, appName },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** `name`: a server-side prepared statement, planned once per connection (the repositories' statements). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], rowMode?: 'array', name?: string): { rows: R[]; rowCount: number } {
    const reply = this.ask({ sql, ...(params && params.length > 0 ? { params } : {}), ...(name ? { name } : {}) });
    if (!reply.ok) throw new PgError(reply.detail ? `${reply.message} (${reply.detail})` : reply.message, reply.code);
    if (rowMode === 'array') return { rows: reply.rows as R[], rowCount: reply.rowCount };
    const { columns } = reply;
    const rows = reply.rows.map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
      return row;
    });
    return { rows: rows as R[], rowCount: reply.rowCount };
  }

  close(): void {
    if (this.closed) return;
    try {
      this.ask({ close: true }, 5_000);
    } catch {
      /* the thread is ended below either way */
    }
    this.closed = true;
    void this.worker.terminate();
  }

  private ask(req: PgRequest, timeoutMs = QUERY_TIMEOUT_MS): PgReply {
    if (this.closed) throw new PgError('The database connection is closed', undefined);
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const waited = Atomics.wait(this.flag, 0, 0, Math.max(0, deadline - Date.now()));
      const got = receiveMessageOnPort(this.port);
      if (got) return got.message as PgReply;
      if (waited === 'timed-out' || Date.now() >= deadline) throw new PgError('PostgreSQL did not answer in time', 'timeout');
      // Woken before the reply is visible on the port: look again in a moment.
      Atomics.wait(this.pause, 0, 0, 1);
    }
  }
}
