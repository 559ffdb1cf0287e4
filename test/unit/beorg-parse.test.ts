// Defensive parsing of document/result bodies and the client's outcome mapping (real HTTP on loopback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseResultBody, createBeorgClient, parseRetryAfter, AUTH_MESSAGE_RU } from '../../main/engine/beorg/index.ts';
import { startSimulator, SIM_CREDENTIALS } from '../../main/engine/sim/server.ts';

void test('confidences as strings, floats or null, key spelling differing from data keys', () => {
  const body = JSON.stringify({
    document_id: 's-1',
    documents: [
      { key: 'PASSPORT1', type: 'PASSPORT', data: { LastName: 'Иванов', FirstName: 'Иван', HasPhoto: true, Number: 123456, RegDate: null },
        metadata: { confidences: { Lastname: '0.9999', FIRSTNAME: 0.5, HasPhoto: null, Number: 'oops' }, verifications: { status: 0, bad_fields: [] } },
        broken: null, broken_reasons: [], broken_reasons_ru: [] },
      { key: 'INN1', type: 'INN', data: { INN: '500100732259' }, metadata: { confidences: null, verifications: {} } },
    ],
  });
  const r = parseResultBody(body);
  assert.ok(r.ok);
  const [p, inn] = r.result.documents;
  const f = Object.fromEntries(p!.fields.map((x) => [x.name, x]));
  assert.deepEqual(f.LastName, { name: 'LastName', value: 'Иванов', confidence: 0.9999 });
  assert.equal(f.FirstName!.confidence, 0.5);
  assert.equal(f.HasPhoto!.value, 'true');
  assert.equal(f.Number!.value, '123456');
  assert.equal(f.Number!.confidence, null);
  assert.equal(f.RegDate!.value, null);
  assert.deepEqual(p!.verifications, { status: 0, bad_fields: [] });
  assert.equal(inn!.fields[0]!.confidence, null);
});

void test('hostile shapes: huge strings, nesting, HTML, too many documents, broken flags, biometrics', () => {
  const docs = Array.from({ length: 80 }, (_, i) => ({
    key: `K${i}`, type: 'SELFIE',
    data: { Note: '<img src=x onerror=alert(1)>' + 'я'.repeat(10_000), Nested: { a: { b: 1 } }, 'bad key!': 'x', __proto__x: 1 },
    metadata: { biometrics: { matches: { similarity: '0.97' }, liveness: { probability: 0.42 } }, verifications: deep(30) },
    broken: 'true', broken_reasons: ['blur', 5, null], broken_reasons_ru: 'размыто',
  }));
  const r = parseResultBody(JSON.stringify({ documents: docs }));
  assert.ok(r.ok);
  assert.equal(r.result.documents.length, 50);
  const d = r.result.documents[0]!;
  assert.equal(d.fields.length, 1, 'only the scalar field with an identifier name');
  assert.equal(d.fields[0]!.value!.length, 2000);
  assert.ok(d.fields[0]!.value!.startsWith('<img'), 'kept as inert text');
  assert.equal(d.broken, true);
  assert.deepEqual(d.brokenReasons, ['blur']);
  assert.deepEqual(d.brokenReasonsRu, ['размыто']);
  assert.equal(d.matchScore, 0.97);
  assert.equal(d.livenessScore, 0.42);
  assert.ok(JSON.stringify(d.verifications).length < 2000, 'deep nesting cut');
});

void test('not JSON, no documents, wrong top-level type → ok:false with a Russian error', () => {
  for (const raw of ['{"document_id": "s-1", "documents": [ {"key": "A" "type": "B"} ]}', '[]', '{"documents": "x"}', '{"documents": [1, "a"]}']) {
    const r = parseResultBody(raw);
    assert.equal(r.ok, false, raw);
    if (!r.ok) assert.match(r.error, /[а-я]/);
  }
});

function deep(n: number): unknown {
  return n === 0 ? 'leaf' : { x: deep(n - 1) };
}

