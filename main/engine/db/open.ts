// The one place a database connection is opened: WAL, foreign keys, busy timeout, migrate.
// better-sqlite3-multiple-ciphers is better-sqlite3 with SQLCipher built in (same API): the DB file is
// encrypted at rest when a key is given ([Note: DB encrypted at rest]); see main/engine/db/keys.ts for where keys come from.
import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import path from 'node:path';
import { installTransitionGuards } from '../state/guards.ts';
import { DatabaseError } from './errors.ts';
import type { PgDatabase, PgStatement } from './pg/database.ts';
import { isServerUrl, openPgDatabase } from './pg/open-pg.ts';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './schema.ts';

export type Db = Database.Database;

export type OpenOptions = {
  /** 32-byte key as hex. When absent the file is plain (tests may opt out; the app never does). */
  key?: string | null;
  readonly?: boolean;
};

export { DatabaseError } from './errors.ts';

/** The team's PostgreSQL store (db/pg/database.ts) rather than an SQLite file. */
export function isPostgres(db: Db): db is Db & PgDatabase {
  return (db as unknown as { isPostgres?: boolean }).isPostgres === true;
}

/**
 * Starts a statement and returns a function that gives its rows. On PostgreSQL the statement is on its way to the
 * server at once and the caller goes on working while it runs ([Note: pipelined statements]); on SQLite it runs now.
 * Call the returned function every time: it is also where the statement's error is thrown.
 */
export function startAll<R>(stmt: Database.Statement, ...args: unknown[]): () => R[] {
  if (isPgStatement(stmt)) return stmt.sendAll(...args) as () => R[];
  return ranNow(() => stmt.all(...args) as R[]);
}

/**
 * startAll for one page of a keyset read whose last parameters are the keyset (`keys`: the columns that give the next
 * page's values, in order). On PostgreSQL the page after a full one (`size` rows) is read ahead ([Note: pages read
 * ahead]).
 */
export function startPage<R>(stmt: Database.Statement, keyset: { keys: string[]; size: number }, ...args: unknown[]): () => R[] {
  if (isPgStatement(stmt)) return stmt.sendPage(keyset, ...args) as () => R[];
  return ranNow(() => stmt.all(...args) as R[]);
}

/** startAll for a statement that returns no rows (an insert, an update). */
export function startRun(stmt: Database.Statement, ...args: unknown[]): () => void {
  if (isPgStatement(stmt)) {
    const answer = stmt.sendRun(...args);
    return () => void answer();
  }
  return ranNow(() => void stmt.run(...args));
}

/** SQLite's answer, given the way PostgreSQL's comes: an error is thrown when the answer is asked for. */
function ranNow<T>(run: () => T): () => T {
  try {
    const result = run();
    return () => result;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

function isPgStatement(stmt: Database.Statement): stmt is Database.Statement & PgStatement {
  return typeof (stmt as unknown as Partial<PgStatement>).sendAll === 'function';
}

/** A SQLite file, or a team's PostgreSQL server (`postgres://…`; the key does not apply: the server guards its data). */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (isServerUrl(file)) return openPgDatabase(file, { readonly: opts.readonly ?? false }) as unknown as Db;
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, { readonly: opts.readonly ?? false });
  try {
    if (opts.key) applyKey(db, opts.key);
    // Touch the schema: with a wrong key (or a plain reader on an encrypted file) this throws SQLITE_NOTADB.
    try {
      db.pragma('user_version', { simple: true });
    } catch (err) {
      throw new DatabaseError(`База данных не читается (неверный ключ или файл повреждён): ${String(err)}`, 'wrong-key');
    }
    // Busy timeout first: another instance on the same file may hold the lock while it migrates or switches to WAL.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Deleted rows (delete-case, retention purge) are overwritten with zeros instead of lingering in free pages.
    db.pragma('secure_delete = ON');
    if (!opts.readonly) {
      beginWritesImmediately(db);
      migrate(db);
      installTransitionGuards(db);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

// [Note: write transactions begin IMMEDIATE] Several instances may write one file (a team on a shared folder). A
// deferred transaction that reads, then writes, cannot wait for the lock when another writer committed in between:
// SQLite answers SQLITE_BUSY at once, busy timeout or not. Taking the write lock at BEGIN makes every writer queue
// behind the busy timeout instead. Nested calls stay savepoints; `.deferred` is still there for read-only batches.
function beginWritesImmediately(db: Db): void {
  const plain = db.transaction.bind(db);
  // The `.immediate` variant carries `.deferred`, `.immediate` and `.exclusive` itself (better-sqlite3 sets them on each).
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => plain(fn).immediate) as Db['transaction'];
}

export function applyKey(db: Db, keyHex: string): void {
  if (!/^[0-9a-f]{64}$/i.test(keyHex)) throw new Error('Database key must be 32 bytes of hex');
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma(`legacy = 4`);
  // Raw key syntax (x'..') skips the KDF: the key is already random, not a password.
  db.pragma(`key = "x'${keyHex}'"`);
}

export function migrate(db: Db): void {
  if (checkVersion(db) === SCHEMA_VERSION) return;
  // A table rebuild (migration 4) drops and renames tables that others reference: with foreign keys on, the DROP
  // would cascade into fields and findings. SQLite ignores this pragma inside a transaction, hence here; the
  // transaction checks every reference before it commits (SQLite's documented ALTER TABLE procedure).
  const fk = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    // The version is read again under the write lock: two instances opening one new file at once migrate it once,
    // the second waiting (busy timeout) and then finding nothing to do.
    db.transaction(() => {
      const current = checkVersion(db); // under the write lock ([Note: write transactions begin IMMEDIATE])
      for (let v = current; v < SCHEMA_VERSION; v++) runMigration(db, MIGRATIONS[v]!);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new DatabaseError(`Миграция нарушила ссылки между таблицами (${broken.length})`, 'corrupt');
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } finally {
    db.pragma(`foreign_keys = ${fk ? 'ON' : 'OFF'}`);
  }
}

function checkVersion(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new DatabaseError(
      `Файл базы создан более новой версией ScanDesk (схема ${current}, эта версия понимает ${SCHEMA_VERSION}). Обновите программу.`,
      'newer-than-app',
    );
  }
  return current;
}

function runMigration(db: Db, m: Migration): void {
  const step = m.sqlite;
  if (typeof step === 'string') db.exec(step);
  else step(db);
}
