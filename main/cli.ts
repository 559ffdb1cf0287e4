// Headless CLI (`npx scandesk …`): process | export | sim | demo | web. The same engine as the desktop app, so a
// batch run from a script or a scheduler leaves exactly what the clerk would see in the grid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createEngine, type Engine } from './engine/app.ts';
import { createLogger } from './engine/log.ts';
import { dataPaths, defaultDataDir } from './engine/paths.ts';
import { createMemorySecretStore, credentialsFromEnv, type Credentials } from './engine/secrets.ts';
import { isPlainDatabase, migratePlainDatabase, resolveDbKey } from './engine/db/keys.ts';
import type { Settings } from '../shared/settings.ts';
import type { QueueState } from '../shared/api/queue.ts';
import { CSV_PRESETS, EXPORT_FORMATS, type ExportOptions, type ExportScope } from '../shared/api/export.ts';
import { QUICK_FILTERS, type QuickFilter } from '../shared/api/documents.ts';
import { DOC_TYPES, type DocType } from '../shared/types.ts';
import { UserError } from './engine/dispatch.ts';

const EXIT_OK = 0;
const EXIT_USAGE = 2;
const EXIT_SOME_FAILED = 3;

class UsageError extends Error {
  constructor(
    readonly ru: string,
    readonly en: string,
  ) {
    super(en);
  }
}

const HELP = `ScanDesk — пакетное распознавание сканов через Beorg / batch recognition of scans via Beorg

Команды / commands:
  scandesk process <папка/folder> [--once] [--db FILE] [--api-url URL] [--concurrency N] [--rps R]
                   [--settle-ms N] [--poll] [--daily-cap N] [--upload-timeout-ms N] [--move-processed]
                   [--type PASSPORT|INN|SELFIE] [--json] [--token T --machine-uid U --project-id P]
      Обработать папку (с --once: всё, что есть сейчас, и выйти; иначе следить до Ctrl+C).
      Process a folder (--once: everything present now, then exit; otherwise watch until Ctrl+C).
      Учётные данные / credentials: BEORG_TOKEN, BEORG_MACHINE_UID, BEORG_PROJECT_ID (флаги важнее / flags win).
      Коды выхода / exit codes: 0 всё распознано / all recognised; 3 есть ошибки / some failed, rejected or
      uncertain, or an original not moved; 2 ошибка запуска / usage or configuration error.
  scandesk export --format xlsx|csv|json|ndjson --out FILE [--db FILE] [--preset excel-ru|excel-utf16|rfc4180]
                  [--filter БЫСТРЫЙ_ФИЛЬТР | --ids 1,2,3 | --case ID] [--only-verified]
                  [--template default|1c-persons|ID] [--lang ru|en]
      Выгрузить результаты, те же параметры, что в окне «Экспорт» / export results with the export dialog's options.
      --filter: ${QUICK_FILTERS.join(', ')}. Без --filter/--ids/--case — все документы / all documents.
      --lang: язык заголовков / header language (ru по умолчанию / default ru).
  scandesk sim [--port N] [--time-scale X] [--rps-limit R]
      Запустить симулятор Beorg API / run the local Beorg API simulator.
  scandesk demo [--folder DIR] [--count N]
      Создать примеры сканов и обработать их на симуляторе / generate sample scans and process them on the simulator.
  scandesk web …   браузерный режим / browser mode
  scandesk --help
`;

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, positionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError(`Неверные параметры: ${(err as Error).message}`, `Invalid arguments: ${(err as Error).message}`);
  }
}

