// The engine host over real worker threads and a real SQLite file: requests and replies carry the dispatcher's
// envelopes, events are forwarded, malformed messages are dropped, a dying host rejects what is pending (with the
// clerk's Russian message), stop drains, and the grid's reads are answered while the engine thread is busy.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventName } from '../../shared/api.ts';
import { createEngine } from '../../main/engine/app.ts';
import { HostDownError, startEngineHost } from '../../main/engine/host/client.ts';
import { startHostedEngine } from '../../main/engine/host/hosted.ts';
import { HOST_DOWN_RU, parseFromHost, parseToHost } from '../../main/engine/host/protocol.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { startWebServer } from '../../main/web/server.ts';
import { seedDocuments } from '../helpers/seed.ts';
import { COUNTS_MAX_LAG_MS, lagTolerantCache } from '../../main/engine/host/reader.ts';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../main/engine/db/open.ts';
import { dataPaths } from '../../main/engine/paths.ts';
import type { Credentials } from '../../main/engine/secrets.ts';
import { SIM_CREDENTIALS } from '../../main/engine/sim/config.ts';

const DOCS = 600;
let tmp: string;
let dataDir: string;
const init = () => ({ dataDir, mode: 'test' as const, security: 'plain' as const, autoStart: true, testHooks: true });

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-host-'));
  dataDir = path.join(tmp, 'data');
  const engine = await createEngine({ dataDir, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
  seedDocuments(engine.ctx.db, { count: DOCS });
  await engine.stop();
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

void describe('engine host protocol', () => {
  void it('parses only well-formed messages', () => {
    assert.deepEqual(parseToHost({ t: 'call', id: 1, channel: 'documents:counts', args: {} }), { t: 'call', id: 1, channel: 'documents:counts', args: {} });
    for (const bad of [null, 'call', 42, {}, { t: 'call', id: -1, channel: 'x' }, { t: 'call', id: 1.5, channel: 'x' }, { t: 'call', id: 1, channel: 7 }, { t: 'image', id: 1, documentId: 0, page: 1 }, { t: 'nope', id: 1 }]) {
      assert.equal(parseToHost(bad), null, JSON.stringify(bad));
    }
    assert.equal(parseFromHost({ t: 'reply', id: 1, envelope: { ok: 'yes' } }), null);
    assert.equal(parseFromHost({ t: 'event', name: 'not-an-event', payload: {} }), null);
    assert.deepEqual(parseFromHost({ t: 'event', name: 'notify', payload: { a: 1 } }), { t: 'event', name: 'notify', payload: { a: 1 } });
  });

  void it('answers requests with the dispatcher envelopes, forwards events, survives malformed messages, and drains on stop', async () => {
    const host = await startEngineHost(init(), silentLogger);
    const events: EventName[] = [];
    host.subscribe((name) => events.push(name));
    const counts = await host.request('documents:counts', {});
    assert.equal(counts.all, DOCS);
    const unknown = await host.call('no:such-channel', {});
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.error.code, 'unknown-channel');
    const invalid = await host.call('documents:list', { offset: -5 });
    assert.equal(!invalid.ok && invalid.error.code, 'invalid-args');

    for (const raw of [null, 'garbage', { t: 'call', id: 'x' }, { t: 'stop' }, { t: 'call', id: 99_999, channel: 1 }]) host.postRaw(raw);
    const changed = new Promise<void>((resolve) => host.subscribe((name) => name === 'documents:changed' && resolve()));
    await host.request('settings:set', { matchThreshold: 0.93 }); // recomputes every case, then documents:changed
    await changed;
    assert.ok(events.includes('documents:changed'));

    // Accepted before stop → answered; sent after stop → refused, not hung.
    const accepted = host.call('documents:counts', {});
    const stopped = host.stop();
    const refused = await host.call('documents:counts', {});
    assert.equal(!refused.ok && refused.error.code, 'stopping');
    const answer = await accepted;
    assert.equal(answer.ok && (answer.value as { all: number }).all, DOCS);
    await stopped;
  });

  void it('rejects every pending request when the host dies, and tells the clerk in Russian', async () => {
    const host = await startEngineHost(init(), silentLogger);
    const notices: string[] = [];
    host.subscribe((name, payload) => name === 'notify' && notices.push((payload as { messageRu: string }).messageRu));
    host.postRaw({ t: 'test:crash' });
    const pending = [host.call('documents:counts', {}), host.request('documents:list', { offset: 0, limit: 10 })];
    for (const p of pending) {
      await assert.rejects(p, (err: unknown) => err instanceof HostDownError && err.messageRu === HOST_DOWN_RU);
    }
    assert.match(await host.crashed, /test crash/);
    assert.deepEqual(notices, [HOST_DOWN_RU]);
    await assert.rejects(host.call('documents:counts', {}), HostDownError);
    await host.stop();
  });

  void it('answers a grid page while the engine thread is blocked and a recompute is queued behind it', async () => {
    const hosted = await startHostedEngine(init(), silentLogger);
    const order: string[] = [];
    hosted.subscribe((name) => name === 'documents:changed' && order.push('changed'));
    const hold = new SharedArrayBuffer(4);
    hosted.postRaw({ t: 'test:hold', buffer: hold }); // the engine thread is now busy until released
    const recompute = hosted.request('settings:set', { matchThreshold: 0.91 }).then(() => order.push('recompute'));
    const page = await hosted.request('documents:list', { offset: 0, limit: 100 });
    const counts = await hosted.request('documents:counts', {});
    order.push('list');
    assert.equal(page.rows.length, 100);
    assert.equal(counts.all, DOCS);
    const changed = new Promise<void>((resolve) => hosted.subscribe((name) => name === 'documents:changed' && resolve()));
    Atomics.store(new Int32Array(hold), 0, 1);
    Atomics.notify(new Int32Array(hold), 0);
    await recompute;
    await changed;
    assert.deepEqual(order, ['list', 'recompute', 'changed']);
    // The reader sees the committed threshold change (settings are re-read after another connection commits).
    assert.equal((await hosted.request('settings:get', {})).matchThreshold, 0.91);
    await hosted.stop();
  });

  void it('serves the browser bridge from the hosted engine: calls, pushed events, the image route', async () => {
    const hosted = await startHostedEngine(init(), silentLogger);
    const web = await startWebServer({ engine: hosted, staticDir: tmp });
    const post = (channel: string, args: unknown) =>
      fetch(`http://127.0.0.1:${web.port}/api/call`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Scandesk-Token': web.token }, body: JSON.stringify({ channel, args }),
      }).then((r) => r.json() as Promise<{ ok: boolean; value?: { all?: number }; error?: { code: string } }>);
    assert.equal((await post('documents:counts', {})).value?.all, DOCS);
    assert.equal((await post('no:such', {})).error?.code, 'unknown-channel');
    const seen: string[] = [];
    const changed = new Promise<void>((resolve) =>
      hosted.subscribe((name) => {
        seen.push(name);
        if (name === 'documents:changed') resolve();
      }),
    );
    await post('settings:set', { matchThreshold: 0.92 });
    await changed;
    assert.ok(seen.includes('documents:changed'));
    const image = await fetch(`http://127.0.0.1:${web.port}/api/image/999999?t=${web.token}`);
    assert.equal(image.status, 404);
    await web.close();
    await hosted.stop();
  });
});

