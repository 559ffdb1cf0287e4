// How PostgreSQL values come back: int8 (counts, ids, epoch-ms times) and numeric (sums) as numbers, booleans as 1/0 —
// what the same query returns on SQLite, so the code above reads one shape from both stores. Given per client
// (never set globally), for the connection threads (worker.ts) and the export sessions (session.ts) alike.
import pg from 'pg';

const PARSERS: Record<number, (v: string) => unknown> = {
  20: (v) => Number(v),
  1700: (v) => Number(v),
  16: (v) => (v === 't' ? 1 : 0),
};

export const SQLITE_LIKE_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    PARSERS[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};
