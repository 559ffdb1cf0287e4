// Sample scans: they decode, have the sizes the engine accepts, carry their scenario through the engine's exact
// re-encode/convert calls (and into the simulator's answer), and the folder generator follows the conventions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  createPerson, demoScenarioFor, embedScenario, generateSamples, readScenario, renderInn, renderPassport, renderSelfie, type ScenarioPayload,
} from '../../main/engine/samples/index.ts';
import { startSimulator, type Simulator } from '../../main/engine/sim/server.ts';
import { addDocumentBody, getResult, postAddDocument } from '../../main/engine/sim/requests.ts';
import { isValidInn } from '../../main/engine/validation/primitives.ts';

// Exactly what the engine does to oversized scans and to PNG/TIFF: metadata is kept.
const engineRecompress = (b: Buffer) => sharp(b).resize({ width: 1000, height: 1000, fit: 'inside' }).jpeg({ quality: 85 }).keepMetadata().toBuffer();
const engineConvert = (b: Buffer) => sharp(b).jpeg({ quality: 85 }).keepMetadata().toBuffer();

const person = createPerson(31337);
let tmp: string;
let sim: Simulator;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'scandesk-samples-'));
  sim = await startSimulator({ config: { delay: { kind: 'fixed', ms: 0 } } });
});
after(async () => {
  await sim.close();
  await rm(tmp, { recursive: true, force: true });
});

void describe('rendered scans', () => {
  for (const [name, render] of [['passport', renderPassport], ['inn', renderInn], ['selfie', renderSelfie]] as const) {
    void it(`${name}: decodes, 1400–2000 px long side, ≥ 600 px short side, < 1 MB, JPEG and PNG`, async () => {
      for (const format of ['jpeg', 'png'] as const) {
        const buf = await render(person, { format });
        const m = await sharp(buf).metadata();
        assert.equal(m.format, format);
        const long = Math.max(m.width!, m.height!);
        const short = Math.min(m.width!, m.height!);
        assert.ok(long >= 1400 && long <= 2000, `${name} long side ${long}`);
        assert.ok(short >= 600, `${name} short side ${short}`);
        if (format === 'jpeg') assert.ok(buf.length < 1024 * 1024, `${name} ${buf.length} bytes`);
        const stats = await sharp(buf).stats();
        assert.ok(stats.channels.some((c) => c.stdev > 10), 'not a blank image');
      }
    });
  }

  void it('the payload survives the engine recompress and PNG → JPEG convert calls, and is lost without keepMetadata', async () => {
    const scenario = { lowConfidence: ['BirthPlace'], confidences: { BirthPlace: 0.62 }, ocrOverrides: { Number: '000001' }, similarity: 0.93 };
    const jpeg = await renderPassport(person, { scenario });
    const png = await renderInn(person, { format: 'png' });
    const expected: ScenarioPayload = { v: 1, docType: 'PASSPORT', person, scenario };
    assert.deepEqual(readScenario(jpeg), expected);
    assert.deepEqual(readScenario(await engineRecompress(jpeg)), expected);
    assert.deepEqual(readScenario(await engineConvert(jpeg)), expected);
    assert.deepEqual(readScenario(await engineRecompress(png)), { v: 1, docType: 'INN', person });
    assert.deepEqual(readScenario(await engineConvert(png)), { v: 1, docType: 'INN', person });
    assert.equal(readScenario(await sharp(jpeg).jpeg({ quality: 85 }).toBuffer()), null, 'sharp drops EXIF unless asked to keep it');
  });

  void it('embedScenario/readScenario round-trip on any JPEG/PNG; junk never throws', async () => {
    const payload: ScenarioPayload = { v: 1, docType: 'SELFIE', person, scenario: { liveness: 0.5, broken: ['glare'] } };
    for (const f of ['jpeg', 'png'] as const) {
      const plain = await sharp({ create: { width: 700, height: 900, channels: 3, background: '#abc' } })[f]().toBuffer();
      assert.equal(readScenario(plain), null);
      const tagged = await embedScenario(plain, payload);
      assert.equal((await sharp(tagged).metadata()).format, f);
      assert.deepEqual(readScenario(tagged), payload);
      assert.deepEqual(readScenario(await engineConvert(tagged)), payload);
    }
    assert.equal(readScenario(Buffer.from('SCANDESK-SCENARIO/1:bm90IGpzb24.')), null);
    assert.equal(readScenario(Buffer.from('SCANDESK-SCENARIO/1:e30.')), null, 'valid JSON, wrong shape');
    assert.equal(readScenario(Buffer.from('SCANDESK-SCENARIO/1:unterminated')), null);
    assert.equal(readScenario(Buffer.alloc(0)), null);
  });

  void it('a recompressed sample still yields the drawn data from the simulator', async () => {
    const scan = await engineRecompress(await renderPassport(person, { scenario: { ocrOverrides: { BirthPlace: 'ГОР. ТЕСТОВСК' } } }));
    const up = await postAddDocument(sim.url, addDocumentBody({ images: [scan], processInfo: [{ type: 'PASSPORT' }] }));
    const res = await getResult(sim.url, (up.body as { document_id: string }).document_id);
    const data = (res.body as { documents: { data: Record<string, string> }[] }).documents[0]!.data;
    assert.equal(data.LastName, person.lastName);
    assert.equal(data.Number, person.number);
    assert.equal(data.BirthPlace, 'ГОР. ТЕСТОВСК');
  });
});

