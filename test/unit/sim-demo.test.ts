// The demo is self-consistent: every demo sample, sent through the queue to the simulator, comes back recognised as
// exactly what is drawn on it — except the defects the demo plants on purpose, each listed in the demo's scenario
// ([Note: the scan carries its own answer]). And a simulator that restarts never hands one case another's result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoSimConfig, startSimulator, type Simulator } from '../../main/engine/sim/server.ts';
import { demoScenarioFor, generateSamples, type GeneratedFile, type SamplePerson } from '../../main/engine/samples/index.ts';
import type { Engine } from '../../main/engine/app.ts';
import { createVirtualTime } from '../helpers/virtual-time.ts';
import { rmrf, seedCase, startVirtualEngine, stopAllEngines, tempDir } from './queue-fixtures.ts';

let sim: Simulator;
let people: SamplePerson[];
let files: GeneratedFile[];
const dirs: string[] = [];
const vt = createVirtualTime(() => sim.waiting());

before(async () => {
  sim = await startSimulator({ clock: vt.clock, config: { timeScale: 0.01, seed: 7 } });
  const d = tempDir('scandesk-demo-');
  dirs.push(d);
  // 8 people = one of each planted defect in the demo's catalogue; the demo's own layout (all three conventions).
  ({ people, files } = await generateSamples({ dir: d, count: 8, layout: 'mixed', scenarioFor: demoScenarioFor }));
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});

/** What the scan shows, field by field, in the API's field names (what a reader of the picture would type). */
function drawn(p: SamplePerson, type: string): Record<string, string> {
  const name = { LastName: p.lastName, FirstName: p.firstName, MiddleName: p.middleName, BirthDate: p.birthDate, BirthPlace: p.birthPlace };
  switch (type) {
    case 'PASSPORT':
      return { ...name, Series: p.series, Number: p.number, IssuedBy: p.issuedBy, IssueDate: p.issueDate, IssueId: p.departmentCode.replace(/\D/g, ''), MRZ1: p.mrz1, MRZ2: p.mrz2 };
    case 'INN':
      return { ...name, INN: p.inn, RegDate: p.innRegDate, OrgName: p.taxOffice };
    default:
      return {};
  }
}

function fieldsOf(engine: Engine, path: string): Record<string, string | null> {
  const rows = engine.ctx.db.prepare('SELECT f.name, f.recognised FROM fields f JOIN documents d ON d.id = f.document_id WHERE d.path = ?').all(path) as { name: string; recognised: string | null }[];
  return Object.fromEntries(rows.map((r) => [r.name, r.recognised]));
}

void test('every demo sample is recognised as what is drawn on it; the only differences are the planted ones', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const engine = await startVirtualEngine(vt, dir, sim.url);
  // One case per person, passport + selfie + INN together, as the demo's cases are sent.
  for (const [i, p] of people.entries()) seedCase(engine, `p${i}`, files.filter((f) => f.personId === p.id).map((f) => ({ file: f.path, type: f.type })));
  await vt.run(engine.queue.idle());
  let planted = 0;
  for (const f of files) {
    const i = people.findIndex((p) => p.id === f.personId);
    const person = people[i]!;
    const overrides = demoScenarioFor(i, f.type, person)?.ocrOverrides ?? {};
    const got = fieldsOf(engine, f.path);
    for (const [field, value] of Object.entries(drawn(person, f.type))) {
      const expected = overrides[field] ?? value;
      assert.equal(got[field], expected, `${f.path.slice(dir.length)}: ${field} reads ${got[field]}, the scan shows ${value}${field in overrides ? ` (planted: ${overrides[field]})` : ''}`);
      if (expected !== value) planted++;
    }
  }
  assert.ok(planted >= 3, `the planted misreads came through: ${planted}`);
  const states = engine.ctx.db.prepare(`SELECT status, COUNT(*) AS n FROM documents GROUP BY status`).all();
  assert.deepEqual(states, [{ status: 'recognised', n: files.length }]);
  await engine.stop();
});

void test('a restarted demo simulator never answers a poll with another case’s result (ids are not reused)', async () => {
  // Two runs of the demo's simulator, as before and after an app restart.
  const first = await startSimulator({ clock: vt.clock, config: demoSimConfig() });
  const second = await startSimulator({ clock: vt.clock, config: demoSimConfig() });
  try {
    const a = first.url;
    const b = second.url;
    const { addDocumentBody, postAddDocument } = await import('../../main/engine/sim/requests.ts');
    const fs = await import('node:fs');
    const [one, two] = [files[0]!, files[1]!];
    const idA = ((await postAddDocument(a, addDocumentBody({ images: [fs.readFileSync(one.path)], processInfo: [{ key: `${one.type}1`, type: one.type }] }))).body as { document_id: string }).document_id;
    const idB = ((await postAddDocument(b, addDocumentBody({ images: [fs.readFileSync(two.path)], processInfo: [{ key: `${two.type}1`, type: two.type }] }))).body as { document_id: string }).document_id;
    assert.notEqual(idA, idB, 'two simulator runs hand out different document ids');
    const { getResult } = await import('../../main/engine/sim/requests.ts');
    assert.equal((await getResult(b, idA)).status, 404, 'a case left processing by the first run is not found, not answered with another scan');
  } finally {
    await first.close();
    await second.close();
  }
});
