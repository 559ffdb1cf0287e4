// Headless CLI (`npx scandesk …`): process | export | sim | demo | web. The same engine as the desktop app, so a
// batch run from a script or a scheduler leaves exactly what the clerk would see in the grid.
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, type Engine } from './engine/app.ts';
import { installLastResortGuard } from './engine/last-resort.ts';
import { createLogger } from './engine/log.ts';
import { dataPaths, defaultDataDir } from './engine/paths.ts';
import { makeProcessPrivate, preparePrivateDataDir } from './engine/private-fs.ts';
import { createMemorySecretStore, credentialsFromEnv, type Credentials } from './engine/secrets.ts';
import { isPlainDatabase, migratePlainDatabase, resolveDbKey } from './engine/db/keys.ts';
import { isServerUrl } from './engine/db/pg/open-pg.ts';
import { serverAddressStoreOf } from './engine/team/server-address.ts';
import type { Settings } from '../shared/settings.ts';
import { printable } from '../shared/printable.ts';
import { EXIT_OK, printSummary, startProgress, summarise } from './cli-output.ts';
import { CSV_PRESETS, EXPORT_FORMATS, type ExportOptions, type ExportScope } from '../shared/api/export.ts';
import { QUICK_FILTERS, type QuickFilter } from '../shared/api/documents.ts';
import { assertNever, DOC_TYPES, type DocType } from '../shared/types.ts';
import { FIELD_LABELS } from '../shared/fields.ts';
import { UserError } from './engine/dispatch.ts';
import { COMMAND_HELP, HELP, wantsHelp, type HelpCommand } from './cli-help.ts';
import { num, oneOf, parse, UsageError } from './cli-args.ts';
import { cmdDemo, cmdSim } from './cli-demo.ts';
import { runProcessInWorker } from './cli-host.ts';
import { cmdDb } from './cli-db.ts';

const EXIT_USAGE = 2;

/**
 * Open parameters for the DB: a team server (`--db postgres://…` or SCANDESK_DB_URL; this computer's data folder
 * keeps logs and the upload cache), an explicit --db file, else the encrypted DB of a data folder (the app's own
 * unless a private one is given — demo), which is made private first ([Note: the data folder is private]).
 */
export function dbOptions(
  dbFlag: string | undefined,
  ownDataDir = defaultDataDir(),
  envUrl = process.env.SCANDESK_DB_URL,
  savedServer = true,
): { dataDir: string; dbFile: string; dbKey: string | null } {
  const server = serverUrl(dbFlag ?? envUrl);
  if (server) {
    preparePrivateDataDir(ownDataDir);
    return { dataDir: ownDataDir, dbFile: server, dbKey: null };
  }
  if (dbFlag) {
    const dbFile = path.resolve(dbFlag);
    const envKey = process.env.SCANDESK_DB_KEY?.trim() || null;
    // An explicit file stays as it is: plain unless SCANDESK_DB_KEY is given (or the file is already encrypted).
    if (!envKey && fs.existsSync(dbFile) && !isPlainDatabase(dbFile)) {
      // Encrypted by a browser-mode run on its data folder (e.g. a demo opened with `web --data-dir`): its key file
      // sits beside it.
      if (fs.existsSync(dataPaths(path.dirname(dbFile)).dbKey)) return { dataDir: path.dirname(dbFile), dbFile, dbKey: resolveDbKey(path.dirname(dbFile)).key };
      throw new UsageError('База зашифрована: задайте SCANDESK_DB_KEY', 'Database is encrypted: set SCANDESK_DB_KEY');
    }
    return { dataDir: path.dirname(dbFile), dbFile, dbKey: envKey };
  }
  const dataDir = ownDataDir;
  preparePrivateDataDir(dataDir);
  const { key } = resolveDbKey(dataDir);
  // The team server saved in Settings on this computer, when there is one.
  const saved = savedServer ? serverAddressStoreOf(dataDir, key).get() : null;
  if (saved) return { dataDir, dbFile: saved, dbKey: null };
  const dbFile = dataPaths(dataDir).db;
  migratePlainDatabase(dbFile, key);
  return { dataDir, dbFile, dbKey: key };
}

/**
 * A team server's address (postgres:// or postgresql://), or undefined for a file path. Any other scheme is refused,
 * never taken for a file name (a folder called «http:»). The address is never repeated back: it may hold a password.
 */
