// The browser-mode bridge survives hostile WebSocket traffic from a token holder: an invalid opcode or a frame over
// the payload limit closes that one socket, never the process. In-process (the socket handlers) and against the
// real `scandesk web` (the process-level guard): afterwards a normal request is answered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { createEngine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { startWebServer } from '../../main/web/server.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-ws-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Upgrade a raw TCP socket to a WebSocket, then write `frame` as is; resolves when the server closes it. */
function sendRawFrame(port: number, token: string, frame: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    let upgraded = false;
    sock.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (!upgraded && got.includes('\r\n\r\n')) {
        upgraded = true;
        if (!got.startsWith('HTTP/1.1 101')) return reject(new Error(`no upgrade: ${got}`));
        sock.write(frame);
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got));
    sock.write(
      `GET /api/events?t=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/** A masked client frame header; opcode 0x3 is reserved (invalid), a 64-bit length over the limit is too big. */
const INVALID_OPCODE = Buffer.from([0x83, 0x80, 1, 2, 3, 4]);
const OVERSIZED = Buffer.concat([Buffer.from([0x82, 0xff]), Buffer.from([0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]), Buffer.from([1, 2, 3, 4]), Buffer.alloc(1024)]);
const BAD_UTF8_CLOSE = Buffer.from([0x88, 0x84, 0, 0, 0, 0, 0x03, 0xe8, 0xff, 0xfe]);

function callCounts(port: number, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', 'X-ScanDesk-Token': token } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ channel: 'documents:counts', args: {} }));
  });
}

void it('an invalid opcode, an oversized frame or a bad close frame ends only that socket (in-process)', async () => {
  const engine = await createEngine({ dataDir: path.join(tmp, 'inproc'), mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
  const web = await startWebServer({ engine, staticDir: tmp });
  try {
    for (const frame of [INVALID_OPCODE, OVERSIZED, BAD_UTF8_CLOSE]) await sendRawFrame(web.port, web.token, frame);
    // Malformed HTTP is answered 400 on that connection.
    const garbage = await new Promise<string>((resolve) => {
      const sock = net.connect(web.port, '127.0.0.1', () => sock.write('GET / HTTP/1.1\r\nHost: \x00\x01bad\r\n\r\n'));
      let got = '';
      sock.on('data', (c: Buffer) => (got += c.toString('latin1')));
      sock.on('error', () => undefined);
      sock.on('close', () => resolve(got));
    });
    assert.match(garbage, /^HTTP\/1\.1 400/);
    // Let any deferred 'error' emission run before asking again.
    await new Promise((r) => setImmediate(r));
    assert.equal(await callCounts(web.port, web.token), 200);
  } finally {
    await web.close();
    await engine.stop();
  }
});

void it('the real `scandesk web` stays up after hostile frames and answers a normal request', { timeout: 60_000 }, async () => {
  const dataDir = path.join(tmp, 'cli');
  const bin = path.resolve(import.meta.dirname, '../../bin/scandesk.js');
  const child = spawn(process.execPath, [bin, 'web', '--port', '0', '--data-dir', dataDir, '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    let out = '';
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?t=[\w-]+/.exec(out);
        if (m) resolve(new URL(m[0]));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}${stderr}`)));
    });
    const port = Number(url.port);
    const token = url.searchParams.get('t')!;
    for (const frame of [INVALID_OPCODE, OVERSIZED, BAD_UTF8_CLOSE]) await sendRawFrame(port, token, frame);
    assert.equal(await callCounts(port, token), 200, stderr);
    assert.equal(child.exitCode, null, 'still running');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

void it('the last-resort guard logs an unhandled exception and rejection, escaped, and the process carries on', { timeout: 30_000 }, async () => {
  const guard = path.resolve(import.meta.dirname, '../../main/engine/last-resort.ts');
  const script = [
    `const { installLastResortGuard } = await import(${JSON.stringify(guard)});`,
    'installLastResortGuard();',
    "setTimeout(() => { throw new Error('boom \\x1b[2Jforged\\nline'); }, 0);",
    "setTimeout(() => { void Promise.reject(new Error('rejected')); }, 5);",
    "setTimeout(() => process.stdout.write('alive'), 20);",
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, err);
  assert.equal(out, 'alive');
  assert.match(err, /uncaughtException\): Error: boom \\x1B\[2Jforged\\nline/);
  assert.match(err, /unhandledRejection\): Error: rejected/);
  assert.ok(!err.includes('\x1b'), 'no raw ESC on stderr');
});
