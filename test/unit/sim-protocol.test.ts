// The simulated Beorg API over real HTTP on loopback: every status code of add_document and document/result,
// the processing lifecycle (425 → 200 with timeScale), grouping, billing, dedup, balance, admin endpoints.
// The simulator runs on a manual clock: processing time and result expiry move only when a test moves it.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startSimulator, SIM_CREDENTIALS as C, defaultSimConfig, type Simulator } from '../../main/engine/sim/server.ts';
import { addDocumentBody, getResult, postAddDocument } from '../../main/engine/sim/requests.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const PASSPORT = [{ key: 'PASSPORT1', type: 'PASSPORT', options: { stages: ['verification'] } }];
const OTHER = { token: 'a'.repeat(32), machineUid: 'B'.repeat(40), projects: [C.projectId] };

let sim: Simulator;
const clock = new ManualClock();
let jpeg: Buffer;
let png: Buffer;

before(async () => {
  jpeg = await sharp({ create: { width: 900, height: 640, channels: 3, background: '#f0e8e0' } }).jpeg().toBuffer();
  png = await sharp({ create: { width: 900, height: 640, channels: 3, background: '#e0f0e8' } }).png().toBuffer();
  sim = await startSimulator({
    clock,
    config: { delay: { kind: 'fixed', ms: 60_000 }, accounts: [...defaultSimConfig().accounts, OTHER] },
  });
});
after(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  sim.setConfig({ requireJsonContentType: true, delay: { kind: 'fixed', ms: 60_000 }, timeScale: 1, idFormat: 's-int', pendingMode: '425', resultPost: false, acceptCampaignId: false, acceptTiff: false, unsupportedFormat: 'reject', dedup: { mode: 'off' }, balance: null, resultTtlMs: null, maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: 50 * 1024 * 1024, maxBodyBytes: 80 * 1024 * 1024 });
});

const upload = (body: unknown) => postAddDocument(sim.url, body);
const errorType = (body: unknown) => (body as { errors?: { type?: string } }).errors?.type;

