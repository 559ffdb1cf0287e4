// Private data in every mode: `scandesk web` creates (or tightens) its data folder and sub-folders 0700 and its files
// 0600; `scandesk demo` keeps an encrypted database in a private temp folder (no plain DB, no 0644 file in $TMPDIR);
// `demo --folder` refuses a folder holding anything but its own samples. The CLI runs for real, umask of the test
// runner as it is (022 here), so only the app's own care makes the files private.
import { spawn } from 'node:child_process';
import { CLI_BIN as BIN, runCli } from '../helpers/cli.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { foreignDemoEntry, recordDemoSamples } from '../../main/cli-demo-folder.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-private-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every path under `root` (itself included) whose mode is wider than 0700 (dirs) / 0600 (files). */
function tooOpen(root: string): string[] {
  const bad: string[] = [];
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777 & ~want) !== 0) bad.push(`${path.relative(root, p) || '.'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
  };
  visit(root);
  return bad;
}

function plainSqliteFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map((f) => path.join(root, f))
    .filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f).subarray(0, 16).toString('latin1') === 'SQLite format 3\0');
}

const run = runCli;

void it('`scandesk web` makes a new data folder and a 0755 one from an older run private', { timeout: 60_000 }, async () => {
  const fresh = path.join(tmp, 'web-new');
  const old = path.join(tmp, 'web-old');
  fs.mkdirSync(path.join(old, 'cache', 'previews'), { recursive: true, mode: 0o755 });
  for (const dataDir of [fresh, old]) {
    const child = spawn(process.execPath, [BIN, 'web', '--port', '0', '--data-dir', dataDir, '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<URL>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?t=[\w-]+/.exec(out);
          if (m) resolve(new URL(m[0]));
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      // A write through the engine, so the database and its WAL exist.
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: Number(url.port), method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', 'X-ScanDesk-Token': url.searchParams.get('t')! } },
          (res) => res.resume().on('end', resolve),
        );
        req.on('error', reject);
        req.end(JSON.stringify({ channel: 'app:first-run-done', args: {} }));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    assert.ok(fs.existsSync(path.join(dataDir, 'scandesk.db')));
    assert.deepEqual(tooOpen(dataDir), [], dataDir);
    for (const sub of ['logs', 'cache', 'cache/uploads', 'cache/previews']) assert.ok(fs.statSync(path.join(dataDir, sub)).isDirectory(), sub);
  }
});

void it('`scandesk demo` keeps an encrypted DB in a private temp folder; `--folder` with a stranger\'s file is refused', { timeout: 120_000 }, async () => {
  const tmpdir = path.join(tmp, 'TMPDIR');
  fs.mkdirSync(tmpdir);
  const env = { ...process.env, TMPDIR: tmpdir, SCANDESK_DB_KEY: '' };
  const demo = await run(['demo', '--count', '1'], env);
  assert.ok(demo.code === 0 || demo.code === 3, demo.stderr);
  // (tsx keeps its compile cache in $TMPDIR too: only ScanDesk's entries count.)
  const ours = () => fs.readdirSync(tmpdir).filter((f) => f.startsWith('scandesk'));
  const roots = ours();
  assert.equal(roots.length, 1, `one private folder in $TMPDIR: ${roots.join(', ')}`);
  const root = path.join(tmpdir, roots[0]!);
  assert.deepEqual(tooOpen(root), []);
  assert.deepEqual(plainSqliteFiles(tmpdir), [], 'no plain database anywhere');
  assert.ok(fs.existsSync(path.join(root, 'scandesk.db')), 'the encrypted DB inside the private folder');

  const scans = path.join(tmp, 'scans');
  fs.mkdirSync(scans);
  fs.writeFileSync(path.join(scans, 'ivanov_passport.jpg'), 'a real scan');
  const refused = await run(['demo', '--folder', scans, '--count', '1'], env);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /содержит файлы, которых демо не создавало \(например «ivanov_passport\.jpg»\)/);
  assert.deepEqual(fs.readdirSync(scans), ['ivanov_passport.jpg'], 'nothing generated beside it');
  assert.equal(ours().length, 1, 'no data folder made for a refused run');
});

void it('a demo folder is accepted when empty or holding only its own samples, not with anything else', () => {
  const dir = path.join(tmp, 'own');
  assert.equal(foreignDemoEntry(dir), null, 'missing');
  fs.mkdirSync(path.join(dir, 'Иванов И.И'), { recursive: true });
  assert.equal(foreignDemoEntry(dir), null, 'empty');
  fs.writeFileSync(path.join(dir, 'Иванов И.И', 'паспорт.jpg'), 'x');
  assert.equal(foreignDemoEntry(dir), 'Иванов И.И/паспорт.jpg');
  recordDemoSamples(dir, [{ path: path.join(dir, 'Иванов И.И', 'паспорт.jpg') }]);
  assert.equal(foreignDemoEntry(dir), null, 'own sample');
  fs.symlinkSync('/etc/hostname', path.join(dir, 'link.jpg'));
  assert.equal(foreignDemoEntry(dir), 'link.jpg');
});
