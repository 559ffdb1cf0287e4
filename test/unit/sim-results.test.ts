// Result bodies of the simulator for real sample scans (and for unknown images): the data drawn on the scan,
// Beorg's value conventions, planted misreads caught by computed verification checks, biometry, broken results.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { startSimulator, SIM_CREDENTIALS as C, type Simulator } from '../../main/engine/sim/server.ts';
import { addDocumentBody, getResult, postAddDocument } from '../../main/engine/sim/requests.ts';
import { createPerson, renderInn, renderPassport, renderSelfie, type SamplePerson, type SampleScenario } from '../../main/engine/samples/index.ts';

type Doc = {
  key: string; type: string; data: Record<string, unknown>;
  metadata: { confidences: Record<string, unknown> | null; verifications: Record<string, unknown>; metadata_check: unknown; biometrics?: { matches?: { match_faces: number; similarity: number }; liveness?: { liveness: number; probability: number } } };
  broken: boolean | null; broken_reasons: string[]; broken_reasons_ru: string[];
};
type Check = { status: 0 | 1 | ''; key: string; title: string };

let sim: Simulator;
const ivan = createPerson(101);
const anna = createPerson(202);

before(async () => {
  sim = await startSimulator({ config: { delay: { kind: 'fixed', ms: 0 } } });
});
after(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  sim.setConfig({ confidenceFormat: 'string', confidenceKeyCase: 'data', innMetadataStyle: 'full', passportGender: 'cyrillic', unsupportedFormat: 'reject', passportRegResultType: 'PASSPORT_REG' });
});

/** Uploads, waits until ready (delay 0), returns the documents of the result. */
async function recognise(images: Buffer[], processInfo: unknown[]): Promise<Doc[]> {
  const up = await postAddDocument(sim.url, addDocumentBody({ images, processInfo }));
  assert.equal(up.status, 200, up.text);
  const res = await getResult(sim.url, (up.body as { document_id: string }).document_id);
  assert.equal(res.status, 200, res.text);
  return (res.body as { documents: Doc[] }).documents;
}
const passportInfo = (stages = ['verification']) => [{ key: 'PASSPORT1', type: 'PASSPORT', options: { stages } }];
const checksOf = (d: Doc) => Object.fromEntries(((d.metadata.verifications as { checks: { verify_passport: Check[] } }).checks.verify_passport).map((c) => [c.key, c.status]));
const passportOf = async (p: SamplePerson, scenario?: SampleScenario) => renderPassport(p, scenario ? { scenario } : {});