export function serverUrl(value: string | undefined): string | undefined {
  if (!value || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  if (!isServerUrl(value)) throw new UsageError('--db: укажите файл базы или адрес сервера postgres://…', '--db: give a database file or a postgres://… server address');
  try {
    new URL(value);
  } catch {
    throw new UsageError('--db: адрес сервера PostgreSQL записан неверно (postgres://пользователь:пароль@сервер:5432/база)', '--db: malformed PostgreSQL address (postgres://user:password@host:5432/db)');
  }
  return value;
}

async function registerFolder(engine: Engine, folder: string, o: { type: DocType; settleMs?: number; poll: boolean; move: boolean }): Promise<void> {
  const options = {
    ...(o.settleMs !== undefined ? { settleMs: o.settleMs } : {}),
    polling: o.poll ? ('on' as const) : ('auto' as const),
    originals: o.move ? ('move' as const) : ('keep' as const),
  };
  const list = (await engine.request('folders:list', {}));
  const existing = list.find((f) => path.resolve(f.path) === folder);
  if (existing) await engine.request('folders:update', { id: existing.id, defaultType: o.type, options, enabled: true });
  else await engine.request('folders:add', { path: folder, defaultType: o.type, options });
}

export type ProcessRun = {
  folder: string; once: boolean; setUp?: boolean; db?: string; dataDir?: string; json: boolean; settings: Partial<Settings>; creds: Credentials;
  type: DocType; settleMs?: number; poll: boolean; move: boolean;
  /** Whether the clerk's stderr is a terminal (the worker's own is not: main/cli-host.ts). */
  tty?: boolean;
};

/** The batch itself; runs in the CLI's worker thread (main/cli-worker.ts). Watching ends when `stopRequested` settles. */
export async function runProcess(run: ProcessRun, stopRequested: Promise<void>): Promise<number> {
  const dbo = dbOptions(run.db, run.dataDir);
  const engine = await createEngine({
    ...dbo,
    mode: 'cli',
    secrets: createMemorySecretStore(run.creds, 'env'),
    settingsOverrides: run.settings,
    log: createLogger({ file: dataPaths(dbo.dataDir).logs }),
  });
  installLastResortGuard({ log: engine.ctx.log });
  let stopProgress: (() => void) | null = null;
  try {
    await registerFolder(engine, run.folder, run);
    // A demo's database opens in the app on its workspace, not on the first-run screen.
    if (run.setUp) await engine.request('app:first-run-done', {});
    stopProgress = startProgress(engine, run.tty ?? process.stderr.isTTY === true);
    if (run.once) {
      await engine.intake.scanNow();
      await engine.intake.settled();
      await engine.queue.idle();
      await engine.intake.settled(); // finished cases move their originals: counted in the summary
    } else {
      process.stderr.write(`Слежу за папкой / watching ${printable(run.folder)} (Ctrl+C — остановить / to stop)\n`);
      await stopRequested;
      process.stderr.write('\nОстановка: дожидаюсь отправок в пути… / stopping: draining in-flight uploads…\n');
    }
    stopProgress();
    stopProgress = null;
    const s = summarise(engine);
    printSummary(s, run.json);
    return run.once ? s.exitCode : EXIT_OK;
  } finally {
    stopProgress?.();
    await engine.stop();
  }
}

async function cmdProcess(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      once: { type: 'boolean' }, db: { type: 'string' }, 'api-url': { type: 'string' }, concurrency: { type: 'string' }, rps: { type: 'string' },
      'settle-ms': { type: 'string' }, poll: { type: 'boolean' }, 'daily-cap': { type: 'string' }, 'move-processed': { type: 'boolean' },
      'upload-timeout-ms': { type: 'string' },
      type: { type: 'string' }, json: { type: 'boolean' }, token: { type: 'string' }, 'machine-uid': { type: 'string' }, 'project-id': { type: 'string' },
    },
    true,
  );
  serverUrl(values.db ?? process.env.SCANDESK_DB_URL);
  if (positionals.length !== 1) throw new UsageError('Укажите одну папку: scandesk process <папка>', 'Give exactly one folder: scandesk process <folder>');
  const folder = path.resolve(positionals[0]!);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`Папка не найдена: ${folder}`, `Folder not found: ${folder}`);
  const type = (values.type ?? 'PASSPORT').toUpperCase();
  if (!(DOC_TYPES as readonly string[]).includes(type)) throw new UsageError('--type: PASSPORT, INN или SELFIE', '--type must be PASSPORT, INN or SELFIE');
  const creds = credentialsFromEnv(process.env, {
    ...(values.token ? { token: values.token } : {}),
    ...(values['machine-uid'] ? { machineUid: values['machine-uid'] } : {}),
    ...(values['project-id'] ? { projectId: values['project-id'] } : {}),
  });
  if (!creds)
    throw new UsageError(
      'Нет учётных данных Beorg: задайте BEORG_TOKEN, BEORG_MACHINE_UID, BEORG_PROJECT_ID (или --token, --machine-uid, --project-id)',
      'Missing Beorg credentials: set BEORG_TOKEN, BEORG_MACHINE_UID, BEORG_PROJECT_ID (or --token, --machine-uid, --project-id)',
    );
  const apiUrl = values['api-url'] ?? 'https://api.beorg.ru';
  try {
    new URL(apiUrl);
  } catch {
    throw new UsageError(`--api-url: неверный адрес ${apiUrl}`, `--api-url: invalid URL ${apiUrl}`);
  }
  const settings: Partial<Settings> = { apiUrl };
  const concurrency = num(values.concurrency, 'concurrency', 1, 64);
  const rps = num(values.rps, 'rps', 0.1, 100);
  const dailyCap = num(values['daily-cap'], 'daily-cap', 0, 1_000_000);
  const uploadTimeoutMs = num(values['upload-timeout-ms'], 'upload-timeout-ms', 1000, 900_000);
  if (concurrency !== undefined) settings.concurrency = Math.round(concurrency);
  if (rps !== undefined) settings.rps = rps;
  if (dailyCap !== undefined) settings.dailyCap = Math.round(dailyCap);
  if (uploadTimeoutMs !== undefined) settings.uploadTimeoutMs = Math.round(uploadTimeoutMs);
  return runProcessInWorker({
    folder, once: values.once === true, db: values.db, json: values.json === true, settings, creds, type: type as DocType,
    settleMs: num(values['settle-ms'], 'settle-ms', 200, 600_000), poll: values.poll === true, move: values['move-processed'] === true,
  });
}

