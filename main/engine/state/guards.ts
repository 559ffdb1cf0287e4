// See [Note: one table of lifecycle moves]: the table installed in the database. TEMP triggers are per
// connection and are rebuilt from transitions.ts on every open, so the guard can never disagree with the code that ships with it (a trigger
// stored by a migration would keep an old table after an upgrade).
//
// A disallowed move is refused in production too, not logged and let through: the trigger aborts the statement,
// which rolls back the writer's transaction, so the row keeps its last valid status and the operation fails loudly
// with this message instead of committing half a move. Letting it through would commit a row that no flow
// knows how to leave — the stuck-document failure this guard exists to prevent.
import type { Db } from '../db/open.ts';
import { edges, type Lifecycle } from './transitions.ts';

export const TRANSITION_ABORT = 'SCANDESK_TRANSITION';

const TARGETS: Record<Lifecycle, { table: string; column: string }> = {
  document: { table: 'documents', column: 'status' },
  case: { table: 'cases', column: 'state' },
};

export function allowedList(lifecycle: Lifecycle): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return edges(lifecycle).map(([from, to]) => q(`${from}>${to}`)).join(', ');
}

export function guardSql(lifecycle: Lifecycle): string {
  const { table, column } = TARGETS[lifecycle];
  return `CREATE TEMP TRIGGER IF NOT EXISTS guard_${table}_${column} BEFORE UPDATE OF ${column} ON main.${table}
    WHEN OLD.${column} IS NOT NEW.${column} AND (OLD.${column} || '>' || NEW.${column}) NOT IN (${allowedList(lifecycle)})
    BEGIN SELECT RAISE(ABORT, '${TRANSITION_ABORT}: ${lifecycle} ' || OLD.${column} || ' → ' || NEW.${column} || ' is not an allowed move'); END;`;
}

export function installTransitionGuards(db: Db): void {
  db.exec(guardSql('document'));
  db.exec(guardSql('case'));
}