async function withServer(handler: http.RequestListener, fn: (url: string) => Promise<void>) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

void test('client maps HTTP answers to outcomes and never throws', async () => {
  const replies: [number, string, Record<string, string>?][] = [
    [425, '{}'], [202, ''], [200, '{"documents": []}'], [429, '{}', { 'Retry-After': '3' }], [503, 'x'], [200, 'not json'],
    [401, '{}'], [404, '{"errors":{"type":"DocumentNotFound","message":"no such"}}'], [400, `{"errors":{"type":"Bad","message":"${'м'.repeat(600)}"}}`],
  ];
  let i = 0;
  await withServer((_req, res) => {
    const [status, body, headers] = replies[i++]!;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  }, async (url) => {
    const c = createBeorgClient({ baseUrl: url, timeoutMs: 2000 });
    const kinds = [];
    for (let k = 0; k < replies.length; k++) kinds.push(await c.getResult('t', 's-1'));
    assert.deepEqual(kinds.map((o) => o.kind), ['not-ready', 'not-ready', 'not-ready', 'rate-limited', 'transient', 'transient', 'auth', 'not-found', 'invalid']);
    const rl = kinds[3]!;
    assert.ok(rl.kind === 'rate-limited' && rl.retryAfterMs === 3000);
    const auth = kinds[6]!;
    assert.ok(auth.kind === 'auth' && auth.message === AUTH_MESSAGE_RU);
    const inv = kinds[8]!;
    assert.ok(inv.kind === 'invalid' && inv.message.length < 400 && inv.message.includes('м'));
  });
  // offline: nothing listens on that port
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const off = createBeorgClient({ baseUrl: `http://127.0.0.1:${closedPort}`, timeoutMs: 2000 });
  assert.equal((await off.getResult('t', 's-1')).kind, 'offline');
  // timeout
  await withServer(() => {}, async (url) => {
    const c = createBeorgClient({ baseUrl: url, timeoutMs: 300 });
    const o = await c.getResult('t', 's-1');
    assert.equal(o.kind, 'transient');
  });
  assert.equal(parseRetryAfter('bogus', 0), null);
  // An HTTP date is measured from the engine's clock, not the wall clock.
  const now = Date.parse('Thu, 03 Dec 2026 08:00:00 GMT');
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 08:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('7', now), 7_000);
});

void test('against the simulator: add_document then not-ready then ok; wrong token → auth; unknown project → not-found', async () => {
  const sim = await startSimulator({ config: { delay: { kind: 'fixed', ms: 300 } } });
  try {
    const c = createBeorgClient({ baseUrl: sim.url, timeoutMs: 5000 });
    const sharp = (await import('sharp')).default;
    const img = await sharp({ create: { width: 800, height: 700, channels: 3, background: '#ddd' } }).jpeg().toBuffer();
    const add = await c.addDocument({ ...SIM_CREDENTIALS }, [img], [{ key: 'INN1', type: 'INN' }]);
    assert.equal(add.kind, 'ok');
    if (add.kind !== 'ok') return;
    assert.equal((await c.getResult(SIM_CREDENTIALS.token, add.value.documentId)).kind, 'not-ready');
    await new Promise((r) => setTimeout(r, 400));
    const res = await c.getResult(SIM_CREDENTIALS.token, add.value.documentId);
    assert.equal(res.kind, 'ok');
    if (res.kind === 'ok') assert.ok(parseResultBody(res.value.raw).ok);
    assert.equal((await c.addDocument({ ...SIM_CREDENTIALS, token: '0'.repeat(32) }, [img], [{ key: 'INN1', type: 'INN' }])).kind, 'auth');
    const nf = await c.addDocument({ ...SIM_CREDENTIALS, projectId: 'NOPE' }, [img], [{ key: 'INN1', type: 'INN' }]);
    assert.equal(nf.kind, 'not-found');
    assert.ok(nf.kind === 'not-found' && /Проект/.test(nf.message));
  } finally {
    await sim.close();
  }
});