function num(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name}: ожидается число от ${min} до ${max}`, `--${name}: expected a number ${min}..${max}`);
  return n;
}

/** Open parameters for the DB: the app's own (encrypted, key from resolveDbKey) or an explicit --db file. */
function dbOptions(dbFlag: string | undefined): { dataDir: string; dbFile: string; dbKey: string | null } {
  if (dbFlag) {
    const dbFile = path.resolve(dbFlag);
    const envKey = process.env.SCANDESK_DB_KEY?.trim() || null;
    // An explicit file stays as it is: plain unless SCANDESK_DB_KEY is given (or the file is already encrypted).
    if (!envKey && fs.existsSync(dbFile) && !isPlainDatabase(dbFile)) throw new UsageError('База зашифрована: задайте SCANDESK_DB_KEY', 'Database is encrypted: set SCANDESK_DB_KEY');
    return { dataDir: path.dirname(dbFile), dbFile, dbKey: envKey };
  }
  const dataDir = defaultDataDir();
  const { key } = resolveDbKey(dataDir);
  const dbFile = dataPaths(dataDir).db;
  migratePlainDatabase(dbFile, key);
  return { dataDir, dbFile, dbKey: key };
}

type Summary = {
  cases: Record<string, number>;
  documents: Record<string, number>;
  /** Accepted add_document requests, and the documents they bill ([Note: what a submission costs]). */
  billable: number;
  billedDocuments: number; moveFailures: number; // + originals still in place after a failed move to Обработано/ or Ошибки/
  failed: { caseId: number; label: string; state: string; reason: string | null }[];
  exitCode: number;
};

function summarise(engine: Engine): Summary {
  const db = engine.ctx.db;
  const cases = Object.fromEntries((db.prepare('SELECT state, COUNT(*) AS n FROM cases GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
  const documents = Object.fromEntries((db.prepare('SELECT status, COUNT(*) AS n FROM documents GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));
  const bill = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(billable), 0) AS docs FROM api_requests WHERE billable > 0').get() as { n: number; docs: number };
  const failed = db
    .prepare(`SELECT id AS caseId, label, state, last_error AS reason FROM cases WHERE state NOT IN ('done','cancelled') ORDER BY id LIMIT 200`)
    .all() as Summary['failed'];
  const bad = (documents.failed ?? 0) + (documents.rejected ?? 0) + (documents.uncertain ?? 0) + (documents.queued ?? 0) + (documents.processing ?? 0) + (documents.sending ?? 0);
  const moveFailures = engine.intake.moveFailures();
  return { cases, documents, billable: bill.n, billedDocuments: bill.docs, failed, moveFailures, exitCode: failed.length === 0 && bad === 0 && moveFailures === 0 ? EXIT_OK : EXIT_SOME_FAILED };
}

function printSummary(s: Summary, json: boolean): void {
  const d = s.documents;
  process.stderr.write(
    `\nИтог / summary: документов ${Object.values(d).reduce((a, b) => a + b, 0)}: распознано ${d.recognised ?? 0}, ошибки ${d.failed ?? 0}, ` +
      `отклонено ${d.rejected ?? 0}, дубликаты ${d.duplicate ?? 0}, неизвестно ${d.uncertain ?? 0}; платных запросов ${s.billable}, оплачено документов ${s.billedDocuments}${s.moveFailures > 0 ? `; оригиналов не перемещено ${s.moveFailures} (причина — в документе)` : ''}\n`,
  );
  for (const f of s.failed.slice(0, 20)) process.stderr.write(`  дело ${f.caseId} «${f.label}»: ${f.state}${f.reason ? ` — ${f.reason}` : ''}\n`);
  if (json) process.stdout.write(`${JSON.stringify(s)}\n`);
}

/** One progress line: counts, docs/min, ETA and, while blocked, why and when the queue tries again. */
export function progressLine(q: QueueState): string {
  const c = q.counts;
  const eta = q.etaMs === null ? '—' : `${Math.ceil(q.etaMs / 1000)} с`;
  const next = q.nextTryAt !== null ? `, следующая попытка в ${new Date(q.nextTryAt).toLocaleTimeString('ru-RU')}` : '';
  const paused = q.pausedReason ? ` [пауза: ${q.pausedMessage ?? q.pausedReason}${next}]` : '';
  return `в очереди ${c.queued}, отправка ${c.sending}, обработка ${c.processing}, готово ${c.recognised}, ошибки ${c.failed} | ${q.docsPerMinute} док/мин, осталось ${eta}${paused}`;
}

function startProgress(engine: Engine): () => void {
  const tty = process.stderr.isTTY === true;
  let last: QueueState | null = null;
  let printed = '';
  const unsub = engine.ctx.events.subscribe((name, payload) => {
    if (name === 'queue:progress') last = payload as QueueState;
  });
  const line = () => {
    if (!last) return;
    const text = progressLine(last);
    // A log file (not a TTY) gets a line only when something changed, so a long idle watch does not flood it.
    if (!tty && text === printed) return;
    printed = text;
    process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
  };
  const timer = setInterval(line, tty ? 500 : 2000);
  return () => {
    clearInterval(timer);
    unsub();
    line();
    if (tty) process.stderr.write('\n');
  };
}

async function registerFolder(engine: Engine, folder: string, o: { type: DocType; settleMs?: number; poll: boolean; move: boolean }): Promise<void> {
  const options = {
    ...(o.settleMs !== undefined ? { settleMs: o.settleMs } : {}),
    polling: o.poll ? ('on' as const) : ('auto' as const),
    originals: o.move ? ('move' as const) : ('keep' as const),
  };
  const list = (await engine.request('folders:list', {})) as { id: number; path: string }[];
  const existing = list.find((f) => path.resolve(f.path) === folder);
  if (existing) await engine.request('folders:update', { id: existing.id, defaultType: o.type, options, enabled: true });
  else await engine.request('folders:add', { path: folder, defaultType: o.type, options });
}

type ProcessRun = { folder: string; once: boolean; db?: string; json: boolean; settings: Partial<Settings>; creds: Credentials; type: DocType; settleMs?: number; poll: boolean; move: boolean };

async function runProcess(run: ProcessRun): Promise<number> {
  const dbo = dbOptions(run.db);
  const engine = await createEngine({
    ...dbo,
    mode: 'cli',
    secrets: createMemorySecretStore(run.creds, 'env'),
    settingsOverrides: run.settings,
    log: createLogger({ file: dataPaths(dbo.dataDir).logs }),
  });
  let stopProgress: (() => void) | null = null;
  try {
    await registerFolder(engine, run.folder, run);
    stopProgress = startProgress(engine);
    if (run.once) {
      await engine.intake.scanNow();
      await engine.intake.settled();
      await engine.queue.idle().then(() => engine.intake.settled()); // then finished cases' originals have moved
    } else {
      process.stderr.write(`Слежу за папкой / watching ${run.folder} (Ctrl+C — остановить / to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
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
  return runProcess({
    folder, once: values.once === true, db: values.db, json: values.json === true, settings, creds, type: type as DocType,
    settleMs: num(values['settle-ms'], 'settle-ms', 200, 600_000), poll: values.poll === true, move: values['move-processed'] === true,
  });
}

