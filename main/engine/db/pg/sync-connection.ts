// [Note: PostgreSQL behind a synchronous connection] The engine's repositories are synchronous (better-sqlite3 is,
// and its speed on one computer is the reason it is the default store). To run the same engine on a team's
// PostgreSQL without rewriting every repository as async, each connection lives in its own thread
// (db/pg/worker.ts) and the caller waits for the answer with Atomics.wait — a blocked engine thread, never the UI:
// the engine and the grid's reader each run in a worker of their own ([Note: the desktop host is given its secrets]
// explains the desktop layout). The server runs one statement at a time per connection, as SQLite does; a caller
// may send the next before the answer to the last ([Note: pipelined statements]).
import { deserialize } from 'node:v8';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PgReply, PgRequest, ReadAhead } from './worker.ts';

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

type QueryResult<R> = { rows: R[]; rowCount: number };

export class SyncPgConnection {
  /** How many replies the thread has posted (it adds one after each; wraps like any Int32). */
  private readonly posted = new Int32Array(new SharedArrayBuffer(4));
  /** Never signalled: waiting on it is a short sleep. */
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private closed = false;
  private sent = 0;
  private received = 0;
  /** Replies read off the port before their sender asked for them (a later request's caller got there first). */
  private readonly early = new Map<number, PgReply>();

  constructor(url: string, appName = 'scandesk') {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.worker = new Worker(workerUrl(), {
      workerData: { url, flag: this.posted.buffer, port: port2, timeZone, appName },
      transferList: [port2],
      // The thread's garbage is parsed rows already handed over: a small young generation keeps it from holding tens
      // of MB for nothing (a 100k XLSX export peaked ~30 MB lower, at the same speed).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.worker.unref();
  }

  /** `name`: a server-side prepared statement, planned once per connection (the repositories' statements). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], rowMode?: 'array', name?: string): QueryResult<R> {
    return this.send<R>(sql, params, rowMode, name)();
  }

  /**
   * [Note: pipelined statements] Sends a statement and returns at once; the returned function waits for its answer
   * (or throws its error). The thread runs statements in the order sent, so a caller can have the server work on the
   * next page while it writes this one. An answer nobody asks for is kept until asked: call every function you get.
   */
  send<R = Record<string, unknown>>(sql: string, params?: unknown[], rowMode?: 'array', name?: string, readAhead?: ReadAhead): () => QueryResult<R> {
    const seq = this.post({ sql, ...(params && params.length > 0 ? { params } : {}), ...(name ? { name } : {}), ...(readAhead ? { readAhead } : {}) });
    return () => {
      const reply = this.replyTo(seq, QUERY_TIMEOUT_MS);
      if (!reply.ok) throw new PgError(reply.detail ? `${reply.message} (${reply.detail})` : reply.message, reply.code);
      // The rows come serialized, a chunk at a time ([Note: rows serialized as they come]).
      const arrays = reply.chunks.flatMap((c) => deserialize(c) as unknown[][]);
      if (rowMode === 'array') return { rows: arrays as R[], rowCount: reply.rowCount };
      const { columns } = reply;
      const rows = arrays.map((values) => {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
        return row;
      });
      return { rows: rows as R[], rowCount: reply.rowCount };
    };
  }

  close(): void {
    if (this.closed) return;
    try {
      this.replyTo(this.post({ close: true }), 5_000);
    } catch {
      /* the thread is ended below either way */
    }
    this.closed = true;
    this.early.clear();
    void this.worker.terminate();
  }

  private post(req: PgRequest): number {
    if (this.closed) throw new PgError('The database connection is closed', undefined);
    this.port.postMessage(req);
    return ++this.sent;
  }

  private replyTo(seq: number, timeoutMs: number): PgReply {
    const deadline = Date.now() + timeoutMs;
    while (this.received < seq) {
      const reply = this.nextReply(deadline);
      this.early.set(++this.received, reply);
    }
    const reply = this.early.get(seq);
    if (!reply) throw new PgError('This answer was already read', undefined);
    this.early.delete(seq);
    return reply;
  }

  private nextReply(deadline: number): PgReply {
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) return got.message as PgReply;
      const left = deadline - Date.now();
      if (left <= 0) throw new PgError('PostgreSQL did not answer in time', 'timeout');
      // The thread counts its replies: a count ahead of ours means one is posted but not yet visible on the port
      // (look again in a moment); otherwise sleep until it posts the next.
      if (Atomics.load(this.posted, 0) !== (this.received | 0)) Atomics.wait(this.pause, 0, 0, 1);
      else Atomics.wait(this.posted, 0, this.received | 0, left);
    }
  }
}
