// Terminal and log injection: control characters and bidi overrides in file and folder names (or API messages) are
// escaped in every human-facing output — one helper (shared/printable.ts) used by the CLI, the logs, the shell's
// notifications and the UI's toasts. The CLI is run for real on a folder whose name tries to forge a summary line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import fc from 'fast-check';
import { printable } from '../../shared/printable.ts';
import { createLogger } from '../../main/engine/log.ts';
import { progressLine } from '../../main/cli-output.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-output-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

void it('printable() escapes ESC, CR/LF, C0/C1 controls and bidi overrides, and leaves other text alone', () => {
  assert.equal(printable('дело\n  дело 1 «FAKE»: done'), 'дело\\n  дело 1 «FAKE»: done');
  assert.equal(printable('\x1b[31mred\x1b[0m\r'), '\\x1B[31mred\\x1B[0m\\r');
  assert.equal(printable('a\u009b2Jb\u202egpj.exe\u2066'), 'a\\x9B2Jb\\u202Egpj.exe\\u2066');
  assert.equal(printable('Иванов И.И/паспорт 2-3.jpg'), 'Иванов И.И/паспорт 2-3.jpg');
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !UNSAFE.test(printable(s))));
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => UNSAFE.test(s) || s.includes('\\') || printable(s) === s));
});

void it('the progress line escapes a pause message from the network', () => {
  const line = progressLine({
    counts: { queued: 1, sending: 0, processing: 0, recognised: 0, failed: 0 }, docsPerMinute: 0, etaMs: null, nextTryAt: null,
    pausedReason: 'auth', pausedMessage: 'bad token\x1b]0;owned\x07\nFAKE',
  } as unknown as Parameters<typeof progressLine>[0]);
  assert.ok(!UNSAFE.test(line), line);
  assert.match(line, /bad token\\x1B\]0;owned\\x07\\nFAKE/);
});

void it('log lines carry no raw control or bidi characters', async () => {
  const file = path.join(tmp, 'logs', 'x.log');
  const log = createLogger({ file });
  log.warn('folder \x1b[2J\u202eevil', { note: 'line1\nline2\u0085\u2028', err: new Error('bad \x1b[0m name') });
  // The logger's stream writes asynchronously: wait for the line to land (state, not a time window).
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  while (!read().endsWith('\n')) await new Promise((r) => setTimeout(r, 10));
  const text = read().trimEnd();
  assert.ok(!UNSAFE.test(text), JSON.stringify(text));
  assert.match(text, /\\\\x1B\[2J\\\\u202Eevil/);
});

void it('`scandesk process --once` prints a forged folder name escaped, on one line', { timeout: 60_000 }, async () => {
  const folder = path.join(tmp, 'in');
  const evil = 'x\n  дело 1 «FAKE»: done\x1b[2K\u202e';
  fs.mkdirSync(path.join(folder, evil), { recursive: true });
  fs.writeFileSync(path.join(folder, evil, 'passport.jpg'), ''); // empty: rejected by pre-flight, never sent
  const env = { ...process.env, BEORG_TOKEN: 'a'.repeat(32), BEORG_MACHINE_UID: 'B'.repeat(40), BEORG_PROJECT_ID: '1' };
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../bin/scandesk.js'), 'process', folder, '--once', '--db', path.join(tmp, 'db.sqlite'), '--api-url', 'http://127.0.0.1:9', '--settle-ms', '200'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 3, stderr);
  assert.ok(!stderr.includes('\x1b') && !stderr.includes('\u202e'), 'no raw ESC or bidi override reaches the terminal');
  assert.ok(!stderr.split('\n').some((l) => l.startsWith('  дело 1 «FAKE»')), stderr);
  assert.match(stderr, /x\\n {2}дело 1 «FAKE»: done\\x1B\[2K\\u202E/);
});
