// Browser-mode bridge over real loopback HTTP/WebSocket: token, Origin/Host checks, call round-trip,
// pushed events, and the image route (traversal, unknown ids, symlinks out of the watched folder, TIFF→PNG).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';

type Res = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** Raw request so tests can send any Host/Origin header (fetch forbids overriding Host). */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

void describe('web bridge', () => {
  let tmp: string;
  let engine: Engine;
  let web: WebServer;
  const ids: Record<string, number> = {};

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-web-'));
    const watched = path.join(tmp, 'watched');
    const outside = path.join(tmp, 'outside');
    const staticDir = path.join(tmp, 'static');
    for (const d of [watched, outside, staticDir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ScanDesk</title>');
    const img = sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } });
    fs.writeFileSync(path.join(watched, 'scan.jpg'), await img.clone().jpeg().toBuffer());
    fs.writeFileSync(path.join(watched, 'scan.tif'), await img.clone().tiff().toBuffer());
    fs.writeFileSync(path.join(outside, 'secret.jpg'), await img.clone().jpeg().toBuffer());
    fs.symlinkSync(path.join(outside, 'secret.jpg'), path.join(watched, 'link.jpg'));
    const pdf = await PDFDocument.create();
    pdf.addPage([200, 100]);
    fs.writeFileSync(path.join(watched, 'scan.pdf'), await pdf.save());

    engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    const db = engine.ctx.db;
    const folderId = Number(db.prepare(`INSERT INTO folders(path, created_at) VALUES (?, 0)`).run(watched).lastInsertRowid);
    const ins = db.prepare(
      `INSERT INTO documents(folder_id, path, rel_path, file_name, current_path, doc_type, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'PASSPORT', 'recognised', 0, 0)`,
    );
    const add = (key: string, abs: string) => (ids[key] = Number(ins.run(folderId, abs, path.basename(abs), path.basename(abs), abs).lastInsertRowid));
    add('jpg', path.join(watched, 'scan.jpg'));
    add('tif', path.join(watched, 'scan.tif'));
    add('pdf', path.join(watched, 'scan.pdf'));
    add('link', path.join(watched, 'link.jpg'));
    add('outside', path.join(outside, 'secret.jpg'));
    add('gone', path.join(watched, 'deleted.jpg'));
    web = await startWebServer({ engine, staticDir });
  });

  after(async () => {
    await web.close();
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const call = (headers: Record<string, string>, body = JSON.stringify({ channel: 'documents:counts', args: {} })) =>
    request(web.port, { method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', ...headers }, body });

  void it('binds to loopback and puts the token in the URL it prints', () => {
    assert.equal(web.url, `http://127.0.0.1:${web.port}/?t=${web.token}`);
    assert.ok(web.token.length >= 32);
  });

  void it('serves index.html without a token, with a strict CSP', async () => {
    const res = await request(web.port, { path: '/' });
    assert.equal(res.status, 200);
    assert.match(res.body.toString(), /ScanDesk/);
    const cspHeader = String(res.headers['content-security-policy']);
    assert.match(cspHeader, /default-src 'self'/);
    assert.match(cspHeader, /script-src 'self'(;|$)/);
    assert.match(cspHeader, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${web.port}`));
    assert.match(cspHeader, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    const traversal = await request(web.port, { path: '/..%2f..%2fetc%2fpasswd.txt' });
    assert.equal(traversal.status, 404);
  });

  void it('refuses /api calls without the token or with a wrong one (401)', async () => {
    assert.equal((await call({})).status, 401);
    assert.equal((await call({ 'X-ScanDesk-Token': 'x'.repeat(web.token.length) })).status, 401);
    assert.equal((await call({ 'X-ScanDesk-Token': 'short' })).status, 401);
    // The query token is only for images and the WebSocket, not for calls.
    const viaQuery = await request(web.port, { method: 'POST', path: `/api/call?t=${web.token}`, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(viaQuery.status, 401);
  });

  void it('refuses foreign Origin and Host headers (403)', async () => {
    const token = { 'X-ScanDesk-Token': web.token };
    assert.equal((await call({ ...token, Origin: 'http://evil.example' })).status, 403);
    assert.equal((await call({ ...token, Origin: `http://127.0.0.1:${web.port + 1}` })).status, 403);
    assert.equal((await call({ ...token, Host: `evil.example:${web.port}` })).status, 403);
    assert.equal((await request(web.port, { path: '/', headers: { Host: 'rebind.example' } })).status, 403);
    assert.equal((await call({ ...token, Origin: `http://127.0.0.1:${web.port}` })).status, 200);
  });

  void it('accepts JSON only, within the size limit', async () => {
    const token = { 'X-ScanDesk-Token': web.token };
    assert.equal((await call({ ...token, 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await call(token, '{not json')).status, 400);
    assert.equal((await call(token, JSON.stringify({ channel: 'documents:counts', args: { pad: 'x'.repeat(2_000_000) } }))).status, 413);
  });

  void it('a partial settings:set through the bridge changes that key only', async () => {
    const token = { 'X-ScanDesk-Token': web.token };
    const send = async (args: unknown) =>
      JSON.parse((await call(token, JSON.stringify({ channel: 'settings:set', args }))).body.toString()) as { ok: boolean; value: Record<string, unknown> };
    await send({ apiUrl: 'https://beorg.example.test', demoMode: true, language: 'en' });
    const res = await send({ matchThreshold: 0.94 });
    assert.equal(res.ok, true);
    assert.deepEqual(
      [res.value.apiUrl, res.value.demoMode, res.value.language, res.value.matchThreshold],
      ['https://beorg.example.test', true, 'en', 0.94],
    );
  });

  void it('round-trips a call through engine.call with its envelope', async () => {
    const res = await call({ 'X-ScanDesk-Token': web.token });
    assert.equal(res.status, 200);
    const env = JSON.parse(res.body.toString()) as { ok: boolean; value: Record<string, number> };
    assert.equal(env.ok, true);
    assert.equal(env.value.all, 6);
    const unknown = JSON.parse((await call({ 'X-ScanDesk-Token': web.token }, JSON.stringify({ channel: 'nope', args: {} }))).body.toString()) as { ok: boolean; error: { code: string } };
    assert.deepEqual([unknown.ok, unknown.error.code], [false, 'unknown-channel']);
  });

  void it('pushes engine events over the WebSocket (token required)', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    assert.equal(refused, 401);
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events?t=${web.token}`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    assert.equal(foreign, 403);

    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events?t=${web.token}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const got = new Promise<unknown>((resolve) => ws.once('message', (m: Buffer) => resolve(JSON.parse(m.toString()))));
    engine.ctx.events.emit('notify', { level: 'info', messageRu: 'привет', messageEn: 'hello' });
    assert.deepEqual(await got, { name: 'notify', payload: { level: 'info', messageRu: 'привет', messageEn: 'hello' } });
    ws.close();
  });

  void it('serves a known image by id and refuses everything else', async () => {
    const img = (p: string) => request(web.port, { path: p });
    const ok = await img(`/api/image/${ids.jpg}?t=${web.token}`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'image/jpeg');
    assert.equal((await sharp(ok.body).metadata()).width, 40);

    assert.equal((await img(`/api/image/${ids.jpg}`)).status, 401);
    assert.equal((await img(`/api/image/999999?t=${web.token}`)).status, 404);
    assert.equal((await img(`/api/image/abc?t=${web.token}`)).status, 404);
    assert.equal((await img(`/api/image/1.5?t=${web.token}`)).status, 404);
    assert.equal((await img(`/api/image/..%2f..%2fetc%2fpasswd?t=${web.token}`)).status, 404);
    assert.equal((await img(`/api/image/%2e%2e/1?t=${web.token}`)).status, 404);
    assert.equal((await img(`/api/image/../call?t=${web.token}`)).status, 404);
    assert.equal((await img(`/api/image/${ids.link}?t=${web.token}`)).status, 403, 'symlink out of the watched folder');
    assert.equal((await img(`/api/image/${ids.outside}?t=${web.token}`)).status, 403, 'file outside any watched folder');
    assert.equal((await img(`/api/image/${ids.gone}?t=${web.token}`)).status, 410);
  });

  void it('converts TIFF to PNG and caches the preview', async () => {
    const res = await request(web.port, { path: `/api/image/${ids.tif}?page=1&t=${web.token}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'image/png');
    const meta = await sharp(res.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 40, 30]);
    const previews = fs.readdirSync(path.join(tmp, 'data', 'cache', 'previews'));
    assert.equal(previews.length, 1);
  });

  void it('serves PDF as application/pdf for the renderer to draw', async () => {
    const res = await request(web.port, { path: `/api/image/${ids.pdf}?t=${web.token}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.body.subarray(0, 4).toString('latin1'), '%PDF');
  });
});

void describe('scandesk web (runWebCli)', () => {
  void it('prints the tokenised loopback URL, answers calls, and stops cleanly on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-webcli-'));
    const bin = path.resolve(import.meta.dirname, '../../bin/scandesk.js');
    const child = spawn(process.execPath, [bin, 'web', '--port', '0', '--data-dir', dataDir, '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?t=[\w-]+/.exec(out);
          if (m) resolve(m[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const u = new URL(url);
      const res = await request(Number(u.port), {
        method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', 'X-ScanDesk-Token': u.searchParams.get('t')! },
        body: JSON.stringify({ channel: 'documents:counts', args: {} }),
      });
      assert.equal(res.status, 200);
      assert.equal((JSON.parse(res.body.toString()) as { ok: boolean }).ok, true);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
