// A PostgreSQL connection with the slice of better-sqlite3's API the repositories use (prepare → run/get/all/iterate,
// pluck, raw; exec; transaction; the pragmas the engine reads), so one engine runs on either store
// ([Note: PostgreSQL behind a synchronous connection]). Statement text is translated once per prepare (translate.ts).
//
// [Note: PostgreSQL write transactions queue on one lock] On SQLite every write transaction begins IMMEDIATE, so
// writers queue one behind another ([Note: write transactions begin IMMEDIATE]) and a read-then-write inside a
// transaction (a budget slot, a claim, a lease) sees nothing change under it. PostgreSQL's default isolation would let
// two such transactions interleave; each write transaction here first takes one transaction-scoped advisory lock,
// which gives the same queueing across every instance on the database. Single statements (a conditional UPDATE that
// claims a row) need no lock: PostgreSQL re-checks their WHERE on the row they lock.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgError, SyncPgConnection } from './sync-connection.ts';
import { translate, type Translated } from './translate.ts';
import type { ReadAhead } from './worker.ts';

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: a password never reaches a log or the screen. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export const WRITE_LOCK_KEY = 0x5ca4d35c;
type Params = unknown[];
type RunResult = { changes: number; lastInsertRowid: number };

function bindValues(t: Translated, args: Params): unknown[] {
  const first = args[0];
  const named = args.length === 1 && first !== null && typeof first === 'object' && !Array.isArray(first) && !Buffer.isBuffer(first);
  const positional = args.length === 1 && Array.isArray(first) ? (first as unknown[]) : args;
  return t.params.map((p) => (typeof p === 'string' ? (named ? (first as Record<string, unknown>)[p] : undefined) : positional[p]));
}

export class PgStatement {
  private plucked = false;
  private rawRows = false;
  /** Named after its text: prepared (parsed and planned) once per connection, reused by every later run. */
  private readonly name: string;

  constructor(
    private readonly db: PgDatabase,
    private readonly t: Translated,
    readonly source: string,
  ) {
    this.name = `sd_${createHash('sha1').update(t.sql).digest('hex').slice(0, 24)}`;
  }

  pluck(on = true): this {
    this.plucked = on;
    return this;
  }

  raw(on = true): this {
    this.rawRows = on;
    return this;
  }

  run(...args: Params): RunResult {
    return this.sendRun(...args)();
  }

  all(...args: Params): unknown[] {
    return this.sendAll(...args)();
  }

  get(...args: Params): unknown {
    return this.all(...args)[0];
  }

  /** run(), sent now and answered when the returned function is called ([Note: pipelined statements]). */
  sendRun(...args: Params): () => RunResult {
    const answer = this.db.connection.send<{ id?: number }>(this.t.sql, bindValues(this.t, args), undefined, this.name);
    return () => {
      const r = answer();
      return { changes: r.rowCount, lastInsertRowid: Number(r.rows[r.rows.length - 1]?.id ?? 0) };
    };
  }

  /** all(), sent now and answered when the returned function is called ([Note: pipelined statements]). */
  sendAll(...args: Params): () => unknown[] {
    return this.sendPage(undefined, ...args);
  }

  /** sendAll() for a keyset page: the page after it is asked for as soon as this one is read ([Note: pages read ahead]). */
  sendPage(readAhead: ReadAhead | undefined, ...args: Params): () => unknown[] {
    const arrays = this.plucked || this.rawRows;
    const answer = this.db.connection.send<unknown>(this.t.sql, bindValues(this.t, args), arrays ? 'array' : undefined, this.name, readAhead);
    return () => {
      const { rows } = answer();
      return this.plucked ? rows.map((row) => (row as unknown[])[0]) : rows;
    };
  }

  *iterate(...args: Params): IterableIterator<unknown> {
    yield* this.all(...args);
  }
}

export class PgDatabase {
  readonly connection: SyncPgConnection;
  readonly isPostgres = true;
  readonly tablesWithId: Set<string>;
  inTransaction = false;
  open = true;
  private savepoints = 0;

