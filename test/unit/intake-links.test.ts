// Hostile entries in a watched folder: symlinks that lead outside it (file and folder links, and a file swapped
// for a link after it was noticed), FIFOs and sockets. Nothing outside the folder is ever read, a FIFO never blocks
// the scan, and each entry gets a visible «Пропущен» row with its reason. Real temp folders, real SQLite, real watcher.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { waitFor } from '../helpers/wait.ts';

type Row = { id: number; path: string; status: string; status_code: string | null; status_reason: string | null; sha256: string | null; case_id: number | null };
let colour = 30;
const jpeg = () => {
  const c = (colour += 37);
  return sharp({ create: { width: 700, height: 900, channels: 3, background: { r: c % 256, g: (c * 7) % 256, b: 50 } } }).jpeg().toBuffer();
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const posix = process.platform !== 'win32';

void describe('intake: links and special files', { skip: !posix && 'symlinks and FIFOs need a POSIX file system' }, () => {
  let tmp: string;
  let inbox: string;
  let engine: Engine;
  let server: net.Server;
  const outsideBytes: Buffer[] = [];
  const rows = () => engine.ctx.db.prepare<[], Row>('SELECT id, path, status, status_code, status_reason, sha256, case_id FROM documents ORDER BY id').all();
  const one = (name: string) => {
    const r = rows().filter((x) => path.basename(x.path) === name);
    assert.equal(r.length, 1, `${name}: ${JSON.stringify(rows())}`);
    return r[0] as Row;
  };

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-links-'));
    inbox = path.join(tmp, 'inbox');
    const outside = path.join(tmp, 'outside');
    await fs.mkdir(path.join(outside, 'dir'), { recursive: true });
    await fs.mkdir(path.join(inbox, 'real'), { recursive: true });
    const secret = await jpeg();
    const secret2 = await jpeg();
    outsideBytes.push(secret, secret2);
    await fs.writeFile(path.join(outside, 'scan.jpg'), secret);
    await fs.writeFile(path.join(outside, 'dir', 'petrov_passport.jpg'), secret2);
    await fs.symlink(path.join(outside, 'scan.jpg'), path.join(inbox, 'x_passport.jpg'));
    await fs.symlink('../outside/dir', path.join(inbox, 'linked'));
    await fs.writeFile(path.join(inbox, 'real', 'inner_selfie.jpg'), await jpeg());
    await fs.symlink(path.join('real', 'inner_selfie.jpg'), path.join(inbox, 'alias_selfie.jpg'));
    await fs.symlink('real', path.join(inbox, 'inner-link'));
    execFileSync('mkfifo', [path.join(inbox, 'pipe_passport.jpg')]);
    server = net.createServer();
    await new Promise<void>((r) => server.listen(path.join(inbox, 'sock.jpg'), r));
    engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 300 } });
    await engine.intake.settled({ signal: AbortSignal.timeout(30_000) });
  });
  after(async () => {
    await engine?.stop();
    await new Promise((r) => server?.close(r));
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('a link to a file outside the folder is skipped with its reason and never read', async () => {
    const r = one('x_passport.jpg');
    assert.equal(r.status, 'ignored');
    assert.equal(r.status_code, 'intake.link-outside');
    assert.match(r.status_reason ?? '', /ссылка за пределы папки/i);
    assert.equal(r.sha256, null, 'the outside file was not even hashed');
    const hashes = new Set(rows().map((x) => x.sha256));
    for (const b of outsideBytes) assert.ok(!hashes.has(sha(b)), 'no outside bytes reached a document');
    const uploads = await fs.readdir(path.join(tmp, 'data', 'cache', 'uploads')).catch(() => [] as string[]);
    for (const b of outsideBytes) assert.ok(!uploads.some((f) => f.startsWith(sha(b))), 'nothing outside was prepared for upload');
  });

  void it('a folder link leading outside is not entered and says why; a folder link inside is not walked twice', () => {
    const r = one('linked');
    assert.equal(r.status, 'ignored');
    assert.equal(r.status_code, 'intake.link-outside');
    assert.match(r.status_reason ?? '', /ссылка за пределы папки/i);
    assert.equal(rows().filter((x) => x.path.endsWith('petrov_passport.jpg')).length, 0);
    assert.equal(rows().filter((x) => x.path.includes(`inner-link${path.sep}`)).length, 0, 'files under an inside folder link are reached by their real path only');
    assert.equal(rows().filter((x) => path.basename(x.path) === 'inner-link').length, 0);
  });

  void it('a link to a file inside the folder is followed like the file itself', () => {
    const alias = one('alias_selfie.jpg');
    const real = one('inner_selfie.jpg');
    assert.deepEqual([alias.status, real.status].sort(), ['duplicate', 'queued'], 'the same bytes: one queued, one duplicate');
  });

  void it('FIFOs and sockets get a «не обычный файл» row and never block the scan', () => {
    for (const name of ['pipe_passport.jpg', 'sock.jpg']) {
      const r = one(name);
      assert.equal(r.status, 'ignored', name);
      assert.equal(r.status_code, 'intake.not-regular', name);
      assert.match(r.status_reason ?? '', /не обычный файл/i, name);
    }
  });

  void it('a file swapped for an outside link after it was noticed is not read', async () => {
    await engine.request('folders:update', { id: 1, options: { settleMs: 1500 } });
    const file = path.join(inbox, 'swap_passport.jpg');
    await fs.writeFile(file, await jpeg());
    await waitFor('swap noticed', () => rows().some((x) => x.path === file));
    await fs.rm(file);
    await fs.symlink(path.join(tmp, 'outside', 'scan.jpg'), file);
    await engine.request('folders:rescan', {});
    await engine.intake.settled({ signal: AbortSignal.timeout(30_000) });
    const hashes = new Set(rows().map((x) => x.sha256));
    assert.ok(!hashes.has(sha(outsideBytes[0]!)), `the outside file was read: ${JSON.stringify(rows().filter((x) => x.path === file))}`);
    const mine = rows().filter((x) => x.path === file);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0]?.status_code, 'intake.link-outside');
  });
});
