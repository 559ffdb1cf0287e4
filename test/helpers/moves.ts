// Which lifecycle moves a test's real flows made ([Note: one table of lifecycle moves]): a per-connection SQL
// function fed by TEMP triggers, so a test can assert that a flow went along the edges it is meant to exercise.
// On PostgreSQL (the parity run) triggers write the moves to a table, read into the set whenever the set is read.
import { isPostgres, type Db } from '../../main/engine/db/open.ts';
import { SyncPgConnection } from '../../main/engine/db/pg/sync-connection.ts';

export function recordMoves(db: Db, into: Set<string>): void {
  if (isPostgres(db)) return recordMovesOnPostgres(db, into);
  db.function('scandesk_record_move', (lifecycle: unknown, from: unknown, to: unknown) => {
    into.add(`${String(lifecycle)} ${String(from)}→${String(to)}`);
    return null;
  });
  db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS record_documents_status AFTER UPDATE OF status ON main.documents WHEN OLD.status IS NOT NEW.status
      BEGIN SELECT scandesk_record_move('document', OLD.status, NEW.status); END;
    CREATE TEMP TRIGGER IF NOT EXISTS record_cases_state AFTER UPDATE OF state ON main.cases WHEN OLD.state IS NOT NEW.state
      BEGIN SELECT scandesk_record_move('case', OLD.state, NEW.state); END;`);
}

const readersOf = new WeakMap<Set<string>, SyncPgConnection[]>();

function recordMovesOnPostgres(db: Db, into: Set<string>): void {
  const trigger = (table: string, column: string, lifecycle: string) => `
    CREATE OR REPLACE FUNCTION test_record_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.${column} IS DISTINCT FROM NEW.${column} THEN INSERT INTO test_moves(move) VALUES ('${lifecycle} ' || OLD.${column} || '→' || NEW.${column}); END IF;
      RETURN NEW;
    END $$;
    CREATE OR REPLACE TRIGGER test_record_${table} AFTER UPDATE OF ${column} ON ${table} FOR EACH ROW EXECUTE FUNCTION test_record_${table}();`;
  db.exec(`CREATE TABLE IF NOT EXISTS test_moves (move TEXT NOT NULL);${trigger('documents', 'status', 'document')}${trigger('cases', 'state', 'case')}`);
  // Read on connections of their own (the set is often read after the test's engines stopped), one per database the
  // set has recorded (each test may use its own).
  const readers = readersOf.get(into) ?? [];
  readersOf.set(into, readers);
  readers.push(new SyncPgConnection((db as unknown as { url: string }).url));
  const refresh = () => {
    for (const reader of readers) {
      for (const [m] of reader.query<[string]>('SELECT DISTINCT move FROM test_moves', [], 'array').rows) Set.prototype.add.call(into, m);
    }
  };
  const proto = Set.prototype;
  // Redefined by a later call (the test's next engine): the table lives on in the database, so nothing is lost.
  const own = <T>(value: T) => ({ value, configurable: true });
  Object.defineProperties(into, {
    size: { get: () => (refresh(), Reflect.get(proto, 'size', into) as number), configurable: true },
    has: own((v: string) => (refresh(), proto.has.call(into, v))),
    values: own(() => (refresh(), proto.values.call(into))),
    forEach: own((fn: (v: string, k: string, s: Set<string>) => void) => (refresh(), proto.forEach.call(into, fn))),
    [Symbol.iterator]: own(() => (refresh(), proto[Symbol.iterator].call(into))),
  });
}