void describe('add_document', () => {
  void it('returns s-<increasing int> ids; plain ints as an option', async () => {
    const a = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    const b = await upload(addDocumentBody({ images: [png], processInfo: PASSPORT }));
    assert.equal(a.status, 200);
    const ida = (a.body as { document_id: string }).document_id;
    const idb = (b.body as { document_id: string }).document_id;
    assert.match(ida, /^s-\d+$/);
    assert.ok(Number(idb.slice(2)) > Number(ida.slice(2)));
    sim.setConfig({ idFormat: 'int' });
    const c = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    assert.match((c.body as { document_id: string }).document_id, /^\d+$/);
  });

  void it('401 AccessDenied for a bad/missing token or machine_uid', async () => {
    for (const body of [
      addDocumentBody({ images: [jpeg], token: 'f'.repeat(32) }),
      addDocumentBody({ images: [jpeg], machineUid: 'X'.repeat(40) }),
      { project_id: C.projectId, machine_uid: C.machineUid, images: [jpeg.toString('base64')] },
      // a valid token with the machine_uid of another account
      addDocumentBody({ images: [jpeg], token: OTHER.token }),
    ]) {
      const r = await upload(body);
      assert.equal(r.status, 401, JSON.stringify(body).slice(0, 80));
      assert.equal(errorType(r.body), 'AccessDenied');
      assert.equal(typeof (r.body as { errors: { message: unknown } }).errors.message, 'string');
    }
  });

  void it('404 CampaignNotFound for an unknown project; campaign_id only when configured', async () => {
    const r = await upload(addDocumentBody({ images: [jpeg], projectId: 'NO_SUCH' }));
    assert.equal(r.status, 404);
    assert.equal(errorType(r.body), 'CampaignNotFound');
    const legacy = { ...addDocumentBody({ images: [jpeg], processInfo: PASSPORT }), project_id: undefined, campaign_id: C.projectId };
    assert.equal((await upload(legacy)).status, 404);
    sim.setConfig({ acceptCampaignId: true });
    assert.equal((await upload(legacy)).status, 200);
  });

  void it('400 BadRequest for each malformed request', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const cases: [string, unknown][] = [
      ['malformed JSON', '{"token": '],
      ['body not an object', '[1,2]'],
      ['images missing', { ...addDocumentBody({ images: [] }), images: undefined }],
      ['images empty', addDocumentBody({ images: [] })],
      ['images not a list', { ...addDocumentBody({ images: [] }), images: jpeg.toString('base64') }],
      ['empty image string', addDocumentBody({ images: [''] })],
      ['invalid base64', addDocumentBody({ images: ['@@not*base64@@'] })],
      ['base64 with bad length', addDocumentBody({ images: [jpeg.toString('base64').slice(0, -1)] })],
      ['data URI prefix', addDocumentBody({ images: [`data:image/jpeg;base64,${jpeg.toString('base64')}`] })],
      ['length mismatch', addDocumentBody({ images: [jpeg, png], processInfo: PASSPORT })],
      ['process_info not a list', addDocumentBody({ images: [jpeg], processInfo: undefined, extra: { process_info: { type: 'PASSPORT' } } })],
      ['unknown type', addDocumentBody({ images: [jpeg], processInfo: [{ type: 'PASPORT' }] })],
      ['type missing', addDocumentBody({ images: [jpeg], processInfo: [{ key: 'A' }] })],
      ['unknown stage', addDocumentBody({ images: [jpeg], processInfo: [{ type: 'PASSPORT', options: { stages: ['verify'] } }] })],
      ['relation names a key not in the request', addDocumentBody({ images: [jpeg], processInfo: [{ key: 'P1', type: 'PASSPORT', options: { stages: ['biometry_match'], relation: { biometry_match: 'SELFIE1' } } }] })],
      ['relation without biometry_match stage', addDocumentBody({ images: [jpeg, png], processInfo: [{ key: 'P1', type: 'PASSPORT', options: { stages: ['verification'], relation: { biometry_match: 'S1' } } }, { key: 'S1', type: 'SELFIE' }] })],
      ['relation on another stage', addDocumentBody({ images: [jpeg, png], processInfo: [{ key: 'P1', type: 'PASSPORT', options: { stages: ['biometry_match'], relation: { biometry_match: 'S1', biometry_liveness: 'S1' } } }, { key: 'S1', type: 'SELFIE' }] })],
      ['biometry_match without relation', addDocumentBody({ images: [jpeg], processInfo: [{ type: 'PASSPORT', options: { stages: ['biometry_match'] } }] })],
      ['one key, two types', addDocumentBody({ images: [jpeg, png], processInfo: [{ key: 'K', type: 'PASSPORT' }, { key: 'K', type: 'INN' }] })],
      ['unsupported format (GIF)', addDocumentBody({ images: [gif], processInfo: PASSPORT })],
      ['too many images', addDocumentBody({ images: Array.from({ length: 11 }, () => jpeg), processInfo: Array.from({ length: 11 }, () => ({ type: 'PASSPORT' })) })],
    ];
    for (const [name, body] of cases) {
      const r = await upload(body);
      assert.equal(r.status, 400, `${name}: ${r.text}`);
      assert.equal(errorType(r.body), 'BadRequest', name);
    }
    assert.equal(sim.documents().length, 0, 'no rejected request created a document');
  });

  void it('400 without Content-Type: application/json (unless turned off)', async () => {
    const body = JSON.stringify(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    const r = await fetch(`${sim.url}/api/bescan/add_document`, { method: 'POST', body }); // text/plain
    assert.equal(r.status, 400);
    const ok = await fetch(`${sim.url}/api/bescan/add_document`, { method: 'POST', body, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    assert.equal(ok.status, 200);
    sim.setConfig({ requireJsonContentType: false });
    assert.equal((await fetch(`${sim.url}/api/bescan/add_document`, { method: 'POST', body })).status, 200);
  });

  void it('TIFF is rejected by default and accepted when configured', async () => {
    const tiff = await sharp({ create: { width: 700, height: 700, channels: 3, background: '#fff' } }).tiff().toBuffer();
    assert.equal((await upload(addDocumentBody({ images: [tiff], processInfo: PASSPORT }))).status, 400);
    sim.setConfig({ acceptTiff: true });
    assert.equal((await upload(addDocumentBody({ images: [tiff], processInfo: PASSPORT }))).status, 200);
  });

  void it('accepts PDF by magic bytes', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
    assert.equal((await upload(addDocumentBody({ images: [pdf], processInfo: PASSPORT }))).status, 200);
  });

  void it('413 for per-file, total and raw body limits, and keeps serving', async () => {
    sim.setConfig({ maxFileBytes: jpeg.length - 1 });
    let r = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    assert.equal(r.status, 413);
    sim.setConfig({ maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: jpeg.length + 10 });
    r = await upload(addDocumentBody({ images: [jpeg, jpeg], processInfo: [{ type: 'PASSPORT' }, { type: 'PASSPORT' }] }));
    assert.equal(r.status, 413);
    sim.setConfig({ maxTotalBytes: 50 * 1024 * 1024, maxBodyBytes: 64 * 1024 });
    r = await upload(addDocumentBody({ images: [Buffer.alloc(200 * 1024, 1)], processInfo: PASSPORT }));
    assert.equal(r.status, 413);
    assert.equal(errorType(r.body), 'PayloadTooLarge');
    sim.setConfig({ maxBodyBytes: 80 * 1024 * 1024 });
    assert.equal((await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }))).status, 200);
  });

  void it('omitted process_info → the project default (PASSPORT)', async () => {
    sim.setConfig({ delay: { kind: 'fixed', ms: 0 } });
    const r = await upload(addDocumentBody({ images: [jpeg] }));
    assert.equal(r.status, 200);
    const res = await getResult(sim.url, (r.body as { document_id: string }).document_id);
    assert.equal(res.status, 200);
    const docs = (res.body as { documents: { type: string }[] }).documents;
    assert.deepEqual(docs.map((d) => d.type), ['PASSPORT']);
  });

  void it('405 for a GET on add_document', async () => {
    const r = await fetch(`${sim.url}/api/bescan/add_document`);
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
  });

  void it('groups images by key (default key = type), one document per key in first-seen order', async () => {
    sim.setConfig({ delay: { kind: 'fixed', ms: 0 } });
    const r = await upload(addDocumentBody({
      images: [jpeg, png, jpeg],
      processInfo: [{ key: 'REG1', type: 'PASSPORT_REG' }, { type: 'INN' }, { key: 'REG1', type: 'PASSPORT_REG' }],
    }));
    assert.equal(r.status, 200, r.text);
    const res = await getResult(sim.url, (r.body as { document_id: string }).document_id);
    const docs = (res.body as { documents: { key: string; type: string }[] }).documents;
    assert.deepEqual(docs.map((d) => [d.key, d.type]), [['REG1', 'PASSPORT_REG'], ['INN', 'INN']]);
    assert.deepEqual(sim.billing(), { [C.token]: 2 });
  });
});