void describe('passport result', () => {
  void it('returns the values drawn on the scan, as strings, in Beorg conventions', async () => {
    const [doc] = await recognise([await passportOf(ivan)], passportInfo());
    assert.ok(doc);
    assert.equal(doc.key, 'PASSPORT1');
    assert.equal(doc.type, 'PASSPORT');
    const d = doc.data;
    for (const v of Object.values(d)) assert.equal(typeof v, 'string');
    assert.equal(d.LastName, ivan.lastName);
    assert.equal(d.FirstName, ivan.firstName);
    assert.equal(d.MiddleName, ivan.middleName);
    assert.equal(d.Gender, ivan.gender);
    assert.match(String(d.Gender), /^[МЖ]$/u, 'Cyrillic М/Ж');
    assert.equal(d.BirthDate, ivan.birthDate);
    assert.match(String(d.IssueDate), /^\d{2}\.\d{2}\.\d{4}$/);
    assert.equal(d.IssueId, ivan.departmentCode.replace('-', ''));
    assert.match(String(d.IssueId), /^\d{6}$/);
    assert.equal(d.Series, ivan.series);
    assert.equal(d.Number, ivan.number);
    assert.equal(d.HasPhoto, '1');
    assert.equal(d.HasOwnerSignature, '1');
    assert.equal(d.HasStamp, '');
    assert.equal(d.MRZ1, ivan.mrz1);
    assert.equal(d.MRZ2, ivan.mrz2);
    assert.equal(doc.broken, null);
    assert.deepEqual(doc.broken_reasons, []);
    assert.deepEqual(doc.broken_reasons_ru, []);
    const conf = doc.metadata.confidences!;
    assert.deepEqual(Object.keys(conf).sort(), Object.keys(d).sort());
    for (const [k, v] of Object.entries(conf)) {
      assert.equal(typeof v, 'string', k);
      assert.match(String(v), /^(0|0\.\d{4})$/, k);
    }
    assert.equal(conf.HasStamp, '0', 'empty value → confidence "0"');
  });

  void it('reports planted low confidences exactly; others 0.95–0.9999', async () => {
    const [doc] = await recognise([await passportOf(ivan, { lowConfidence: ['BirthPlace'], confidences: { BirthPlace: 0.62 } })], passportInfo());
    const conf = doc!.metadata.confidences!;
    assert.equal(conf.BirthPlace, '0.6200');
    for (const [k, v] of Object.entries(conf)) {
      if (k === 'BirthPlace' || v === '0') continue;
      assert.ok(Number(v) >= 0.95 && Number(v) <= 0.9999, `${k}=${String(v)}`);
    }
  });

  void it('confidence options: floats, null, capitalised keys; Latin gender option', async () => {
    sim.setConfig({ confidenceFormat: 'float', confidenceKeyCase: 'capitalized', passportGender: 'latin' });
    const [doc] = await recognise([await passportOf(anna)], passportInfo());
    const conf = doc!.metadata.confidences!;
    assert.equal(typeof conf.Lastname, 'number');
    assert.equal(conf.LastName, undefined);
    assert.match(String(doc!.data.Gender), /^[MF]$/);
    sim.setConfig({ confidenceFormat: 'null' });
    const [doc2] = await recognise([await passportOf(anna)], passportInfo());
    assert.equal(doc2!.metadata.confidences, null);
  });

  void it('verifications only with stage verification; all checks pass for a consistent person', async () => {
    const [plain] = await recognise([await passportOf(ivan)], [{ type: 'PASSPORT' }]);
    assert.deepEqual(plain!.metadata.verifications, {});
    const [doc] = await recognise([await passportOf(ivan)], passportInfo());
    const v = doc!.metadata.verifications as { status: number; status_text: string; bad_fields: string[]; checks: { verify_passport: Check[] } };
    assert.equal(v.checks.verify_passport.length, 7);
    for (const c of v.checks.verify_passport) assert.equal(typeof c.title, 'string');
    assert.deepEqual(checksOf(doc!), {
      fields_to_check_valid: 0, fio_series_number_mrz: 0, series_okato: 0, region_valid: 0, issued_after_14: 0, issued_after_1997: 0, expiration_date: 0,
    });
    assert.equal(v.status, 0);
    assert.equal(v.status_text, 'ok');
    assert.deepEqual(v.bad_fields, []);
  });

  void it('a planted number misread fails the MRZ check and names the field', async () => {
    const wrong = ivan.number.slice(0, 5) + String((Number(ivan.number[5]) + 1) % 10);
    const [doc] = await recognise([await passportOf(ivan, { ocrOverrides: { Number: wrong } })], passportInfo());
    assert.equal(doc!.data.Number, wrong);
    const v = doc!.metadata.verifications as { status: number; status_text: string; bad_fields: string[] };
    assert.equal(checksOf(doc!).fio_series_number_mrz, 1);
    assert.equal(v.status, 1);
    assert.equal(v.status_text, 'not_ok');
    assert.ok(v.bad_fields.includes('Number'));
  });

  void it('issue date before age 14 and a series from another region fail their checks', async () => {
    const birth = ivan.birthDate;
    const early = `${birth.slice(0, 6)}${Number(birth.slice(6)) + 10}`;
    const series = (ivan.series.startsWith('45') ? '40' : '45') + ivan.series.slice(2);
    const [doc] = await recognise([await passportOf(ivan, { ocrOverrides: { IssueDate: early, Series: series } })], passportInfo());
    const checks = checksOf(doc!);
    assert.equal(checks.issued_after_14, 1);
    assert.equal(checks.series_okato, 1);
    const v = doc!.metadata.verifications as { bad_fields: string[] };
    assert.ok(v.bad_fields.includes('IssueDate') && v.bad_fields.includes('Series'));
  });

  void it('PASSPORT_REG: address from the registration page; result type configurable', async () => {
    const img = await passportOf(ivan);
    const [doc] = await recognise([img, img], [{ key: 'R1', type: 'PASSPORT_REG' }, { key: 'R1', type: 'PASSPORT_REG' }]);
    assert.equal(doc!.type, 'PASSPORT_REG');
    assert.equal(doc!.data.Address, ivan.address);
    sim.setConfig({ passportRegResultType: 'PASSPORT' });
    const [doc2] = await recognise([img], [{ key: 'R1', type: 'PASSPORT_REG' }]);
    assert.equal(doc2!.type, 'PASSPORT');
  });
});

