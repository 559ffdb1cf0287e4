// The image route's memory is bounded: a scan is streamed (the bridge's RSS does not grow with the file), a file over
// the cap or a document pre-flight rejected for its size is refused (413) without being read; the Electron shell's
// scan:// handler streams the same way, and its app:// handler answers 400 to a malformed %-escape.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { MAX_SERVED_IMAGE_BYTES } from '../../main/engine/images.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { serveAppFile, serveScanImage } from '../../main/shell/protocol-handlers.ts';
import { localLink } from '../../main/engine/host/link.ts';
import { startWebServer, type WebServer } from '../../main/web/server.ts';

const MB = 1024 * 1024;
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

/** A sparse file of `size` bytes starting with a JPEG signature: no disk space, no time to write. */
function sparseJpeg(file: string, size: number): void {
  fs.writeFileSync(file, JPEG_HEAD);
  fs.truncateSync(file, size);
}

// A full GC before each baseline, so garbage left by an earlier transfer is not mistaken for headroom.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * GET, discarding the body as it arrives, and the peak of the process's live Buffer memory (arrayBuffers after a GC:
 * where file bytes live; the server is this process) while the chunks arrive. Not RSS: the allocator keeps freed pages.
 */
function get(port: number, p: string): Promise<{ status: number; bytes: number; peak: number }> {
  return new Promise((resolve, reject) => {
    let peak = process.memoryUsage().arrayBuffers;
    http
      .get({ host: '127.0.0.1', port, path: p, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
        let bytes = 0;
        let chunks = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          // Collect the chunks already consumed now and then: what is left is what the server still holds.
          if (chunks++ % 64 === 0) {
            gc();
            peak = Math.max(peak, process.memoryUsage().arrayBuffers);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, peak: Math.max(peak, process.memoryUsage().arrayBuffers) }));
      })
      .on('error', reject);
  });
}

void describe('image route memory', () => {
  let tmp: string;
  let engine: Engine;
  let web: WebServer;
  const ids: Record<string, number> = {};

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-imgmem-'));
    const watched = path.join(tmp, 'watched');
    fs.mkdirSync(watched);
    sparseJpeg(path.join(watched, 'large.jpg'), 48 * MB);
    sparseJpeg(path.join(watched, 'huge.jpg'), 256 * MB);
    fs.writeFileSync(path.join(watched, 'rejected.jpg'), JPEG_HEAD);
    engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    const db = engine.ctx.db;
    const folderId = Number(db.prepare(`INSERT INTO folders(path, created_at) VALUES (?, 0)`).run(watched).lastInsertRowid);
    const ins = db.prepare(
      `INSERT INTO documents(folder_id, path, rel_path, file_name, current_path, doc_type, status, status_code, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'PASSPORT', ?, ?, 0, 0)`,
    );
    for (const [key, status, code] of [['large', 'recognised', null], ['huge', 'rejected', null], ['rejected', 'rejected', 'preflight.too-large']] as const) {
      const abs = path.join(watched, `${key}.jpg`);
      ids[key] = Number(ins.run(folderId, abs, `${key}.jpg`, `${key}.jpg`, abs, status, code).lastInsertRowid);
    }
    web = await startWebServer({ engine, staticDir: tmp });
  });

  after(async () => {
    await web.close();
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('streams a 48 MB scan: the bridge never holds more than a fraction of the file', async () => {
    gc();
    const base = process.memoryUsage().arrayBuffers;
    const res = await get(web.port, `/api/image/${ids.large}?t=${web.token}`);
    assert.equal(res.status, 200);
    assert.equal(res.bytes, 48 * MB);
    const grew = (res.peak - base) / MB;
    assert.ok(grew < 24, `Buffer memory grew by ${grew.toFixed(1)} MB while serving a 48 MB file`);
  });

  void it(`refuses a file over the cap (${MAX_SERVED_IMAGE_BYTES / MB} MB) and a document rejected for its size, unread (413)`, async () => {
    gc();
    const base = process.memoryUsage().arrayBuffers;
    const huge = await get(web.port, `/api/image/${ids.huge}?t=${web.token}`);
    assert.equal(huge.status, 413);
    assert.ok((huge.peak - base) / MB < 24, 'the oversized file was not read');
    assert.equal((await get(web.port, `/api/image/${ids.rejected}?t=${web.token}`)).status, 413);
  });

  void it('scan:// streams the same file and refuses the same ones', async () => {
    const res = await serveScanImage(localLink(engine), `scan://doc/${ids.large}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(48 * MB));
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    assert.equal(bytes, 48 * MB);
    assert.equal((await serveScanImage(localLink(engine), `scan://doc/${ids.huge}`)).status, 413);
    assert.equal((await serveScanImage(localLink(engine), `scan://doc/${ids.rejected}`)).status, 413);
    assert.equal((await serveScanImage(null, `scan://doc/${ids.large}`)).status, 503);
  });
});

void describe('app:// handler', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-appproto-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');

  void it('answers 400 to a malformed escape, 403 outside the renderer, 200 for its files', () => {
    assert.equal(serveAppFile(dir, 'app://scandesk/%E0%A4%A', 'csp').status, 400);
    assert.equal(serveAppFile(dir, 'app://scandesk/%', 'csp').status, 400);
    assert.equal(serveAppFile(dir, 'app://scandesk/..%2f..%2fetc%2fpasswd', 'csp').status, 403);
    assert.equal(serveAppFile(dir, 'app://scandesk/missing.js', 'csp').status, 404);
    assert.equal(serveAppFile(dir, 'app://elsewhere/index.html', 'csp').status, 404);
    const ok = serveAppFile(dir, 'app://scandesk/', 'csp');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-security-policy'), 'csp');
  });
});