void describe('document/result', () => {
  const create = async () => {
    const r = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    assert.equal(r.status, 200, r.text);
    return (r.body as { document_id: string }).document_id;
  };

  void it('425 {"status":"processing"} while processing, then 200, repeatable (timeScale)', async () => {
    sim.setConfig({ delay: { kind: 'fixed', ms: 30_000 }, timeScale: 0.01 }); // 300 ms
    const id = await create();
    const t0 = clock.now();
    const first = await getResult(sim.url, id);
    assert.equal(first.status, 425);
    assert.deepEqual(first.body, { status: 'processing' });
    let last = first;
    while (last.status === 425) {
      await clock.advance(25);
      last = await getResult(sim.url, id);
    }
    const waited = clock.now() - t0;
    assert.equal(last.status, 200);
    assert.equal(waited, 300, `ready after ${waited} ms, expected 300`);
    const again = await getResult(sim.url, id);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, last.body);
    assert.equal((last.body as { document_id: string }).document_id, id);
  });

  void it('alternative pending modes: 202 and 200 with empty documents; configurable body', async () => {
    const id = await create();
    sim.setConfig({ pendingMode: '202', pendingBody: { state: 'wait' } });
    const a = await getResult(sim.url, id);
    assert.equal(a.status, 202);
    assert.deepEqual(a.body, { state: 'wait' });
    sim.setConfig({ pendingMode: '200-empty' });
    const b = await getResult(sim.url, id);
    assert.equal(b.status, 200);
    assert.deepEqual(b.body, { document_id: id, documents: [] });
  });

  void it('404 DocumentNotFound for an unknown id; 401 for another token or none', async () => {
    const id = await create();
    const unknown = await getResult(sim.url, 's-999999');
    assert.equal(unknown.status, 404);
    assert.equal(errorType(unknown.body), 'DocumentNotFound');
    const foreign = await getResult(sim.url, id, OTHER.token);
    assert.equal(foreign.status, 401);
    assert.equal(errorType(foreign.body), 'AccessDenied');
    const none = await fetch(`${sim.url}/api/document/result/${id}`);
    assert.equal(none.status, 401);
    sim.setConfig({ foreignTokenStatus: 404 });
    assert.equal((await getResult(sim.url, id, OTHER.token)).status, 404);
  });

  void it('POST on the result path is 405 unless configured', async () => {
    const id = await create();
    sim.forceComplete(id);
    const r = await getResult(sim.url, id, C.token, 'POST');
    assert.equal(r.status, 405);
    sim.setConfig({ resultPost: true });
    assert.equal((await getResult(sim.url, id, C.token, 'POST')).status, 200);
  });

  void it('results expire after resultTtlMs when configured', async () => {
    sim.setConfig({ delay: { kind: 'fixed', ms: 0 }, resultTtlMs: 50 });
    const id = await create();
    assert.equal((await getResult(sim.url, id)).status, 200);
    await clock.advance(50);
    assert.equal((await getResult(sim.url, id)).status, 200, 'kept for exactly resultTtlMs');
    await clock.advance(1);
    assert.equal((await getResult(sim.url, id)).status, 404);
    sim.setConfig({ resultTtlMs: null });
  });
});

