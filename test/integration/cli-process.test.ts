// `scandesk process --once` and `scandesk export` as real child processes against the simulator on loopback.
import { runCli } from '../helpers/cli.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, SIM_CREDENTIALS, type Simulator } from '../../main/engine/sim/server.ts';
import { generateSamples, type GeneratedFile, type SamplePerson } from '../../main/engine/samples/index.ts';
import { rmrf, tempDir } from '../unit/queue-fixtures.ts';

let sim: Simulator;
const dirs: string[] = [];
const ENV = { ...process.env, BEORG_TOKEN: SIM_CREDENTIALS.token, BEORG_MACHINE_UID: SIM_CREDENTIALS.machineUid, BEORG_PROJECT_ID: SIM_CREDENTIALS.projectId };

before(async () => {
  sim = await startSimulator({ config: { timeScale: 0.02 } });
});
after(async () => {
  await sim.close();
  for (const d of dirs) rmrf(d);
});

const cli = (args: string[], env: NodeJS.ProcessEnv = ENV) => runCli(args, env);

void test('process --once recognises a generated folder (exit 0), export --format json matches the people record by record', async () => {
  const root = tempDir('scandesk-cli-');
  dirs.push(root);
  const folder = path.join(root, 'in');
  const { people, files } = await generateSamples({ dir: folder, count: 5, layout: 'mixed', seed: 9 });
  const db = path.join(root, 'db.sqlite');
  const run = await cli(['process', folder, '--once', '--db', db, '--api-url', sim.url, '--settle-ms', '200', '--rps', '30', '--upload-timeout-ms', '60000', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { documents: Record<string, number>; exitCode: number };
  assert.equal(summary.documents.recognised, files.length);
  const out = path.join(root, 'out.json');
  const exp = await cli(['export', '--db', db, '--format', 'json', '--out', out]);
  assert.equal(exp.code, 0, exp.stderr);
  const records = JSON.parse(fs.readFileSync(out, 'utf8')) as { type: string; source: { path: string }; status: string; fields: Record<string, { recognised: string | null }> }[];
  assert.equal(records.length, files.length);
  const byPath = new Map<string, GeneratedFile>(files.map((f) => [path.resolve(f.path), f]));
  const personOf = new Map<string, SamplePerson>(people.map((p) => [p.id, p]));
  for (const r of records) {
    const f = byPath.get(path.resolve(r.source.path));
    assert.ok(f, `record for a generated file: ${r.source.path}`);
    const p = personOf.get(f.personId)!;
    assert.equal(r.type, f.type);
    assert.equal(r.status, 'recognised');
    if (r.type === 'PASSPORT') {
      assert.equal(r.fields.LastName?.recognised, p.lastName);
      assert.equal(r.fields.Series?.recognised, p.series);
    }
    if (r.type === 'INN') assert.equal(r.fields.INN?.recognised, p.inn);
  }
  // one add_document per case, never twice for the same content
  const perHash = new Map<string, number>();
  for (const e of sim.log()) if (e.kind === 'upload' && e.status === 200) for (const h of e.imageHashes) perHash.set(h, (perHash.get(h) ?? 0) + 1);
  assert.equal(perHash.size, files.length);
  for (const [, n] of perHash) assert.equal(n, 1);
});

void test('exit 3 when a file is rejected; exit 2 on unknown flag, missing credentials, missing folder', async () => {
  const root = tempDir('scandesk-cli-');
  dirs.push(root);
  const folder = path.join(root, 'in');
  await generateSamples({ dir: folder, count: 1, layout: 'loose', seed: 4, include: { inn: false, selfie: false } });
  fs.writeFileSync(path.join(folder, 'испорчен_passport.jpg'), Buffer.from('not a jpeg at all'));
  const db = path.join(root, 'db.sqlite');
  const run = await cli(['process', folder, '--once', '--db', db, '--api-url', sim.url, '--settle-ms', '200']);
  assert.equal(run.code, 3, run.stderr);

  const unknown = await cli(['process', folder, '--once', '--bogus']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Неверные параметры/);
  assert.match(unknown.stderr, /Invalid arguments/);
  const noCreds = await cli(['process', folder, '--once', '--db', db], { ...process.env, BEORG_TOKEN: '', BEORG_MACHINE_UID: '', BEORG_PROJECT_ID: '' });
  assert.equal(noCreds.code, 2);
  assert.match(noCreds.stderr, /Нет учётных данных Beorg/);
  const missing = await cli(['process', path.join(root, 'nope'), '--once', '--db', db]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Папка не найдена/);
  const badTimeout = await cli(['process', folder, '--once', '--db', db, '--upload-timeout-ms', '10']);
  assert.equal(badTimeout.code, 2);
  assert.match(badTimeout.stderr, /--upload-timeout-ms: ожидается число от 1000 до 900000/);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Команды \/ commands/);
});
