// Load and failure behaviour of the simulator: token-bucket rate limit and in-flight cap (429 + Retry-After),
// each injected fault kind, seeded determinism, terminal failures, the delay distribution, the request log.
// The simulator runs on a manual clock: a test moves time itself (stalls, latencies, the bucket's refill), so what it
// asserts holds however slow the machine is.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import sharp from 'sharp';
import { startSimulator, SIM_CREDENTIALS as C, type Simulator, type FaultRates } from '../../main/engine/sim/server.ts';
import { addDocumentBody, getResult, postAddDocument } from '../../main/engine/sim/requests.ts';
import { ManualClock, realTurn } from '../helpers/manual-clock.ts';

const PI = [{ type: 'PASSPORT' }];
const NO_FAULTS: FaultRates = { http500: 0, http502: 0, http503: 0, reset: 0, stall: 0, lostResponse: 0 };

let sim: Simulator;
let img: Buffer;
const clock = new ManualClock();

/** Real loop turns until `cond` holds (a request reached the server and parked on its clock, say). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 10_000) throw new Error(`never happened: ${what}`);
    await realTurn();
  }
}

before(async () => {
  img = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#ddd' } }).jpeg().toBuffer();
  sim = await startSimulator({ clock, config: { delay: { kind: 'fixed', ms: 60_000 } } });
});
after(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setConfig({
    seed: 1, delay: { kind: 'fixed', ms: 60_000 }, timeScale: 1, rateLimit: null, maxInFlightUploads: null, retryAfterHeader: true,
    uploadLatencyMs: [0, 0], pollLatencyMs: [0, 0], faults: { upload: NO_FAULTS, poll: NO_FAULTS, stallMs: 30_000 },
    terminalFailure: { probability: 0, mode: 'broken' }, processAbandonedUploads: true,
  });
  sim.reset();
});

const upload = () => postAddDocument(sim.url, addDocumentBody({ images: [img], processInfo: PI }));
const idOf = (r: { body: unknown }) => (r.body as { document_id: string }).document_id;

void describe('rate limiting', () => {
  void it('token bucket over all endpoints → 429 with Retry-After seconds', async () => {
    sim.setConfig({ rateLimit: { perSecond: 1, burst: 3 } });
    const a = await upload();
    assert.equal(a.status, 200);
    assert.equal((await getResult(sim.url, idOf(a))).status, 425, 'polls share the bucket');
    assert.equal((await upload()).status, 200);
    const limited = await getResult(sim.url, idOf(a));
    assert.equal(limited.status, 429);
    assert.equal((limited.body as { errors: { type: string } }).errors.type, 'TooManyRequests');
    const ra = limited.headers.get('retry-after');
    assert.ok(ra !== null && /^\d+$/.test(ra) && Number(ra) >= 1, `Retry-After ${ra}`);
    // another token has its own bucket (request fails auth, but is not rate limited)
    const other = await postAddDocument(sim.url, addDocumentBody({ images: [img], token: 'e'.repeat(32) }));
    assert.equal(other.status, 401);
    sim.setConfig({ retryAfterHeader: false });
    const noHeader = await upload();
    assert.equal(noHeader.status, 429);
    assert.equal(noHeader.headers.get('retry-after'), null);
  });

  void it('the bucket refills at perSecond', async () => {
    sim.setConfig({ rateLimit: { perSecond: 20, burst: 1 } });
    assert.equal((await upload()).status, 200);
    assert.equal((await upload()).status, 429, 'no time passed: the bucket is empty');
    await clock.advance(49);
    assert.equal((await upload()).status, 429, '49 ms: still less than one token at 20/s');
    await clock.advance(31);
    assert.equal((await upload()).status, 200, '80 ms: refilled');
  });

  void it('max in-flight uploads per token → 429', async () => {
    sim.setConfig({ maxInFlightUploads: 2, uploadLatencyMs: [150, 150] });
    const all = Promise.all([upload(), upload(), upload()]);
    await until(() => sim.waiting() === 2 && sim.log().some((e) => e.status === 429), 'two uploads held, the third refused');
    await clock.advance(150);
    const rs = await all;
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 200, 429]);
    assert.equal(rs.find((r) => r.status === 429)!.headers.get('retry-after'), '1');
    const again = upload();
    await until(() => sim.waiting() === 1, 'a new upload is held, not refused');
    await clock.advance(150);
    assert.equal((await again).status, 200, 'slots are released');
  });
});

void describe('fault injection', () => {
  for (const [fault, status] of [['http500', 500], ['http502', 502], ['http503', 503]] as const) {
    void it(`${fault} on uploads and polls`, async () => {
      sim.setConfig({ faults: { upload: { ...NO_FAULTS, [fault]: 1 } } });
      const r = await upload();
      assert.equal(r.status, status);
      assert.equal(sim.documents().length, 0, 'a failed upload creates nothing');
      sim.setConfig({ faults: { upload: NO_FAULTS, poll: { ...NO_FAULTS, [fault]: 1 } } });
      const ok = await upload();
      assert.equal((await getResult(sim.url, idOf(ok))).status, status);
      const log = sim.log();
      assert.equal(log.filter((e) => e.fault === fault).length, 2);
    });
  }

  void it('reset destroys the connection without a response; logged with status null', async () => {
    sim.setConfig({ faults: { upload: { ...NO_FAULTS, reset: 1 } } });
    await assert.rejects(upload());
    const e = sim.log().find((x) => x.kind === 'upload')!;
    assert.equal(e.status, null);
    assert.equal(e.fault, 'reset');
    assert.equal(sim.documents().length, 0);
  });

  void it('lostResponse creates and bills the document, then resets the connection', async () => {
    sim.setConfig({ faults: { upload: { ...NO_FAULTS, lostResponse: 1 } } });
    await assert.rejects(upload());
    assert.equal(sim.documents().length, 1);
    assert.equal(sim.billing()[C.token], 1);
    const e = sim.log().find((x) => x.kind === 'upload')!;
    assert.equal(e.status, null);
    assert.equal(e.fault, 'lost-response');
    assert.equal(e.documentId, sim.documents()[0]!.id);
  });

  void it('stall holds the response stallMs, then answers normally', async () => {
    sim.setConfig({ faults: { poll: { ...NO_FAULTS, stall: 1 }, stallMs: 300 } });
    const ok = await upload();
    const t0 = clock.now();
    const pending = getResult(sim.url, idOf(ok));
    await until(() => sim.waiting() === 1, 'the poll is stalled');
    await clock.advance(299);
    assert.equal(sim.waiting(), 1, 'still held at 299 ms');
    await clock.advance(1);
    const r = await pending;
    const e = sim.log().find((x) => x.kind === 'poll')!;
    assert.equal(r.status, 425);
    assert.equal(e.tEnd - t0, 300, `stalled ${e.tEnd - t0} ms`);
    assert.equal(sim.log().find((e) => e.kind === 'poll')!.fault, 'stall');
  });

  void it('a client that gives up on a stalled upload: the server survives and still processes it', async () => {
    sim.setConfig({ faults: { upload: { ...NO_FAULTS, stall: 1 }, stallMs: 200 } });
    const giveUp = new AbortController();
    const sent = fetch(`${sim.url}/api/bescan/add_document`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(addDocumentBody({ images: [img] })), signal: giveUp.signal,
    });
    await until(() => sim.waiting() === 1, 'the upload is stalled');
    giveUp.abort();
    await assert.rejects(sent);
    await clock.advance(200);
    await until(() => sim.documents().length === 1, 'the stalled upload is processed');
    assert.equal(sim.documents().length, 1);
    assert.equal(sim.log().find((e) => e.kind === 'upload')!.fault, 'stall');
    sim.setConfig({ faults: { upload: NO_FAULTS } });
    assert.equal((await upload()).status, 200);
  });

  void it('an upload abandoned by its client after sending is still created and billed (configurable)', async () => {
    sim.setConfig({ uploadLatencyMs: [250, 250] });
    /** Sends, hangs up once the server holds the whole request, then lets the server's latency pass. */
    const sendAndHangUp = async () => {
      const giveUp = new AbortController();
      const sent = fetch(`${sim.url}/api/bescan/add_document`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(addDocumentBody({ images: [img], processInfo: PI })), signal: giveUp.signal,
      });
      await until(() => sim.waiting() === 1, 'the upload is held');
      giveUp.abort();
      await assert.rejects(sent);
      await until(() => sim.inFlight() === 0, 'the server saw the client go');
      await clock.advance(250);
      await until(() => sim.waiting() === 0, 'the latency passed');
    };
    await sendAndHangUp();
    await until(() => sim.documents().length === 1, 'the abandoned upload is created');
    assert.equal(sim.documents().length, 1);
    assert.equal(sim.billing()[C.token], 1);
    const e = sim.log().find((x) => x.kind === 'upload')!;
    assert.equal(e.status, null);
    assert.equal(e.fault, 'client-gone');
    sim.setConfig({ processAbandonedUploads: false });
    await sendAndHangUp();
    await clock.advance(400);
    assert.equal(sim.documents().length, 1);
  });

  void it('faults are deterministic for a seed', async () => {
    const run = async () => {
      sim.reset();
      sim.setConfig({ faults: { upload: { ...NO_FAULTS, http503: 0.5 } } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await upload()).status);
      return out;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(200) && a.includes(503), a.join(','));
  });

  void it('terminal failure: 500 forever, or 200 broken', async () => {
    sim.setConfig({ delay: { kind: 'fixed', ms: 0 }, terminalFailure: { probability: 1, mode: 'http500' } });
    const a = await upload();
    assert.equal((await getResult(sim.url, idOf(a))).status, 500);
    assert.equal((await getResult(sim.url, idOf(a))).status, 500);
    sim.setConfig({ terminalFailure: { probability: 1, mode: 'broken' } });
    const b = await upload();
    const r = await getResult(sim.url, idOf(b));
    assert.equal(r.status, 200);
    const doc = (r.body as { documents: { broken: boolean; broken_reasons_ru: string[] }[] }).documents[0]!;
    assert.equal(doc.broken, true);
    assert.ok(doc.broken_reasons_ru.includes('Брак (иная причина)'));
  });
});