void describe('INN result', () => {
  void it('INN fields: Latin gender, booleans for seal/signature, RegDate string or null', async () => {
    const [doc] = await recognise([await renderInn(anna)], [{ key: 'INN1', type: 'INN' }]);
    const d = doc!.data;
    assert.equal(d.INN, anna.inn);
    assert.equal(d.LastName, anna.lastName);
    assert.equal(d.Gender, anna.gender === 'М' ? 'M' : 'F');
    assert.equal(d.HasSeal, true);
    assert.equal(d.HasSignature, true);
    assert.ok(d.RegDate === null || d.RegDate === anna.innRegDate);
    assert.equal(d.BirthPlace, anna.birthPlace);
    assert.deepEqual(doc!.metadata.verifications, {});
    assert.equal(typeof doc!.metadata.confidences!.INN, 'string');
  });

  void it('brief INN metadata style: confidences null, verifications {}', async () => {
    sim.setConfig({ innMetadataStyle: 'brief' });
    const [doc] = await recognise([await renderInn(anna)], [{ key: 'INN1', type: 'INN' }]);
    assert.equal(doc!.metadata.confidences, null);
    assert.deepEqual(doc!.metadata.verifications, {});
  });
});

void describe('biometry', () => {
  const bio = [
    { key: 'PASSPORT1', type: 'PASSPORT', options: { stages: ['verification', 'biometry_match'], relation: { biometry_match: 'SELFIE1' } } },
    { key: 'SELFIE1', type: 'SELFIE', options: { stages: ['biometry_liveness'] } },
  ];

  void it('same person → match_faces 1 (≥ 0.95) and liveness 1 (≥ 0.9)', async () => {
    const docs = await recognise([await passportOf(ivan), await renderSelfie(ivan)], bio);
    const [passport, selfie] = docs;
    const m = passport!.metadata.biometrics!.matches!;
    assert.equal(m.match_faces, 1);
    assert.ok(m.similarity >= 0.95 && m.similarity <= 1);
    const l = selfie!.metadata.biometrics!.liveness!;
    assert.equal(l.liveness, 1);
    assert.ok(l.probability >= 0.9);
    assert.deepEqual(selfie!.data, {});
    assert.equal(passport!.metadata.biometrics!.liveness, undefined);
  });

  void it('planted similarity 0.93 → match_faces 0; planted liveness 0.85 → liveness 0', async () => {
    const docs = await recognise([await passportOf(ivan), await renderSelfie(ivan, { scenario: { similarity: 0.93, liveness: 0.85 } })], bio);
    assert.deepEqual(docs[0]!.metadata.biometrics!.matches, { match_faces: 0, similarity: 0.93 });
    assert.deepEqual(docs[1]!.metadata.biometrics!.liveness, { liveness: 0, probability: 0.85 });
  });

  void it('a selfie of another person does not match', async () => {
    const docs = await recognise([await passportOf(ivan), await renderSelfie(anna)], bio);
    const m = docs[0]!.metadata.biometrics!.matches!;
    assert.equal(m.match_faces, 0);
    assert.ok(m.similarity < 0.95);
  });
});