const ID_LIST = /^\d+(,\d+)*$/;

/** `scandesk export` flags → the same ExportOptions the export dialog sends (one options type, one export path). */
export function parseExportArgs(argv: string[]): { options: ExportOptions; out: string; db: string | undefined } {
  const { values } = parse(argv, {
    db: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, preset: { type: 'string' },
    'only-verified': { type: 'boolean' }, 'include-unrecognised': { type: 'boolean' }, template: { type: 'string' }, lang: { type: 'string' },
    filter: { type: 'string' }, ids: { type: 'string' }, case: { type: 'string' },
  });
  serverUrl(values.db ?? process.env.SCANDESK_DB_URL);
  const format = oneOf(EXPORT_FORMATS, values.format, 'format');
  if (!format) throw new UsageError(`Укажите --format: ${EXPORT_FORMATS.join(', ')}`, `Give --format: ${EXPORT_FORMATS.join(', ')}`);
  if (!values.out) throw new UsageError('Укажите --out ФАЙЛ', 'Give --out FILE');
  if (values.preset !== undefined && format !== 'csv') throw new UsageError('--preset относится только к --format csv', '--preset applies to --format csv only');
  const scopes = [values.filter, values.ids, values.case].filter((v) => v !== undefined);
  if (scopes.length > 1) throw new UsageError('Укажите не больше одного из --filter, --ids, --case', 'Give at most one of --filter, --ids, --case');
  let scope: ExportScope = { kind: 'all' };
  const quick = oneOf<QuickFilter>(QUICK_FILTERS, values.filter, 'filter');
  if (quick) scope = { kind: 'filter', filter: { quick } };
  if (values.ids !== undefined) {
    const ids = ID_LIST.test(values.ids.replace(/\s+/g, '')) ? values.ids.replace(/\s+/g, '').split(',').map(Number) : [];
    if (ids.length === 0 || ids.some((n) => n < 1 || !Number.isSafeInteger(n))) throw new UsageError('--ids: номера документов через запятую, например 1,2,3', '--ids: comma-separated document ids, e.g. 1,2,3');
    scope = { kind: 'selection', ids: [...new Set(ids)] };
  }
  const caseId = num(values.case, 'case', 1, Number.MAX_SAFE_INTEGER);
  if (caseId !== undefined) {
    if (!Number.isInteger(caseId)) throw new UsageError('--case: номер дела — целое число', '--case: the case id is an integer');
    scope = { kind: 'case', caseId };
  }
  const options: ExportOptions = {
    format,
    csvPreset: oneOf(CSV_PRESETS, values.preset, 'preset') ?? 'excel-ru',
    scope,
    onlyVerified: values['only-verified'] === true,
    includeUnrecognised: values['include-unrecognised'] === true,
    headerLanguage: oneOf(['ru', 'en'] as const, values.lang, 'lang') ?? 'ru',
    ...(values.template !== undefined ? { templateId: values.template } : {}),
  };
  return { options, out: path.resolve(values.out), db: values.db };
}

