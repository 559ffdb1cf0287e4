// Logging with redaction by default. [Note: logs never hold secrets or personal data]
// Tokens, machine UIDs, base64 payloads, passport numbers, INNs and SNILS are masked before a line is
// written, whatever the caller passed. Callers should still log ids, not values.
import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
};

const SECRET_KEYS = /^(token|machine_?uid|machineUid|password|key|secret|authorization|cookie|images|dataBase64)$/i;
const PATTERNS: [RegExp, string][] = [
  [/([?&]token=)[^&\s"']+/gi, '$1***'],
  [/\b[0-9a-f]{32}\b/gi, '***token***'], // Beorg tokens: 32 hex chars
  [/\b[A-Z0-9]{40}\b/g, '***uid***'], // Beorg machine_uid: 40 upper-case alphanumerics
  [/[A-Za-z0-9+/]{200,}={0,2}/g, '***base64***'],
  [/(?=[A-Z0-9]*<)[A-Z0-9<]{30,}/g, '***mrz***'], // passport MRZ lines (name, number, birth date)
  [/\b\d{2}\s?\d{2}\s?№?\s?\d{6}\b/g, '**** ******'], // passport series + number
  [/\b\d{3}-\d{3}-\d{3}\s?\d{2}\b/g, '***-***-*** **'], // SNILS
  [/\b\d{12}\b|\b\d{10}\b/g, '**********'], // INN
];

export function redactText(s: string): string {
  let out = s;
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value.length > 2000 ? value.slice(0, 2000) + '…' : value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '***' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export function createLogger(opts: { file?: string; level?: LogLevel; echo?: boolean } = {}): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(opts.level ?? 'info');
  let stream: fs.WriteStream | null = null;
  if (opts.file) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    stream = fs.createWriteStream(opts.file, { flags: 'a', mode: 0o600 });
  }
  const write = (level: LogLevel, msg: string, data?: Record<string, unknown>) => {
    if (order.indexOf(level) < min) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg: redactText(msg), ...(data ? { data: redact(data) } : {}) });
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
