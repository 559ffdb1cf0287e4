// Type-named sub-folders set the type and never split a person: `passport/petrov.jpg`, `inn/petrov.png` and
// `selfie/petrov.jpg` are one case (grouped by name prefix across the type folders of the same parent), and the
// demo's own layout gives one case per person. Real temp folders, real SQLite, real watcher, the demo's sample scans.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { placeFile } from '../../main/engine/intake/rules.ts';
import { generateSamples } from '../../main/engine/samples/index.ts';

type Row = { rel_path: string; doc_type: string; status: string; case_id: number | null };
let seed = 11;
const jpeg = () => sharp({ create: { width: 700, height: 900, channels: 3, background: { r: (seed += 29) % 256, g: 60, b: 140 } } }).jpeg().toBuffer();
const tmps: string[] = [];
const engines: Engine[] = [];
after(async () => {
  for (const e of engines) await e.stop();
  for (const t of tmps) await fs.rm(t, { recursive: true, force: true });
});

async function ingest(fill: (inbox: string) => Promise<void>): Promise<Engine> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-typedirs-'));
  tmps.push(tmp);
  const inbox = path.join(tmp, 'inbox');
  await fs.mkdir(inbox, { recursive: true });
  await fill(inbox);
  const engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
  engines.push(engine);
  await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 300 } });
  await engine.intake.settled({ signal: AbortSignal.timeout(60_000) });
  return engine;
}
const docs = (e: Engine) => e.ctx.db.prepare<[], Row>('SELECT rel_path, doc_type, status, case_id FROM documents ORDER BY id').all();

void describe('intake: type-named sub-folders', () => {
  void it('group by the name prefix across the type folders of one parent (pure rule)', () => {
    const keys = ['passport/petrov.jpg', 'inn/petrov.png', 'selfie/petrov.jpg', 'petrov_inn.jpg'].map((r) => placeFile(r, 'PASSPORT').groupKey);
    assert.equal(new Set(keys).size, 1, JSON.stringify(keys));
    assert.deepEqual(placeFile('inn/petrov.png', 'PASSPORT'), { type: 'INN', groupKey: 'prefix:petrov', label: 'petrov' });
    assert.notEqual(placeFile('passport/petrov.jpg', 'INN').groupKey, placeFile('passport/sidorov.jpg', 'INN').groupKey);
    // Under a person folder the folder still decides; type folders of different parents do not meet.
    assert.equal(placeFile('Иванов/passport/scan.jpg', 'INN').groupKey, placeFile('Иванов/селфи.jpg', 'INN').groupKey);
    assert.notEqual(placeFile('Иванов/passport/scan.jpg', 'INN').groupKey, placeFile('Петров/passport/scan.jpg', 'INN').groupKey);
  });

  void it('passport/, inn/ and selfie/ files of one person are ONE case', async () => {
    const engine = await ingest(async (inbox) => {
      for (const rel of ['passport/petrov.jpg', 'inn/petrov.png', 'selfie/petrov.jpg', 'passport/sidorov.jpg']) {
        await fs.mkdir(path.dirname(path.join(inbox, rel)), { recursive: true });
        await fs.writeFile(path.join(inbox, rel), await jpeg());
      }
    });
    const rows = docs(engine);
    const petrov = rows.filter((r) => r.rel_path.includes('petrov'));
    assert.equal(petrov.length, 3);
    assert.deepEqual(petrov.map((r) => r.doc_type).sort(), ['INN', 'PASSPORT', 'SELFIE']);
    assert.equal(new Set(petrov.map((r) => r.case_id)).size, 1, JSON.stringify(rows));
    assert.notEqual(rows.find((r) => r.rel_path.includes('sidorov'))?.case_id, petrov[0]?.case_id);
  });

  void it('the demo layout gives one case per person', async () => {
    let people = 0;
    const engine = await ingest(async (inbox) => {
      const out = await generateSamples({ dir: inbox, count: 6, layout: 'mixed', seed: 4 });
      people = out.people.length;
    });
    const rows = docs(engine);
    assert.ok(rows.every((r) => r.status === 'queued'), JSON.stringify(rows));
    assert.equal(new Set(rows.map((r) => r.case_id)).size, people, JSON.stringify(rows));
  });
});