void describe('generateSamples', () => {
  void it('mixed layout uses all three folder conventions; payload type and person match each file', async () => {
    const dir = path.join(tmp, 'mixed');
    const { people, files } = await generateSamples({ dir, count: 6, seed: 3 });
    assert.equal(people.length, 6);
    assert.equal(files.length, 18);
    const rel = files.map((f) => path.relative(dir, f.path));
    for (const [i, p] of people.entries()) {
      const mine = rel.filter((_, j) => files[j]!.personId === p.id).sort();
      assert.equal(mine.length, 3);
      if (i % 3 === 0) {
        assert.ok(mine.every((r) => /^[А-ЯЁ][а-яё-]+ [А-ЯЁ]\.[А-ЯЁ](-\d+)?\/(паспорт|селфи|инн)\.jpg$/u.test(r)), mine.join(' '));
      } else if (i % 3 === 1) {
        assert.ok(mine.every((r) => /^[a-z-]+(-\d+)?_(passport|selfie|inn)\.jpg$/.test(r)), mine.join(' '));
      } else {
        assert.ok(mine.every((r) => /^(passport\/[a-z-]+(-\d+)?\.jpg|selfie\/[a-z-]+(-\d+)?\.jpg|inn\/[a-z-]+(-\d+)?\.png)$/.test(r)), mine.join(' '));
      }
    }
    for (const f of files) {
      const payload = readScenario(await readFile(f.path));
      assert.ok(payload, f.path);
      assert.equal(payload.docType, f.type);
      assert.equal(payload.person.id, f.personId);
      if (f.type !== 'SELFIE') {
        const low = payload.scenario?.lowConfidence ?? [];
        assert.ok(low.length >= 1 && low.length <= 2, `${f.path}: ${low.join(',')}`);
        for (const k of low) assert.ok(payload.scenario!.confidences![k]! < 0.85);
      }
    }
  });

  void it('folders and loose layouts, include options, PNG format; same seed → same bytes', async () => {
    const a = await generateSamples({ dir: path.join(tmp, 'folders'), count: 2, layout: 'folders', include: { inn: false } });
    assert.equal(a.files.length, 4);
    assert.ok(a.files.every((f) => /\/(паспорт|селфи)\.jpg$/.test(f.path)));
    const b = await generateSamples({ dir: path.join(tmp, 'loose'), count: 2, layout: 'loose', format: 'png', include: { selfie: false } });
    assert.equal(b.files.length, 4);
    assert.ok(b.files.every((f) => /_(passport|inn)\.png$/.test(f.path)));
    const c = await generateSamples({ dir: path.join(tmp, 'loose2'), count: 2, layout: 'loose', format: 'png', include: { selfie: false } });
    const hash = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
    assert.equal(await hash(b.files[0]!.path), await hash(c.files[0]!.path));
  });

  void it('demo plants: INN misread, MRZ mismatch, low similarity/liveness, poor scan — the rest clean', () => {
    const people = Array.from({ length: 8 }, (_, i) => createPerson(900 + i));
    const plant = (i: number, t: 'PASSPORT' | 'INN' | 'SELFIE') => demoScenarioFor(i, t, people[i]!);
    assert.deepEqual([plant(0, 'PASSPORT'), plant(0, 'INN'), plant(0, 'SELFIE')], [undefined, undefined, undefined]);
    const inn = plant(1, 'INN')!.ocrOverrides!.INN!;
    assert.ok(inn !== people[1]!.inn && !isValidInn(inn), 'planted INN fails its checksum');
    assert.notEqual(plant(3, 'PASSPORT')!.ocrOverrides!.Number, people[3]!.number);
    assert.equal(plant(5, 'SELFIE')!.similarity, 0.93);
    assert.ok(plant(6, 'SELFIE')!.liveness! < 0.9);
    assert.equal(plant(7, 'PASSPORT')!.poor, true);
  });
});