  /** The server address without its password: what a log or a message may show. */
  readonly name: string;
  /** This connection's name on the server, carried by its change notifications (open-pg.ts CHANGES_CHANNEL). */
  readonly origin = `scandesk-${randomBytes(6).toString('hex')}`;

  constructor(private readonly url: string) {
    this.name = redactUrl(url);
    this.connection = new SyncPgConnection(url, this.origin);
    this.tablesWithId = new Set();
  }

  /** Tables with an `id` column answer RETURNING id on insert; read again after a migration. */
  learnTables(): void {
    const r = this.connection.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id'`,
    );
    this.tablesWithId.clear();
    for (const row of r.rows) this.tablesWithId.add(row.t);
  }

  prepare(sql: string): PgStatement {
    return new PgStatement(this, translate(sql, this.tablesWithId), sql);
  }

  exec(sql: string): this {
    this.connection.query(sql);
    return this;
  }

  /** The pragmas the engine asks on any store; the SQLite-only ones (WAL, checkpoints) have nothing to do here. */
  pragma(text: string, opts?: { simple?: boolean }): unknown {
    if (text === 'data_version') {
      // Changes when anything was written on the server since we last asked: a cache hint, never a proof of change.
      const lsn = this.connection.query<[string]>('SELECT pg_current_wal_lsn()::text', [], 'array').rows[0]![0];
      return opts?.simple ? lsn : [{ data_version: lsn }];
    }
    return opts?.simple ? undefined : [];
  }

  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & Record<'deferred' | 'immediate' | 'exclusive', (...args: A) => R> {
    const write = (...args: A) => this.inTx(true, () => fn(...args));
    const read = (...args: A) => this.inTx(false, () => fn(...args));
    return Object.assign(write, { deferred: read, immediate: write, exclusive: write });
  }

  /**
   * Counts commits made by other connections, heard on `channel` (LISTEN on a connection of its own, in this thread's
   * event loop). A lost listener counts as a change (the caller re-reads) and reconnects.
   */
  listenForChanges(channel: string, onError: (err: unknown) => void): { count(): number; close(): void; ready: Promise<void> } {
    let heard = 0;
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    let client: pg.Client | null = null;
    let closed = false;
    const connect = () => {
      const c = new pg.Client({ connectionString: this.url, application_name: `${this.origin}-listen` });
      client = c;
      c.on('notification', (n) => {
        if (n.payload !== this.origin) heard++;
      });
      c.on('error', (err) => {
        heard++;
        onError(err);
        void c.end().catch(() => undefined);
        if (!closed) setTimeout(connect, 5_000).unref();
      });
      c.connect()
        .then(() => c.query(`LISTEN ${channel}`))
        .then(() => listening())
        .catch((err: unknown) => c.emit('error', err));
    };
    connect();
    return {
      ready,
      count: () => heard,
      close: () => {
        closed = true;
        void client?.end().catch(() => undefined);
      },
    };
  }

  close(): void {
    this.open = false;
    this.connection.close();
  }

  private inTx<R>(lock: boolean, body: () => R): R {
    if (this.inTransaction) return this.inSavepoint(body);
    this.inTransaction = true;
    try {
      // One round trip; a lock that times out (lock_timeout) fails here and the open transaction is rolled back below.
      this.connection.query(lock ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})` : 'BEGIN');
      const result = body();
      this.connection.query('COMMIT');
      return result;
    } catch (err) {
      this.rollback('ROLLBACK');
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }

  private inSavepoint<R>(body: () => R): R {
    const name = `sp${++this.savepoints}`;
    this.connection.query(`SAVEPOINT ${name}`);
    try {
      const result = body();
      this.connection.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      this.rollback(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
      throw err;
    } finally {
      this.savepoints--;
    }
  }

  private rollback(sql: string): void {
    try {
      this.connection.query(sql);
    } catch (err) {
      if (!(err instanceof PgError)) throw err;
    }
  }
}