void describe('robustness', () => {
  void it('survives garbage: wrong JSON types, raw bytes, bad URLs, a chunked body over the limit', async () => {
    for (const body of ['null', '"x"', '{"images": 5, "token": []}', '{"images":[null]}']) {
      const r = await postAddDocument(sim.url, body);
      assert.ok(r.status === 400 || r.status === 401, `${body} → ${r.status}`);
    }
    assert.equal((await fetch(`${sim.url}/api/document/result/%E0%A4%A?token=x`)).status, 401);
    sim.setConfig({ maxBodyBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${sim.url}/api/bescan/add_document`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write(Buffer.alloc(1000, 65));
      req.end();
    });
    assert.equal(status, 413);
    sim.setConfig({ maxBodyBytes: 80 * 1024 * 1024 });
    assert.equal((await upload()).status, 200);
  });
});

void describe('processing delays', () => {
  void it('log-normal default: median ≈ 5 s, p95 ≈ 30 s, capped at 150 s; per-type multiplier', async () => {
    sim.setConfig({ delay: { kind: 'lognormal', medianMs: 5_000, p95Ms: 30_000, maxMs: 150_000 } });
    for (let i = 0; i < 400; i++) assert.equal((await upload()).status, 200);
    const d = sim.documents().map((x) => x.readyAt - x.createdAt).sort((a, b) => a - b);
    const q = (p: number) => d[Math.floor(p * (d.length - 1))]!;
    assert.ok(q(0.5) > 3_500 && q(0.5) < 7_000, `median ${q(0.5)}`);
    assert.ok(q(0.95) > 18_000 && q(0.95) < 45_000, `p95 ${q(0.95)}`);
    assert.ok(d[d.length - 1]! <= 150_000);
    sim.reset();
    sim.setConfig({ delay: { kind: 'fixed', ms: 10_000 }, timeScale: 0.5, typeDelayMultiplier: { INN: 2 } });
    await postAddDocument(sim.url, addDocumentBody({ images: [img], processInfo: [{ type: 'INN' }] }));
    const [doc] = sim.documents();
    assert.equal(doc!.readyAt - doc!.createdAt, 10_000);
  });
});

void describe('request log', () => {
  void it('records concurrency, timing, tokens, ids and the hash of every uploaded image', async () => {
    sim.setConfig({ uploadLatencyMs: [120, 120] });
    sim.clearLog();
    const all = Promise.all([upload(), upload(), upload()]);
    await until(() => sim.waiting() === 3, 'three uploads held');
    await clock.advance(120);
    const rs = await all;
    await getResult(sim.url, idOf(rs[0]!));
    const log = sim.log();
    const uploads = log.filter((e) => e.kind === 'upload');
    assert.equal(uploads.length, 3);
    assert.equal(Math.max(...uploads.map((e) => e.uploadsInFlight)), 3);
    const sha = createHash('sha256').update(img).digest('hex');
    for (const e of uploads) {
      assert.deepEqual(e.imageHashes, [sha]);
      assert.equal(e.token, C.token);
      assert.equal(e.status, 200);
      assert.match(e.documentId!, /^s-\d+$/);
      assert.equal(e.tEnd - e.t, 120, `latency ${e.tEnd - e.t}`);
      assert.equal(e.method, 'POST');
    }
    const poll = log.find((e) => e.kind === 'poll')!;
    assert.equal(poll.path, `/api/document/result/${idOf(rs[0]!)}`);
    assert.equal(poll.status, 425);
    assert.deepEqual(log.map((e) => e.seq), [...log.map((e) => e.seq)].sort((a, b) => a - b));
    assert.ok(log.every((e, i) => i === 0 || e.t >= log[i - 1]!.t));
  });
});
