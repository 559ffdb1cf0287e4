// A move of an original to Обработано/ or Ошибки/ that fails is shown on the document (a Russian reason in the
// grid and the detail) and makes `process --once` exit with 3, not only a log line. Real temp folders, real SQLite,
// the CLI as a child process against the simulator on loopback.
import { runCli } from '../helpers/cli.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createEngine } from '../../main/engine/app.ts';
import { generateSamples } from '../../main/engine/samples/index.ts';
import { SIM_CREDENTIALS, startSimulator, type Simulator } from '../../main/engine/sim/server.ts';

type Row = { id: number; status: string; status_code: string | null; status_reason: string | null; current_path: string | null; path: string };
const tmps: string[] = [];
let sim: Simulator;
before(async () => {
  sim = await startSimulator({ config: { timeScale: 0.02 } });
});
after(async () => {
  await sim.close();
  for (const t of tmps) await fs.rm(t, { recursive: true, force: true });
});
const temp = async () => {
  const t = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-move-'));
  tmps.push(t);
  return t;
};

const posix = process.platform !== 'win32';

void test('a failed move to Ошибки/ is on the document, with a Russian reason', { skip: !posix && 'symlinks need a POSIX file system' }, async () => {
  const tmp = await temp();
  const inbox = path.join(tmp, 'inbox');
  await fs.mkdir(inbox);
  // A dangling link where the folder should be: mkdir fails (ENOENT), as root too (permissions would not stop root).
  await fs.symlink(path.join(tmp, 'nowhere', 'x'), path.join(inbox, 'Ошибки'));
  await fs.writeFile(path.join(inbox, 'empty_passport.jpg'), Buffer.alloc(0));
  const engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
  try {
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 200, caseWindowMs: 200, originals: 'move' } });
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    const row = engine.ctx.db.prepare<[], Row>('SELECT * FROM documents').get();
    assert.equal(row?.status, 'rejected');
    assert.equal(row?.current_path, row?.path, 'still in place');
    assert.match(row?.status_reason ?? '', /Пустой/, 'the rejection reason stays');
    assert.match(row?.status_reason ?? '', /не удалось переместить в «Ошибки»/i);
    assert.equal(engine.intake.moveFailures(), 1);
  } finally {
    await engine.stop();
  }
});

const cli = (args: string[]) =>
  runCli(args, { ...process.env, BEORG_TOKEN: SIM_CREDENTIALS.token, BEORG_MACHINE_UID: SIM_CREDENTIALS.machineUid, BEORG_PROJECT_ID: SIM_CREDENTIALS.projectId });

void test('process --once --move-processed exits 3 when recognised originals cannot be moved', { skip: !posix && 'symlinks need a POSIX file system' }, async () => {
  const tmp = await temp();
  const folder = path.join(tmp, 'in');
  await generateSamples({ dir: folder, count: 1, layout: 'folders', seed: 5, include: { inn: false } });
  await fs.symlink(path.join(tmp, 'nowhere', 'x'), path.join(folder, 'Обработано'));
  const run = await cli(['process', folder, '--once', '--db', path.join(tmp, 'db.sqlite'), '--api-url', sim.url, '--settle-ms', '200', '--move-processed', '--json']);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { documents?: Record<string, number>; moveFailures?: number };
  assert.equal(summary.documents?.recognised, 2, run.stderr);
  assert.equal(summary.moveFailures, 2, run.stdout);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /не перемещ/i);
});
