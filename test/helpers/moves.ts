// Which lifecycle moves a test's real flows made ([Note: one table of lifecycle moves]): a per-connection SQL
// function fed by TEMP triggers, so a test can assert that a flow went along the edges it is meant to exercise.
import type { Db } from '../../main/engine/db/open.ts';

export function recordMoves(db: Db, into: Set<string>): void {
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
