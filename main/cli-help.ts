// Usage texts of the CLI: the overview (`scandesk --help`) and one per sub-command (`scandesk <command> --help`).
// Russian first, English after, like every clerk-facing text; printed on stdout with exit code 0.
import { CSV_PRESETS, EXPORT_FORMATS } from '../shared/api/export.ts';
import { QUICK_FILTERS } from '../shared/api/documents.ts';

const PROCESS = `scandesk process <папка/folder> [--once] [--db FILE|postgres://…] [--api-url URL] [--concurrency N] [--rps R]
                 [--settle-ms N] [--poll] [--daily-cap N] [--upload-timeout-ms N] [--move-processed]
                 [--type PASSPORT|INN|SELFIE] [--json] [--token T --machine-uid U --project-id P]
    Обработать папку (с --once: всё, что есть сейчас, и выйти; иначе следить до Ctrl+C).
    Process a folder (--once: everything present now, then exit; otherwise watch until Ctrl+C).
    Учётные данные / credentials: BEORG_TOKEN, BEORG_MACHINE_UID, BEORG_PROJECT_ID (флаги важнее / flags win).
    Работа командой / team mode: --db postgres://… или SCANDESK_DB_URL — общая база PostgreSQL для всех
    запусков и окон / one PostgreSQL database shared by every run and window.
    Коды выхода / exit codes: 0 всё распознано / all recognised; 3 есть ошибки / some failed, rejected or
    uncertain, or an original not moved; 2 ошибка запуска / usage or configuration error.
`;

const EXPORT = `scandesk export --format ${EXPORT_FORMATS.join('|')} --out FILE [--db FILE|postgres://…] [--preset ${CSV_PRESETS.join('|')}]
                [--filter БЫСТРЫЙ_ФИЛЬТР | --ids 1,2,3 | --case ID] [--only-verified] [--include-unrecognised]
                [--template default|1c-persons|ID] [--lang ru|en]
    Выгрузить результаты, те же параметры, что в окне «Экспорт» / export results with the export dialog's options.
    --filter: ${QUICK_FILTERS.join(', ')}. Без --filter/--ids/--case — все документы / all documents.
    Выгружаются документы с данными (распознанные); --include-unrecognised добавляет отклонённые, пропущенные,
    дубликаты и сбои / only recognised documents unless --include-unrecognised (rejected, skipped, duplicate, failed).
    --lang: язык заголовков / header language (ru по умолчанию / default ru).
`;

const SIM = `scandesk sim [--port N] [--time-scale X] [--rps-limit R]
    Запустить симулятор Beorg API на 127.0.0.1 и напечатать его адрес и демо-учётные данные.
    Run the local Beorg API simulator on 127.0.0.1 and print its URL and demo credentials.
`;

const DEMO = `scandesk demo [--data-dir DIR] [--folder DIR] [--count N] [--json]
    Создать примеры сканов и обработать их на встроенном симуляторе — без учётной записи Beorg.
    В конце напечатает, где данные и как их открыть (scandesk web --data-dir DIR) или выгрузить.
    Generate sample scans and process them on the built-in simulator — no Beorg account needed.
    Ends by printing where the data is and how to open (scandesk web --data-dir DIR) or export it.
    --data-dir: папка данных демо / demo data folder (по умолчанию новая временная / default: a new temp folder).
`;

const WEB = `scandesk web [--port N] [--data-dir DIR] [--db postgres://…] [--demo] [--no-open]
    Браузерный режим: тот же интерфейс на http://127.0.0.1:<порт>/?t=<токен> (адрес печатается при запуске;
    без ?t= страница не откроется). --demo: демо-режим без учётной записи.
    Browser mode: the same UI at http://127.0.0.1:<port>/?t=<token> (the URL is printed at start; without ?t= the
    page cannot open). --demo: demo mode without an account.
`;

const DB = `scandesk db migrate-to <postgres://пользователь:пароль@сервер:5432/база> [--db FILE]
    Перенести базу этого компьютера (или --db FILE) в пустую базу PostgreSQL для работы командой: документы,
    дела, замечания проверок, журнал действий, журнал выгрузок и настройки. Числа строк сверяются; при
    расхождении на сервер ничего не записывается. Потом: scandesk process … --db postgres://… или SCANDESK_DB_URL.
    Copy this computer's database (or --db FILE) into an empty PostgreSQL database for team mode; row counts are
    checked, and nothing is written to the server when they differ. Password: in the address or PGPASSWORD.
`;

export const COMMAND_HELP = { process: PROCESS, export: EXPORT, sim: SIM, demo: DEMO, db: DB, web: WEB } as const;
export type HelpCommand = keyof typeof COMMAND_HELP;

export const HELP = `ScanDesk — пакетное распознавание сканов через Beorg / batch recognition of scans via Beorg

Команды / commands (подробнее / details: scandesk <команда> --help):
  ${Object.values(COMMAND_HELP).map((h) => h.trimEnd()).join('\n  ').replace(/\n {4}/g, '\n      ')}
  scandesk --help
`;

/** True when a sub-command's arguments ask for its usage text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
