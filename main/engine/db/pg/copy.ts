// `scandesk db migrate-to <postgres-url>`: an existing SQLite database (one clerk's) copied into a new team database.
// The target is created at the same schema version by the same migrations; rows keep their ids (so audit, exports and
// findings still point at the right documents) and the identity counters continue after them. Everything is copied
// in one transaction and committed only when every table's count on the server equals the count in the file: a
// failure leaves the server as it was. Claims, leases and request slots are not copied: they belong to running
// instances, and none runs during the copy.
import pg from 'pg';
import type { Db } from '../open.ts';
import { openPgDatabase } from './open-pg.ts';

/** In foreign-key order. */
export const COPIED_TABLES = [
  'settings', 'folders', 'cases', 'documents', 'fields', 'findings', 'audit_events', 'api_requests',
  'exports', 'export_documents', 'export_templates', 'document_exports',
] as const;

/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMS = 60_000;

export type CopyReport = { table: string; source: number; copied: number }[];

export class CopyRefused extends Error {
  constructor(
    readonly ru: string,
    readonly en: string,
  ) {
    super(en);
  }
}

function columnsOf(src: Db, table: string): string[] {
  return (src.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
}

async function insertBatch(client: pg.Client, table: string, cols: string[], rows: unknown[][]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);
  await client.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')}`, params);
}

async function copyTable(src: Db, client: pg.Client, table: string, onRows: (n: number) => void): Promise<number> {
  const cols = columnsOf(src, table);
  // A duplicate may point at a later document (a file re-decided after another): those links follow in a second pass.
  const deferred = table === 'documents' ? cols.indexOf('duplicate_of') : -1;
  const links: [number, number][] = [];
  const perBatch = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
  let batch: unknown[][] = [];
  let n = 0;
  for (const row of src.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).raw().iterate() as IterableIterator<unknown[]>) {
    if (deferred >= 0 && row[deferred] !== null) {
      links.push([row[0] as number, row[deferred] as number]);
      row[deferred] = null;
    }
    batch.push(row);
    if (batch.length === perBatch) {
      await insertBatch(client, table, cols, batch);
      onRows((n += batch.length));
      batch = [];
    }
  }
  if (batch.length > 0) await insertBatch(client, table, cols, batch);
  onRows((n += batch.length));
  for (let i = 0; i < links.length; i += 10_000) {
    const part = links.slice(i, i + 10_000);
    await client.query(
      `UPDATE documents d SET duplicate_of = l.dup FROM unnest($1::bigint[], $2::bigint[]) AS l(id, dup) WHERE d.id = l.id`,
      [part.map((l) => l[0]), part.map((l) => l[1])],
    );
  }
  return n;
}

/** Copy `src` (open, at the current schema) into the empty database at `url`; resolves with each table's counts. */
export async function copyToPostgres(src: Db, url: string, progress: (table: string, rows: number) => void): Promise<CopyReport> {
  openPgDatabase(url).close(); // creates or checks the schema, at this version
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const used = await client.query<{ n: string }>(`SELECT (SELECT COUNT(*) FROM documents) + (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM folders) AS n`);
    if (Number(used.rows[0]!.n) > 0) {
      throw new CopyRefused('В базе на сервере уже есть данные: переносить можно только в пустую базу', 'The server database already holds data: copy into an empty database only');
    }
    await client.query('BEGIN');
    await client.query('DELETE FROM settings; DELETE FROM export_templates');
    const report: CopyReport = [];
    for (const table of COPIED_TABLES) {
      const source = (src.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      // The documents just copied were given empty mark rows by their trigger; the file's rows (one per document)
      // replace them ([Note: a document's export mark row]).
      if (table === 'document_exports') await client.query('DELETE FROM document_exports');
      await copyTable(src, client, table, (n) => progress(table, n));
      const copied = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
      report.push({ table, source, copied });
    }
    const wrong = report.filter((r) => r.source !== r.copied);
    if (wrong.length > 0) {
      throw new CopyRefused(
        `Числа строк не сошлись (${wrong.map((w) => `${w.table}: ${w.source} → ${w.copied}`).join(', ')}); на сервер ничего не записано`,
        `Row counts differ (${wrong.map((w) => `${w.table}: ${w.source} → ${w.copied}`).join(', ')}); nothing was written to the server`,
      );
    }
    for (const r of report) {
      const hasId = (await client.query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = 'id' AND is_identity = 'YES'`, [r.table])).rowCount;
      if (hasId && r.copied > 0) await client.query(`SELECT setval(pg_get_serial_sequence('${r.table}', 'id'), (SELECT MAX(id) FROM ${r.table}))`);
    }
    await client.query('COMMIT');
    // Fresh statistics, so the first grid queries on the copy are planned on its real sizes, and a visibility map, so
    // the grid's counts read the narrow indexes alone (as they do on SQLite) instead of every wide row.
    await client.query('VACUUM ANALYZE');
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