const oneOf = <T extends string>(list: readonly T[], v: string | undefined, flag: string): T | undefined => {
  if (v === undefined) return undefined;
  if ((list as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`--${flag}: допустимо ${list.join(', ')}`, `--${flag} must be one of ${list.join(', ')}`);
};

const ID_LIST = /^\d+(,\d+)*$/;

/** `scandesk export` flags → the same ExportOptions the export dialog sends (one options type, one export path). */
export function parseExportArgs(argv: string[]): { options: ExportOptions; out: string; db: string | undefined } {
  const { values } = parse(argv, {
    db: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, preset: { type: 'string' },
    'only-verified': { type: 'boolean' }, template: { type: 'string' }, lang: { type: 'string' },
    filter: { type: 'string' }, ids: { type: 'string' }, case: { type: 'string' },
  });
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
    headerLanguage: oneOf(['ru', 'en'] as const, values.lang, 'lang') ?? 'ru',
    ...(values.template !== undefined ? { templateId: values.template } : {}),
  };
  return { options, out: path.resolve(values.out), db: values.db };
}

async function cmdExport(argv: string[]): Promise<number> {
  const { options, out, db } = parseExportArgs(argv);
  if (db && !fs.existsSync(db)) throw new UsageError(`База не найдена: ${db}`, `Database not found: ${db}`);
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
    process.stderr.write(`Выгружено строк / rows exported: ${res.rows} → ${res.file}\n`);
    return EXIT_OK;
  } finally {
    await engine.stop();
  }
}

