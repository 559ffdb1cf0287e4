// Opening the team's PostgreSQL database: the same versions as SQLite (schema.ts; each migration's `pg` text), counted
// in `scandesk_schema` instead of PRAGMA user_version, applied under the write lock so several instances starting
// at once migrate once ([Note: PostgreSQL write transactions queue on one lock]). The lifecycle guard is the same
// table as on SQLite, installed as a trigger ([Note: one table of lifecycle moves]).
import { allowedList, TRANSITION_ABORT } from '../../state/guards.ts';
import type { Lifecycle } from '../../state/transitions.ts';
import { DatabaseError } from '../errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../schema.ts';
import { PgDatabase } from './database.ts';
import { PgError } from './sync-connection.ts';

export function isServerUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

const GUARDED: Record<Lifecycle, { table: string; column: string }> = {
  document: { table: 'documents', column: 'status' },
  case: { table: 'cases', column: 'state' },
};

function guardSql(lifecycle: Lifecycle): string {
  const { table, column } = GUARDED[lifecycle];
  const fn = `guard_${table}_${column}`;
  return `
  CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF OLD.${column} IS DISTINCT FROM NEW.${column} AND (OLD.${column} || '>' || NEW.${column}) NOT IN (${allowedList(lifecycle)}) THEN
      RAISE EXCEPTION '${TRANSITION_ABORT}: ${lifecycle} % → % is not an allowed move', OLD.${column}, NEW.${column};
    END IF;
    RETURN NEW;
  END $$;
  CREATE OR REPLACE TRIGGER ${fn} BEFORE UPDATE OF ${column} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`;
}

// On PostgreSQL ([Note: other instances' changes reach the grid]): every statement that writes a table the grid or the
// settings show notifies `scandesk_changes` with the writing connection's name (its origin), delivered at commit
// and once per transaction; foreign-commits.ts listens and ignores its own origin.
export const CHANGES_CHANNEL = 'scandesk_changes';
const NOTIFYING = ['documents', 'fields', 'cases', 'findings', 'settings', 'doc_claims', 'folders'];

function notifySql(): string {
  const fn = `CREATE OR REPLACE FUNCTION scandesk_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN PERFORM pg_notify('${CHANGES_CHANNEL}', current_setting('application_name')); RETURN NULL; END $$;`;
  const triggers = NOTIFYING.map(
    (t) => `CREATE OR REPLACE TRIGGER ${t}_notify AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION scandesk_notify_change();`,
  );
  return [fn, ...triggers].join('\n');
}

function migratePg(db: PgDatabase): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS scandesk_schema (version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM scandesk_schema').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new DatabaseError(
        `База на сервере создана более новой версией ScanDesk (схема ${current}, эта версия понимает ${SCHEMA_VERSION}). Обновите программу.`,
        'newer-than-app',
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      const m = MIGRATIONS[v]!;
      if (typeof m !== 'object') throw new Error(`Migration ${v + 1} has no PostgreSQL text`);
      if (m.pg.trim() !== '') db.exec(m.pg);
    }
    if (row) db.prepare('UPDATE scandesk_schema SET version = ?').run(SCHEMA_VERSION);
    else db.prepare('INSERT INTO scandesk_schema(version) VALUES (?)').run(SCHEMA_VERSION);
    db.exec(guardSql('document') + guardSql('case') + notifySql());
  })();
}

/** Connect, check the server answers, migrate (unless read-only). Errors are said in the clerk's language. */
export function openPgDatabase(url: string, opts: { readonly?: boolean } = {}): PgDatabase {
  const db = new PgDatabase(url);
  try {
    db.connection.query('SELECT 1');
  } catch (err) {
    db.close();
    const why = err instanceof PgError ? err.message : String(err);
    throw new DatabaseError(`Сервер базы данных ${db.name} недоступен: ${why}`, 'unreachable');
  }
  try {
    if (opts.readonly) db.exec('SET default_transaction_read_only = on');
    else migratePg(db);
    db.learnTables();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
