// Statements whose SQL depends on the request (grid filters, sort keys) are still prepared once per distinct text:
// the text is built only from allowlisted columns and fixed fragments (review/query.ts), never from a caller's
// string, so the number of distinct texts is bounded by the filter combinations; the cache drops the oldest past
// `max` anyway. Values always travel as parameters.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from './open.ts';

export type StatementCache = {
  /** The prepared statement for `sql`, typed by its parameters and row shape. */
  get<P extends unknown[], R>(sql: string): Database.Statement<P, R>;
};

export function createStatementCache(db: Db, max = 256): StatementCache {
  const byText = new Map<string, Database.Statement<unknown[], unknown>>();
  return {
    get<P extends unknown[], R>(sql: string): Database.Statement<P, R> {
      let st = byText.get(sql);
      if (st) {
        byText.delete(sql); // re-insert: most recently used last
      } else {
        st = db.prepare<unknown[], unknown>(sql);
        if (byText.size >= max) byText.delete(byText.keys().next().value!);
      }
      byText.set(sql, st);
      return st as unknown as Database.Statement<P, R>;
    },
  };
}