void describe('the desktop host: secrets given by the main process', () => {
  void it('opens the encrypted database with the given key (reader too), and hands credential changes and «show in folder» back', async () => {
    const dir = path.join(tmp, 'desktop');
    const key = randomBytes(32).toString('hex');
    const scan = path.join(tmp, 'scan-on-disk.jpg');
    fs.writeFileSync(scan, 'jpeg');
    const pre = await createEngine({ dataDir: dir, mode: 'test', dbKey: key, autoStart: false, log: silentLogger });
    const [docId] = seedDocuments(pre.ctx.db, { count: 3 });
    pre.ctx.db.prepare('UPDATE documents SET current_path = ? WHERE id = ?').run(scan, docId);
    await pre.stop();
    assert.throws(() => openDatabase(dataPaths(dir).db, { key: null }), /неверный ключ/, 'the file is encrypted');

    const saved: (Credentials | null)[] = [];
    const revealed: string[] = [];
    const delegated = { dbKey: key, dbKeySource: 'os-keystore' as const, credentials: null, credentialsStorage: 'os-keystore' as const, credentialsWarning: null };
    const hosted = await startHostedEngine({ dataDir: dir, mode: 'test', security: 'delegated', autoStart: false, delegated }, silentLogger, {
      saveCredentials: (c) => saved.push(c),
      reveal: (p) => revealed.push(p),
    });
    assert.equal((await hosted.request('documents:counts', {})).all, 3, 'the reader thread opened it with the given key');
    assert.equal((await hosted.request('settings:credentials-status', {})).configured, false);
    const status = await hosted.request('settings:set-credentials', { ...SIM_CREDENTIALS });
    assert.deepEqual({ configured: status.configured, storage: status.storage }, { configured: true, storage: 'os-keystore' });
    assert.deepEqual(saved, [{ ...SIM_CREDENTIALS }], 'handed to the main process to be sealed in the keystore');
    await hosted.request('settings:clear-credentials', {});
    assert.deepEqual(saved.at(-1), null);
    const where = await hosted.request('documents:open-location', { documentId: docId! });
    assert.equal(where.revealed, true);
    assert.deepEqual(revealed, [scan], 'the file manager is opened by the main process');
    await hosted.stop();
  });
});

void describe('reader counts under a busy writer', () => {
  void it('reuses a count while nothing was committed, and for at most COUNTS_MAX_LAG_MS after a commit', () => {
    const file = path.join(tmp, 'lag.sqlite');
    const writer = openDatabase(file, { key: null });
    writer.exec('CREATE TABLE t (n INTEGER)');
    const reader = openDatabase(file, { key: null, readonly: true });
    let t = 1_000_000;
    let computed = 0;
    const count = lagTolerantCache(reader, () => t, (_: object) => {
      computed++;
      return (reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    });
    assert.equal(count({}), 0);
    t += 60_000;
    assert.equal(count({}), 0, 'nothing committed: the count stands however old');
    assert.equal(computed, 1);
    writer.prepare('INSERT INTO t VALUES (1)').run();
    assert.equal(count({}), 1, 'a commit since an old count: counted again');
    writer.prepare('INSERT INTO t VALUES (2)').run();
    t += COUNTS_MAX_LAG_MS - 1;
    assert.equal(count({}), 1, 'another commit within the lag: the count of a moment ago stands');
    t += 2;
    assert.equal(count({}), 2, 'past the lag: counted again');
    assert.equal(count({ other: 'filter' }), 2);
    assert.equal(computed, 4, 'another filter has its own entry');
    reader.close();
    writer.close();
  });
});