void describe('billing, dedup, balance', () => {
  void it('dedup off (default) creates a new billed document for the same image', async () => {
    const a = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    const b = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    assert.notEqual((a.body as { document_id: string }).document_id, (b.body as { document_id: string }).document_id);
    assert.equal(sim.billing()[C.token], 2);
  });

  void it('dedup conflict → 409 with error.data.questionary_id; return-existing → the same id', async () => {
    sim.setConfig({ dedup: { mode: 'conflict' } });
    const a = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    const id = (a.body as { document_id: string }).document_id;
    const dup = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    assert.equal(dup.status, 409);
    assert.equal((dup.body as { error: { data: { questionary_id: string } } }).error.data.questionary_id, id);
    sim.setConfig({ dedup: { mode: 'return-existing' } });
    const same = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    assert.equal(same.status, 200);
    assert.equal((same.body as { document_id: string }).document_id, id);
    assert.equal(sim.billing()[C.token], 1, 'duplicates are not billed');
  });

  void it('balance exhausted → 402 (configurable), nothing created', async () => {
    sim.setConfig({ balance: 1 });
    assert.equal((await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }))).status, 200);
    const r = await upload(addDocumentBody({ images: [png], processInfo: PASSPORT }));
    assert.equal(r.status, 402);
    assert.equal(errorType(r.body), 'InsufficientFunds');
    assert.equal(sim.documents().length, 1);
  });
});

void describe('admin endpoints', () => {
  void it('config GET/PUT, documents, force-complete, fail, log, reset over HTTP', async () => {
    const put = await fetch(`${sim.url}/__sim/config`, { method: 'PUT', body: JSON.stringify({ timeScale: 0.5, faults: { poll: { http503: 0 } } }) });
    assert.equal(put.status, 200);
    assert.equal(((await put.json()) as { timeScale: number }).timeScale, 0.5);
    assert.equal(sim.config.timeScale, 0.5);
    assert.equal(sim.config.faults.upload.http500, 0, 'deep merge keeps siblings');

    const r = await upload(addDocumentBody({ images: [jpeg], processInfo: PASSPORT }));
    const id = (r.body as { document_id: string }).document_id;
    const docs = (await (await fetch(`${sim.url}/__sim/documents`)).json()) as { id: string; state: string }[];
    assert.deepEqual(docs.map((d) => [d.id, d.state]), [[id, 'processing']]);
    assert.equal((await getResult(sim.url, id)).status, 425);
    assert.equal((await fetch(`${sim.url}/__sim/force-complete/${id}`, { method: 'POST' })).status, 204);
    assert.equal((await getResult(sim.url, id)).status, 200);
    assert.equal((await fetch(`${sim.url}/__sim/force-complete/s-1`, { method: 'POST' })).status, 404);

    assert.equal((await fetch(`${sim.url}/__sim/fail/${id}`, { method: 'POST', body: JSON.stringify({ mode: 'http500' }) })).status, 204);
    assert.equal((await getResult(sim.url, id)).status, 500);

    const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as { kind: string; status: number }[];
    assert.ok(log.some((e) => e.kind === 'upload' && e.status === 200));
    assert.ok(log.some((e) => e.kind === 'poll' && e.status === 425));
    assert.equal((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status, 204);
    assert.equal(sim.documents().length, 0);
    assert.equal((await fetch(`${sim.url}/__sim/nope`)).status, 404);
    assert.equal((await fetch(`${sim.url}/api/other`)).status, 404);
  });
});
