// [Note: logs never hold secrets or personal data] Logging with redaction by default:
// Tokens, machine UIDs, base64 payloads, passport numbers, INNs, SNILS, dates (DD.MM.YYYY: birth and issue dates),
// Russian full names and file paths are masked before a line is written, whatever the caller passed. File and folder
// names under watched folders are personal (a case folder is named after the person), so a path becomes
// «[path:<hash>.<ext>]»: the same path always hashes the same (lines can still be correlated), nothing readable is
// left. Callers should still log ids, not values. Control characters and bidi overrides are escaped as well
// ([Note: control characters never reach a terminal, a log or a notification raw]): a log is read in a terminal too.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { printable } from '../../shared/printable.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
};

const SECRET_KEYS = /^(token|machine_?uid|machineUid|password|key|secret|authorization|cookie|images|dataBase64)$/i;
/** Keys whose string value is a file system path or name, whatever it looks like (spaces, no slash). */
const PATH_KEYS = /^(path|file|filePath|file_path|fileName|file_name|relPath|rel_path|currentPath|current_path|uploadPath|upload_path|dir|folder|abs|dest)$/i;

/** «[path:1a2b3c4d.jpg]»: unreadable, stable for the same path, keeps the extension for debugging. */
export function hashPath(p: string): string {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(p)?.[1];
  return `[path:${createHash('sha256').update(p).digest('hex').slice(0, 8)}${ext ? `.${ext.toLowerCase()}` : ''}]`;
}

const PATTERNS: [RegExp, string | ((m: string, ...groups: string[]) => string)][] = [
  [/([?&]token=)[^&\s"']+/gi, '$1***'],
  [/\b[0-9a-f]{32}\b/gi, '***token***'], // Beorg tokens: 32 hex chars
  [/\b[A-Z0-9]{40}\b/g, '***uid***'], // Beorg machine_uid: 40 upper-case alphanumerics
  [/[A-Za-z0-9+/]{200,}={0,2}/g, '***base64***'],
  [/(?=[A-Z0-9]*<)[A-Z0-9<]{30,}/g, '***mrz***'], // passport MRZ lines (name, number, birth date)
  // Paths: quoted ones first (Node's fs errors quote them; they may contain spaces), then bare absolute POSIX,
  // Windows drive and UNC paths. A URL's path ("host:8900/api/…") is not a file path and stays.
  [/(['"`])((?:[A-Za-z]:[\\/]|\\\\|\/)[^'"`\n]*?)\1/g, (_m, q: string, p: string) => `${q}${hashPath(p)}${q}`],
  // A bare path ends at whitespace, unless what follows still looks like part of it ("…/Иванов И.И/скан.jpg").
  [/(?<![\p{L}\p{N}_:/.\]\\-])(?:\/[^\s/'"`?]+)+(?:\s+[^\s/'"`?]+(?:\/[^\s/'"`?]+)+|\s+[^\s/'"`?]*\.[A-Za-z0-9]{2,5}(?![\p{L}\p{N}]))*\/?/gu, (m) => hashPath(m)],
  [/\b[A-Za-z]:\\(?:[^\s\\'"`]+\\?)+/g, (m) => hashPath(m)],
  [/\\\\[^\s\\'"`]+(?:\\[^\s\\'"`]+)+/g, (m) => hashPath(m)],
  [/\b\d{2}\s?\d{2}\s?№?\s?\d{6}\b/g, '**** ******'], // passport series + number
  [/\b\d{3}-\d{3}-\d{3}\s?\d{2}\b/g, '***-***-*** **'], // SNILS
  [/\b\d{12}\b|\b\d{10}\b/g, '**********'], // INN
  [/\b\d{1,2}\.\d{1,2}\.\d{4}\b/g, '**.**.****'], // dates as documents write them (birth, issue)
  // Russian names: two or three capitalised Cyrillic words, or a surname with initials ("Иванова Е.", "ИВАНОВ И.И.").
  [/(?<!\p{L})[А-ЯЁ][а-яёА-ЯЁ-]+(?:\s+(?:[А-ЯЁ][а-яёА-ЯЁ-]+(?!\p{L})|[А-ЯЁ]\.(?:\s?[А-ЯЁ]\.)?)){1,2}/gu, '[ФИО]'],
];

export function redactText(s: string): string {
  let out = s;
  for (const [re, rep] of PATTERNS) out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep as (m: string, ...g: string[]) => string);
  return out;
}

export function redact(value: unknown, depth = 0, key = ''): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') {
    if (PATH_KEYS.test(key)) return hashPath(value);
    return printable(redactText(value.length > 2000 ? value.slice(0, 2000) + '…' : value));
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1, key));
  if (value instanceof Error) {
    // Node's fs errors carry the path in the message and in .path/.dest: keep the code, hash the paths.
    const e = value as NodeJS.ErrnoException & { dest?: unknown };
    return {
      name: value.name,
      message: printable(redactText(value.message)),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.path === 'string' ? { path: hashPath(e.path) } : {}),
      ...(typeof e.dest === 'string' ? { dest: hashPath(e.dest) } : {}),
    };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '***' : redact(v, depth + 1, k);
    return out;
  }
  return value;
}

export function createLogger(opts: { file?: string; level?: LogLevel; echo?: boolean } = {}): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(opts.level ?? 'info');
  let stream: fs.WriteStream | null = null;
  if (opts.file) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true, mode: 0o700 });
    stream = fs.createWriteStream(opts.file, { flags: 'a', mode: 0o600 });
  }
  const write = (level: LogLevel, msg: string, data?: Record<string, unknown>) => {
    if (order.indexOf(level) < min) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg: printable(redactText(msg)), ...(data ? { data: redact(data) } : {}) });
    stream?.write(line + '\n');
    if (opts.echo) process.stderr.write(line + '\n');
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