async function cmdSim(argv: string[]): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, 'time-scale': { type: 'string' }, 'rps-limit': { type: 'string' } });
  const { startSimulator, SIM_CREDENTIALS } = await import('./engine/sim/server.ts');
  const port = num(values.port, 'port', 0, 65535);
  const timeScale = num(values['time-scale'], 'time-scale', 0.0001, 100);
  const rps = num(values['rps-limit'], 'rps-limit', 0.1, 10_000);
  const sim = await startSimulator({
    ...(port !== undefined ? { port } : {}),
    config: { ...(timeScale !== undefined ? { timeScale } : {}), ...(rps !== undefined ? { rateLimit: { perSecond: rps, burst: Math.max(1, Math.ceil(rps)) } } : {}) },
  });
  // First stdout line is machine-readable (tests and scripts read it).
  process.stdout.write(`SIM_URL=${sim.url}\n`);
  process.stdout.write(
    `Симулятор Beorg / Beorg simulator: ${sim.url}\n  BEORG_TOKEN=${SIM_CREDENTIALS.token}\n  BEORG_MACHINE_UID=${SIM_CREDENTIALS.machineUid}\n  BEORG_PROJECT_ID=${SIM_CREDENTIALS.projectId}\n(демо-данные, не настоящие / demo credentials) Ctrl+C — остановить / to stop\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return EXIT_OK;
}

async function cmdDemo(argv: string[]): Promise<number> {
  const { values } = parse(argv, { folder: { type: 'string' }, count: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' } });
  const count = num(values.count, 'count', 1, 10_000) ?? 12;
  const folder = path.resolve(values.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-demo-')));
  const { generateSamples, demoScenarioFor } = await import('./engine/samples/index.ts');
  const { startSimulator, SIM_CREDENTIALS } = await import('./engine/sim/server.ts');
  process.stderr.write(`Создаю ${count} комплектов сканов в ${folder} / generating ${count} sample sets…\n`);
  await generateSamples({ dir: folder, count: Math.round(count), layout: 'mixed', scenarioFor: demoScenarioFor });
  const sim = await startSimulator({ config: { timeScale: 0.05 } });
  try {
    return await runProcess({
      folder, once: true, db: values.db ?? path.join(folder, '..', `${path.basename(folder)}.scandesk.db`), json: values.json === true,
      settings: { apiUrl: sim.url, pollFirstDelayMs: 300, pollMaxIntervalMs: 2000, rps: 20, burst: 10, concurrency: 8 },
      creds: { ...SIM_CREDENTIALS }, type: 'PASSPORT', poll: false, move: false,
    });
  } finally {
    await sim.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return cmd === undefined ? EXIT_USAGE : EXIT_OK;
      case 'process':
        return await cmdProcess(rest);
      case 'export':
        return await cmdExport(rest);
      case 'sim':
        return await cmdSim(rest);
      case 'demo':
        return await cmdDemo(rest);
      case 'web': {
        const web = (await import('./web/server.ts')) as { runWebCli?: (a: string[]) => Promise<number> };
        if (!web.runWebCli) throw new UsageError('Браузерный режим недоступен', 'Browser mode is not available');
        return await web.runWebCli(rest);
      }
      default:
        throw new UsageError(`Неизвестная команда: ${cmd}. См. scandesk --help`, `Unknown command: ${cmd}. See scandesk --help`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`scandesk: ${err.ru}\nscandesk: ${err.en}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof UserError) {
      process.stderr.write(`scandesk: ${err.messageRu}\nscandesk: ${err.message}\n`);
      return EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`scandesk: ошибка / error: ${message}\n`);
    return EXIT_USAGE;
  }
}
