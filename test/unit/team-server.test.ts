// Team mode set up from Settings (browser-mode host, real worker threads, a real PostgreSQL server): a bad or
// unreachable address is refused in the clerk's language without repeating its password; a good one is saved
// sealed (the file holds neither the password nor the host), applies from the next start — the engine and the
// grid's reader then work on the server — and clearing it brings the computer's own database back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createEngine } from '../../main/engine/app.ts';
import { startHostedEngine } from '../../main/engine/host/hosted.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { dataPaths } from '../../main/engine/paths.ts';
import type { TeamServerStatus } from '../../shared/settings.ts';
import { pgDatabaseForSuite } from '../helpers/pg.ts';
import { seedDocuments } from '../helpers/seed.ts';
import { rmrf, tempDir } from './queue-fixtures.ts';

const server = await pgDatabaseForSuite();

void describe('team server in Settings', { skip: server.skip }, () => {
  void it('is checked, sealed, applied at the next start and cleared', async () => {
    const tmp = tempDir('scandesk-team-server-');
    const dataDir = path.join(tmp, 'data');
    const secret = 's3cret-Pa55';
    const u = new URL(server.url!);
    u.password = secret; // the throwaway cluster trusts local connections: any password is accepted
    const url = u.toString();
    const start = () => startHostedEngine({ dataDir, mode: 'web', security: 'data-dir', autoStart: false }, silentLogger);
    let host = await start();
    try {
      const status = async (channel: string, args: unknown = {}) => {
        const res = await host.call(channel, args);
        if (!res.ok) return res.error;
        return res.value as TeamServerStatus;
      };
      assert.deepEqual(await status('settings:team-server-status'), { configured: false, address: null, active: null });
      const wrong = await status('settings:set-team-server', { url: `mysql://clerk:${secret}@127.0.0.1/x` });
      assert.equal((wrong as { code: string }).code, 'bad-address');
      const down = (await status('settings:set-team-server', { url: `postgres://clerk:${secret}@127.0.0.1:1/x` })) as { code: string; messageRu: string };
      assert.equal(down.code, 'team-server-unreachable');
      assert.match(down.messageRu, /Сервер базы данных postgres:\/\/clerk@127\.0\.0\.1:1\/x недоступен/);
      assert.doesNotMatch(JSON.stringify(down), new RegExp(secret));

      const saved = (await status('settings:set-team-server', { url })) as TeamServerStatus;
      assert.equal(saved.configured, true);
      assert.equal(saved.active, null, 'applies from the next start');
      assert.equal(saved.address, url.replace(`:${secret}`, ''));
      const sealed = fs.readFileSync(dataPaths(dataDir).teamServer);
      assert.equal(fs.statSync(dataPaths(dataDir).teamServer).mode & 0o777, 0o600);
      for (const plain of [secret, u.host, u.pathname]) assert.ok(!sealed.includes(Buffer.from(plain)), `the sealed file shows ${plain}`);

      await host.stop();
      host = await start();
      assert.equal(((await status('settings:team-server-status')) as TeamServerStatus).active, saved.address);
      fs.mkdirSync(path.join(tmp, 'in'));
      const added = await host.call('folders:add', { path: path.join(tmp, 'in'), defaultType: 'PASSPORT' });
      assert.ok(added.ok, JSON.stringify(added));
      const direct = new pg.Client({ connectionString: server.url });
      await direct.connect();
      const folders = (await direct.query('SELECT path FROM folders')).rows as { path: string }[];
      await direct.end();
      assert.deepEqual(folders.map((f) => f.path), [path.join(tmp, 'in')], 'the engine wrote to the server');
      const list = await host.call('documents:list', { offset: 0, limit: 10 });
      assert.ok(list.ok, 'the reader thread reads the server too');

      const cleared = (await status('settings:clear-team-server')) as TeamServerStatus;
      assert.equal(cleared.configured, false);
      await host.stop();
      host = await start();
      assert.equal(((await status('settings:team-server-status')) as TeamServerStatus).active, null, 'back on this computer');
      const logs = fs.readdirSync(path.dirname(dataPaths(dataDir).logs)).map((f) => fs.readFileSync(path.join(path.dirname(dataPaths(dataDir).logs), f), 'utf8')).join('');
      assert.doesNotMatch(logs, new RegExp(secret), 'the password is never logged');
    } finally {
      await host.stop();
      rmrf(tmp);
    }
  });
});

/**
 * A TCP relay to the test server that a test can cut (the office network going down) and mend on the same port. It
 * runs in a child process: the engine's thread waits synchronously on its database, so a relay in this thread would
 * never get to pass the bytes on.
 */
const RELAY = `
const net = require('node:net');
const [listenPort, host, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.connect(Number(port), host);
  for (const s of [c, u]) s.on('error', () => { c.destroy(); u.destroy(); });
  c.pipe(u).pipe(c);
}).listen(Number(listenPort), '127.0.0.1', function () { process.send(this.address().port); });`;

async function cuttableRelay(target: URL): Promise<{ url: string; cut(): Promise<void>; mend(): Promise<void> }> {
  let child: ChildProcess | null = null;
  let port = 0;
  const mend = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, ['-e', RELAY, String(port), target.hostname, target.port], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      child.once('message', (p) => {
        port = Number(p);
        resolve();
      });
      child.once('error', reject);
    });
  await mend();
  const url = new URL(target.href);
  url.port = String(port);
  return {
    url: url.toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    mend: () => mend(),
  };
}

const relayed = await pgDatabaseForSuite();

void describe('the team server out of reach', { skip: relayed.skip }, () => {
  void it('a request while the network is down says so in Russian; after it is back the same request works, nothing lost; closing while it is down is no error', async () => {
    const tmp = tempDir('scandesk-team-down-');
    const relay = await cuttableRelay(new URL(relayed.url!));
    const engine = await createEngine({ dataDir: tmp, dbFile: relay.url, dbKey: null, mode: 'test', log: silentLogger, autoStart: false, actor: 'Иванова' });
    try {
      seedDocuments(engine.ctx.db, { count: 3, seed: 2 });
      await relay.cut();
      const down = await engine.call('documents:set-field', { id: 1, field: 'LastName', value: 'ПЕТРОВА' });
      assert.ok(!down.ok);
      assert.equal(down.error.code, 'db-unreachable');
      assert.match(down.error.messageRu ?? '', /^Нет связи с сервером базы данных/);
      await relay.mend();
      const again = await engine.call('documents:set-field', { id: 1, field: 'LastName', value: 'ПЕТРОВА' });
      assert.ok(again.ok, JSON.stringify(again));
      const doc = await engine.request('documents:get', { id: 1 });
      assert.equal(doc.fields.find((f) => f.name === 'LastName')?.value, 'ПЕТРОВА');
      // Closing the app while the server is out of reach is not an error (its claims and lease lapse on the server).
      await relay.cut();
      await engine.stop();
    } finally {
      await engine.stop();
      await relay.cut();
      rmrf(tmp);
    }
  });
});
