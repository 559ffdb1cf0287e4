// `scandesk process` as a real child process: watch mode (no --once) shows live progress and "next try at" while
// the API is unreachable, recognises once it answers, and stops cleanly on SIGINT (exit 0, nothing half-sent);
// --poll, --daily-cap and --move-processed do what they say.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3-multiple-ciphers';
import { startSimulator, SIM_CREDENTIALS, type Simulator } from '../../main/engine/sim/server.ts';
import { generateSamples } from '../../main/engine/samples/index.ts';
import { rmrf, tempDir } from '../unit/queue-fixtures.ts';

const ENV = { ...process.env, BEORG_TOKEN: SIM_CREDENTIALS.token, BEORG_MACHINE_UID: SIM_CREDENTIALS.machineUid, BEORG_PROJECT_ID: SIM_CREDENTIALS.projectId };
const dirs: string[] = [];
const sims: Simulator[] = [];
after(async () => {
  for (const s of sims) await s.close();
  for (const d of dirs) rmrf(d);
});

function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [path.resolve('bin/scandesk.js'), ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

async function waitFor(what: string, fn: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function query<T>(dbFile: string, sql: string): T[] {
  if (!fs.existsSync(dbFile)) return [];
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } catch {
    return []; // not migrated yet
  } finally {
    db.close();
  }
}

void test('watch mode: progress with "next try at" while offline, recognises when the API is back, SIGINT exits 0', { timeout: 90_000 }, async () => {
  const root = tempDir('scandesk-cli-watch-');
  dirs.push(root);
  const folder = path.join(root, 'in');
  await generateSamples({ dir: folder, count: 2, layout: 'folders', seed: 12, include: { selfie: false } });
  const dbFile = path.join(root, 'db.sqlite');
  // A port with nothing listening; the simulator comes up on it later.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));

  const { child, out, exited } = spawnCli(['process', folder, '--db', dbFile, '--api-url', `http://127.0.0.1:${port}`, '--settle-ms', '200']);
  try {
    await waitFor('watching', () => out.stderr.includes('Слежу за папкой'));
    await waitFor('offline progress with the next try', () => /\[пауза: Нет связи с сервером Beorg \(ECONNREFUSED\).*следующая попытка в \d{1,2}:\d{2}:\d{2}\]/.test(out.stderr));
    assert.match(out.stderr, /в очереди \d+, отправка \d+, обработка \d+, готово \d+, ошибки \d+ \| [\d.]+ док\/мин, осталось /);
    const sim = await startSimulator({ port, config: { timeScale: 0.01 } });
    sims.push(sim);
    const recognised = () => query<{ n: number }>(dbFile, `SELECT COUNT(*) AS n FROM documents WHERE status = 'recognised'`)[0]?.n ?? 0;
    await waitFor('all four documents recognised', () => recognised() === 4);
    await waitFor('progress shows them done', () => /готово 4/.test(out.stderr));
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, out.stderr);
    assert.match(out.stderr, /Остановка: дожидаюсь отправок/);
    assert.match(out.stderr, /Итог \/ summary: документов 4: распознано 4/);
    const cases = query<{ state: string; n: number }>(dbFile, 'SELECT state, COUNT(*) AS n FROM cases GROUP BY state');
    assert.deepEqual(cases, [{ state: 'done', n: 2 }]);
    assert.equal(sim.log().filter((e) => e.kind === 'upload' && e.status === 200).length, 2, 'one upload per case');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

void test('--poll, --daily-cap and --move-processed', { timeout: 60_000 }, async () => {
  const sim = await startSimulator({ config: { timeScale: 0.01 } });
  sims.push(sim);
  const root = tempDir('scandesk-cli-flags-');
  dirs.push(root);
  const folder = path.join(root, 'in');
  const { files } = await generateSamples({ dir: folder, count: 3, layout: 'folders', seed: 13, include: { selfie: false, inn: false } });
  const dbFile = path.join(root, 'db.sqlite');
  const { out, exited } = spawnCli([
    'process', folder, '--once', '--db', dbFile, '--api-url', sim.url, '--settle-ms', '200', '--concurrency', '1',
    '--poll', '--daily-cap', '2', '--move-processed', '--json',
  ]);
  const code = await exited;
  assert.equal(code, 3, `one case is left for tomorrow: ${out.stderr}`);
  const summary = JSON.parse(out.stdout.trim().split('\n').pop()!) as { documents: Record<string, number>; billedDocuments: number };
  assert.deepEqual([summary.documents.recognised, summary.documents.queued, summary.billedDocuments], [2, 1, 2]);
  const [folderRow] = query<{ options: string }>(dbFile, 'SELECT options FROM folders');
  const options = JSON.parse(folderRow!.options) as { polling: string; originals: string };
  assert.deepEqual([options.polling, options.originals], ['on', 'move']);
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 2, 'the daily cap stopped the third upload');
  const moved = files.filter((f) => fs.existsSync(path.join(folder, 'Обработано', path.relative(folder, f.path))));
  const inPlace = files.filter((f) => fs.existsSync(f.path));
  assert.deepEqual([moved.length, inPlace.length], [2, 1], 'recognised originals moved to Обработано/, the waiting one stays');
});