void describe('broken results', () => {
  void it('scenario broken → broken true with EN and RU reasons, data still present', async () => {
    const [doc] = await recognise([await passportOf(ivan, { broken: true })], passportInfo());
    assert.equal(doc!.broken, true);
    assert.deepEqual(doc!.broken_reasons, ['Not all required fields has been recognized']);
    assert.deepEqual(doc!.broken_reasons_ru, ['Не все обязательные поля распознаны']);
    assert.equal(doc!.data.LastName, ivan.lastName);
    const [doc2] = await recognise([await passportOf(ivan, { broken: ['no_metadata', 'glare'] })], passportInfo());
    assert.deepEqual(doc2!.broken_reasons, ['the image does not contain metadata information', 'Glare on the document']);
    assert.equal(doc2!.broken_reasons_ru.length, 2);
  });

  void it('an INN certificate sent as PASSPORT is "not a document of the type", with empty data', async () => {
    const [doc] = await recognise([await renderInn(ivan)], passportInfo());
    assert.equal(doc!.broken, true);
    assert.deepEqual(doc!.broken_reasons_ru, ['Не типовой документ (Паспорт РФ)']);
    assert.equal(doc!.data.LastName, '');
    assert.deepEqual(doc!.metadata.verifications, {});
  });

  void it('poor images, undecodable images and (optionally) unsupported formats are broken', async () => {
    const [poor] = await recognise([await passportOf(ivan, { poor: true })], passportInfo());
    assert.deepEqual(poor!.broken_reasons_ru, ['Некачественное изображение']);
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 7)]);
    const [bad] = await recognise([garbage], passportInfo());
    assert.equal(bad!.broken, true);
    assert.match(bad!.broken_reasons_ru[0]!, /^Не типовой документ/);
    const tiny = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    const [small] = await recognise([tiny], passportInfo());
    assert.deepEqual(small!.broken_reasons, ['Poor image quality']);
    sim.setConfig({ unsupportedFormat: 'broken' });
    const [gif] = await recognise([Buffer.from('GIF89a-some-bytes', 'latin1')], passportInfo());
    assert.equal(gif!.broken, true);
  });
});

void describe('unknown images', () => {
  void it('same bytes → same plausible, consistent data; other bytes → other data', async () => {
    const a = await sharp({ create: { width: 1200, height: 1700, channels: 3, background: '#f3e6e8' } }).jpeg().toBuffer();
    const b = await sharp({ create: { width: 1200, height: 1700, channels: 3, background: '#e6f3e8' } }).jpeg().toBuffer();
    const [d1] = await recognise([a], passportInfo());
    const [d2] = await recognise([a], passportInfo());
    const [d3] = await recognise([b], passportInfo());
    assert.deepEqual(d1!.data, d2!.data);
    assert.deepEqual(d1!.metadata, d2!.metadata);
    assert.notDeepEqual(d1!.data, d3!.data);
    assert.equal(d1!.broken, null);
    assert.equal((d1!.metadata.verifications as { status: number }).status, 0, 'derived person is internally consistent');
    const low = Object.values(d1!.metadata.confidences!).filter((v) => v !== '0' && Number(v) < 0.9);
    assert.ok(low.length >= 1 && low.length <= 2, `1–2 low-confidence fields, got ${low.length}`);
    assert.equal(C.projectId, 'SCANDESK_DEMO');
  });

  void it('a scenario planted by image hash (admin API) applies to images that cannot carry one', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% scanned INN\n%%EOF\n', 'latin1');
    const sha = createHash('sha256').update(pdf).digest('hex');
    const put = await fetch(`${sim.url}/__sim/scenario/${sha}`, { method: 'PUT', body: JSON.stringify({ docType: 'INN', scenario: { ocrOverrides: { INN: '500100732259' }, broken: ['glare'] } }) });
    assert.equal(put.status, 204);
    const [doc] = await recognise([pdf], [{ type: 'INN' }]);
    assert.equal(doc!.data.INN, '500100732259');
    assert.deepEqual(doc!.broken_reasons, ['Glare on the document']);
    const [wrongType] = await recognise([pdf], passportInfo());
    assert.equal(wrongType!.broken, true, 'an INN planted by hash sent as PASSPORT is not a passport');
    assert.equal((await fetch(`${sim.url}/__sim/scenario/not-a-hash`, { method: 'PUT', body: '{}' })).status, 400);
    sim.setScenario(sha, null);
    const [plain] = await recognise([pdf], [{ type: 'INN' }]);
    assert.notEqual(plain!.data.INN, '500100732259');
    assert.equal(plain!.broken, null);
  });
});