/** What the export dialog would have said: files left out for having no data, identifiers a CSV loses zeros from. */
async function exportNotes(engine: Engine, options: ExportOptions): Promise<string> {
  const { createTemplateStore, previewExport } = await import('./engine/export/index.ts');
  const template = createTemplateStore(engine.ctx.db).get(options.templateId ?? 'default');
  const p = previewExport(engine.ctx.db, options, template, engine.ctx.settings.get().confidenceThreshold);
  let text = '';
  if (p.withoutData > 0) {
    text += `Не выгружено файлов без данных (сбои, отклонённые, пропущенные, дубликаты): ${p.withoutData}; добавить их: --include-unrecognised\n` +
      `Files without data left out: ${p.withoutData}; add them with --include-unrecognised\n`;
  }
  if (options.format === 'csv' && p.leadingZero) {
    const { field, value } = p.leadingZero;
    const label = FIELD_LABELS[field] ?? { ru: field, en: field };
    const stripped = value.replace(/^0+(?=\d)/, '');
    text += `Внимание: номера с ведущим нулём (${label.ru} ${value}) Excel и LibreOffice при открытии CSV двойным щелчком превращают в ${stripped}; XLSX их сохраняет (--format xlsx)\n` +
      `Note: spreadsheets opening this CSV by double-click turn ${value} (${label.en}) into ${stripped}; XLSX keeps it (--format xlsx)\n`;
  }
  return text;
}

async function cmdExport(argv: string[]): Promise<number> {
  const { options, out, db } = parseExportArgs(argv);
  if (db && !serverUrl(db) && !fs.existsSync(db)) throw new UsageError(`База не найдена: ${db}`, `Database not found: ${db}`);
  const dbo = dbOptions(db);
  const engine = await createEngine({ ...dbo, mode: 'cli', autoStart: false, log: createLogger({}) });
  try {
    const { exportToFile, createTemplateStore } = await import('./engine/export/index.ts');
    // An unknown template is a usage error (exit 2, both languages), found before anything is logged as an export.
    try {
      createTemplateStore(engine.ctx.db).get(options.templateId ?? 'default');
    } catch (err) {
      if (err instanceof UserError) throw new UsageError(`--template: ${err.messageRu}`, `--template: ${err.message}`);
      throw err;
    }
    const res = await exportToFile(engine.ctx, options, out);
    process.stderr.write(`Выгружено строк / rows exported: ${res.rows} → ${printable(res.file)}\n`);
    process.stderr.write(await exportNotes(engine, options));
    return EXIT_OK;
  } finally {
    await engine.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  makeProcessPrivate(); // [Note: the data folder is private]
  // See [Note: no client input ends the process]: for every long-running command (web, process, sim, demo).
  if (cmd !== undefined && !['--help', '-h', 'help', 'export'].includes(cmd)) installLastResortGuard();
  try {
    switch (cmd) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return cmd === undefined ? EXIT_USAGE : EXIT_OK;
      case 'process':
      case 'export':
      case 'sim':
      case 'demo':
      case 'db':
      case 'web':
        if (wantsHelp(rest)) {
          process.stdout.write(COMMAND_HELP[cmd satisfies HelpCommand]);
          return EXIT_OK;
        }
        return await runCommand(cmd, rest);
      default:
        throw new UsageError(`Неизвестная команда: ${cmd}. См. scandesk --help`, `Unknown command: ${cmd}. See scandesk --help`);
    }
  } catch (err) {
    return reportError(err);
  }
}

async function runCommand(cmd: HelpCommand, rest: string[]): Promise<number> {
  switch (cmd) {
    case 'process':
      return cmdProcess(rest);
    case 'export':
      return cmdExport(rest);
    case 'sim':
      return cmdSim(rest);
    case 'demo':
      return cmdDemo(rest, runProcessInWorker);
    case 'db':
      return cmdDb(rest);
    case 'web': {
      const web = (await import('./web/server.ts')) as { runWebCli?: (a: string[]) => Promise<number> };
      if (!web.runWebCli) throw new UsageError('Браузерный режим недоступен', 'Browser mode is not available');
      return web.runWebCli(rest);
    }
    default:
      return assertNever(cmd, 'command');
  }
}

// Messages carry paths and names as given: one line each, control characters escaped.
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`scandesk: ${printable(err.ru)}\nscandesk: ${printable(err.en)}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof UserError) {
    process.stderr.write(`scandesk: ${printable(err.messageRu)}\nscandesk: ${printable(err.message)}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`scandesk: ошибка / error: ${printable(message)}\n`);
  return EXIT_USAGE;
}
