// The Beorg client caps how much of a response body it reads (main/engine/beorg/client.ts MAX_BODY_BYTES): a hostile
// or broken server on 127.0.0.1 that streams without end, announces a huge Content-Length, or answers an upload with
// a giant body gets a clear outcome — never an exhausted heap.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBeorgClient, MAX_BODY_BYTES } from '../../main/engine/beorg/client.ts';

const CREDS = { token: '0123456789abcdef0123456789abcdef', machineUid: 'M'.repeat(40), projectId: 'P' };
const CAP = 256 * 1024; // a small cap keeps the test fast; the default is checked separately
let server: http.Server;
let base: string;
let streamedBytes = 0;
const chunk = Buffer.alloc(64 * 1024, 'a');
const validResult = JSON.stringify({ document_id: 'D1', documents: [{ key: 'PASSPORT1', type: 'PASSPORT', data: { LastName: 'И'.repeat(50_000) } }] });

before(async () => {
  server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0]!;
    if (route.endsWith('/endless') || req.method === 'POST') {
      // Chunked, no Content-Length, never ends on its own: only the reader stopping ends it.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) streamedBytes += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    } else if (route.endsWith('/announced')) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(1024 * 1024 * 1024) });
      res.write('{"documents":[');
    } else if (route.endsWith('/error-huge')) {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<html>'.repeat(CAP));
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(validResult);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

const client = () => createBeorgClient({ baseUrl: base, timeoutMs: 10_000, maxBodyBytes: CAP });

void describe('Beorg client response size cap', () => {
  void it('reads a normal body below the cap (control)', async () => {
    const r = await client().getResult(CREDS.token, 'ok');
    assert.equal(r.kind, 'ok');
    assert.equal(r.kind === 'ok' ? r.value.raw : '', validResult);
  });

  void it('an endless body stops at the cap: a final "too large" outcome, the stream is cancelled', async () => {
    const before = process.memoryUsage().heapUsed;
    streamedBytes = 0;
    const r = await client().getResult(CREDS.token, 'endless');
    assert.deepEqual(r.kind === 'invalid' ? [r.kind, r.status] : r, ['invalid', 200]);
    assert.match(r.kind === 'invalid' ? r.message : '', /слишком большой/);
    await new Promise((res) => setTimeout(res, 100));
    assert.ok(streamedBytes < 64 * CAP, `the server kept streaming (${streamedBytes} bytes): the client did not hang up`);
    assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024, 'no large buffering');
  });

  void it('an announced Content-Length above the cap is refused before reading', async () => {
    const r = await client().getResult(CREDS.token, 'announced');
    assert.equal(r.kind, 'invalid');
  });

  void it('an error page above the cap is still a clear outcome', async () => {
    const r = await client().getResult(CREDS.token, 'error-huge');
    assert.deepEqual(r.kind === 'invalid' ? [r.kind, r.status] : r, ['invalid', 500]);
  });

  void it('an upload answered 200 with a giant body is "no-response" (may be billed: never resent automatically)', async () => {
    const r = await client().addDocument(CREDS, [Buffer.from('img')], [{ key: 'PASSPORT1', type: 'PASSPORT' }]);
    assert.equal(r.kind, 'no-response');
    assert.match(r.kind === 'no-response' ? r.message : '', /слишком большой.*возможно, документ уже оплачен/);
  });

  void it('the default cap is 5 MB', () => {
    assert.equal(MAX_BODY_BYTES, 5 * 1024 * 1024);
  });
});
