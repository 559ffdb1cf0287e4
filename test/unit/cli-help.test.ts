// Every sub-command answers --help with its usage (exit 0), and `scandesk demo` ends by saying where its data is and
// how to open or export it — commands that really work on what it left (real child processes, real files).
import { runCli } from '../helpers/cli.ts';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { prepareSecurity } from '../../main/engine/secret-file.ts';
import { createEngine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { rmrf, tempDir } from './queue-fixtures.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmrf(d);
});

function cli(args: string[]) {
  const env = { ...process.env };
  delete env.SCANDESK_DB_KEY;
  return runCli(args, env);
}

for (const cmd of ['process', 'export', 'sim', 'demo', 'web']) {
  void test(`scandesk ${cmd} --help prints its usage and exits 0`, async () => {
    for (const flag of cmd === 'web' ? ['--help', '-h'] : ['--help']) {
      const r = await cli([cmd, flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^scandesk ${cmd} `));
      assert.equal(r.stderr, '');
    }
  });
}

void test('scandesk --help lists every sub-command; an unknown option is still a usage error', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['process', 'export', 'sim', 'demo', 'web']) assert.match(r.stdout, new RegExp(`scandesk ${cmd} `));
  const bad = await cli(['web', '--nope']);
  assert.equal(bad.code, 2);
});

void test('scandesk demo says where its data is; the printed web and export commands work on it', async () => {
  const dataDir = path.join(tempDir('scandesk-demo-cli-'), 'демо данные');
  dirs.push(path.dirname(dataDir));
  const r = await cli(['demo', '--data-dir', dataDir, '--count', '1']);
  assert.ok(r.code === 0 || r.code === 3, r.stderr);
  assert.match(r.stderr, new RegExp(`Данные демо / demo data: ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(r.stderr.includes(`npx scandesk web --data-dir "${dataDir}"`), r.stderr);
  const exportLine = r.stderr.split('\n').find((l) => l.includes('npx scandesk export'));
  assert.ok(exportLine, r.stderr);

  // What `scandesk web --data-dir` does on start: encrypt the database with the folder's key, then open it.
  const sec = prepareSecurity(dataDir);
  const engine = await createEngine({ dataDir, mode: 'web', dbKey: sec.dbKey, secrets: sec.secrets, autoStart: false, log: silentLogger });
  const info = (await engine.request('app:info', {}));
  const docs = engine.ctx.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number };
  await engine.stop();
  assert.equal(info.firstRun, false, 'the demo opens on its workspace, not on the first-run screen');
  assert.ok(docs.n > 0);

  // The printed export command still works after that (the key file beside the database is used).
  const out = path.join(dataDir, 'демо.xlsx');
  const ex = await cli(['export', '--db', path.join(dataDir, 'scandesk.db'), '--format', 'xlsx', '--out', out]);
  assert.equal(ex.code, 0, ex.stderr);
  assert.ok(fs.statSync(out).size > 0);
});

void test('an unreachable PostgreSQL server in --db or SCANDESK_DB_URL is a clear message that never repeats the password', async () => {
  const folder = tempDir('scandesk-cli-pg-');
  dirs.push(folder);
  const url = 'postgres://clerk:s3cret-pass@127.0.0.1:1/scandesk'; // nothing listens on port 1
  const creds = ['--token', 't', '--machine-uid', 'm', '--project-id', 'p', '--api-url', 'http://127.0.0.1:1'];
  for (const r of [await cli(['process', folder, '--once', '--db', url, ...creds]), await runCli(['process', folder, '--once', ...creds], { ...process.env, SCANDESK_DB_URL: url })]) {
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Сервер базы данных postgres:\/\/clerk@127\.0\.0\.1:1\/scandesk недоступен/);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret-pass/);
  }
  const other = await cli(['process', folder, '--once', '--db', 'mysql://clerk:s3cret-pass@127.0.0.1/x']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /укажите файл базы или адрес сервера postgres/);
  assert.doesNotMatch(other.stderr, /s3cret-pass/);
  assert.equal(fs.existsSync(path.resolve('postgres:')), false, 'no folder named after the address');
});
