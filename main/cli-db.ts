// `scandesk db migrate-to <postgres-url>`: this computer's database (or --db FILE) copied into a team's PostgreSQL
// database, with every table's row count checked (db/pg/copy.ts).
import { parse, UsageError } from './cli-args.ts';
import { dbOptions, serverUrl } from './cli.ts';
import { openDatabase } from './engine/db/open.ts';
import { copyToPostgres, CopyRefused } from './engine/db/pg/copy.ts';
import { redactUrl } from './engine/db/pg/database.ts';
import { printable } from '../shared/printable.ts';

const TABLE_RU: Record<string, string> = {
  settings: 'настройки', folders: 'папки', cases: 'дела', documents: 'документы', fields: 'поля', findings: 'замечания проверок',
  audit_events: 'журнал действий', api_requests: 'журнал запросов', exports: 'выгрузки', export_documents: 'документы выгрузок',
  export_templates: 'шаблоны выгрузки', document_exports: 'отметки о выгрузке',
};

export async function cmdDb(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { db: { type: 'string' } }, true);
  const [sub, target] = positionals;
  if (sub !== 'migrate-to' || positionals.length !== 2) {
    throw new UsageError('Укажите: scandesk db migrate-to postgres://…', 'Usage: scandesk db migrate-to postgres://…');
  }
  const url = serverUrl(target);
  if (!url) throw new UsageError('migrate-to: укажите адрес сервера postgres://…', 'migrate-to: give a postgres://… server address');
  if (serverUrl(values.db)) throw new UsageError('--db: здесь нужен файл SQLite, из которого переносить', '--db: give the SQLite file to copy from');
  // The source is a file: SCANDESK_DB_URL or a team server saved in Settings is not read here.
  const source = dbOptions(values.db, undefined, undefined, false);
  const src = openDatabase(source.dbFile, { key: source.dbKey });
  const tty = process.stderr.isTTY === true;
  try {
    const report = await copyToPostgres(src, url, (table, rows) => {
      if (tty) process.stderr.write(`\r${TABLE_RU[table] ?? table}: ${rows}\u001b[K`);
    });
    if (tty) process.stderr.write('\r\u001b[K');
    for (const r of report) process.stderr.write(`${TABLE_RU[r.table] ?? r.table} / ${r.table}: ${r.source} → ${r.copied}\n`);
    process.stderr.write(`Перенесено и сверено / copied and checked → ${printable(redactUrl(url))}\n`);
    return 0;
  } catch (err) {
    if (err instanceof CopyRefused) throw new UsageError(err.ru, err.en);
    throw err;
  } finally {
    src.close();
  }
}
