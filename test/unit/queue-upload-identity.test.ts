// See [Note: the upload is the file that was checked]. Between intake's check and the upload, the name in the watched folder
// may be swapped for a link to a file outside the folder, or rewritten with other content. Neither is sent: the case
// fails with a Russian reason and the simulator never sees the bytes. An untouched scan in the same run is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../main/engine/sim/server.ts';
import { generateSamples, type GeneratedFile } from '../../main/engine/samples/index.ts';
import { rmrf, seedCase, stopAllEngines, startVirtualEngine, tempDir } from './queue-fixtures.ts';
import { createVirtualTime } from '../helpers/virtual-time.ts';

let sim: Simulator;
let files: GeneratedFile[];
const dirs: string[] = [];
const vt = createVirtualTime(() => sim.waiting());

before(async () => {
  sim = await startSimulator({ clock: vt.clock, config: { timeScale: 0.02, seed: 5 } });
  const samples = tempDir('scandesk-samples-');
  dirs.push(samples);
  ({ files } = await generateSamples({ dir: samples, count: 3, layout: 'folders', seed: 9 }));
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});

const passports = () => files.filter((f) => f.type === 'PASSPORT').map((f) => f.path);

void test('a scan swapped for an outside link or rewritten after the check is not uploaded; an untouched one is', async () => {
  sim.reset();
  const watched = tempDir('scandesk-watched-');
  const outside = tempDir('scandesk-outside-');
  dirs.push(watched, outside);
  const [a, b, c] = passports();
  const linked = path.join(watched, 'linked.jpg');
  const rewritten = path.join(watched, 'rewritten.jpg');
  const kept = path.join(watched, 'kept.jpg');
  fs.copyFileSync(a!, linked);
  fs.copyFileSync(b!, rewritten);
  fs.copyFileSync(c!, kept);
  const secret = path.join(outside, 'secret.jpg');
  fs.copyFileSync(a!, secret); // the same bytes: only the link, not the content, gives the swap away

  const engine = await startVirtualEngine(vt, watched, sim.url);
  const ids = {
    linked: seedCase(engine, 'linked', [{ file: linked, type: 'PASSPORT' }], false),
    rewritten: seedCase(engine, 'rewritten', [{ file: rewritten, type: 'PASSPORT' }], false),
    kept: seedCase(engine, 'kept', [{ file: kept, type: 'PASSPORT' }], false),
  };
  fs.rmSync(linked);
  fs.symlinkSync(secret, linked);
  fs.copyFileSync(a!, rewritten);
  for (const caseId of Object.values(ids)) engine.ctx.signals.emit('case:queued', { caseId });
  await vt.run(engine.queue.idle());

  const db = engine.ctx.db;
  const stateOf = (id: number) => (db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state;
  const docOf = (id: number) => db.prepare('SELECT status, status_reason AS reason FROM documents WHERE case_id = ?').get(id) as { status: string; reason: string | null };
  for (const swapped of [ids.linked, ids.rewritten]) {
    assert.equal(stateOf(swapped), 'failed');
    assert.equal(docOf(swapped).status, 'failed');
    assert.match(docOf(swapped).reason ?? '', /Скан изменился после проверки/);
  }
  assert.equal(docOf(ids.kept).status, 'recognised');
  const uploads = sim.log().filter((e) => e.kind === 'upload' && e.status === 200);
  assert.equal(uploads.length, 1, 'only the untouched scan reaches the API');
});
