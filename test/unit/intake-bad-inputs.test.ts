// Bad-input corpus: every kind of broken / odd file → its documented state and Russian message, never a crash.
// Real temp folder, real SQLite, real watcher, real sharp / pdf-lib files generated here.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { waitFor } from '../helpers/wait.ts';

type Row = {
  id: number;
  path: string;
  rel_path: string;
  status: string;
  status_code: string | null;
  status_reason: string | null;
  duplicate_of: number | null;
  upload_path: string | null;
  mime: string | null;
  sha256: string | null;
  mtime_ms: number | null;
};

let colour = 10;
const jpeg = (w = 800, h = 1000) => {
  const c = colour++;
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: c % 256, g: (c * 3) % 256, b: 90 } } }).jpeg().toBuffer();
};
const isRoot = process.getuid?.() === 0;

void describe('intake bad-input corpus', () => {
  let tmp: string;
  let inbox: string;
  let engine: Engine;
  const put = async (rel: string, data: Buffer | string) => {
    const file = path.join(inbox, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data);
    return file;
  };
  const rows = () => engine.ctx.db.prepare<[], Row>('SELECT * FROM documents ORDER BY id').all();
  const byName = (name: string) => rows().filter((r) => path.basename(r.path) === name);
  const one = (name: string) => {
    const r = byName(name);
    assert.equal(r.length, 1, `${name}: ${JSON.stringify(r)}`);
    return r[0] as Row;
  };
  const expect = (name: string, status: string, code: string | null, reason?: RegExp) => {
    const r = one(name);
    assert.equal(r.status, status, `${name}: ${r.status_code} ${r.status_reason}`);
    if (code !== null) assert.equal(r.status_code, code, name);
    if (reason) assert.match(r.status_reason ?? '', reason, name);
    return r;
  };

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-bad-'));
    inbox = path.join(tmp, 'inbox');
    await fs.mkdir(inbox);
    const good = await jpeg();
    await put('zero.jpg', Buffer.alloc(0));
    await put('truncated.jpg', good.subarray(0, Math.floor(good.length / 2)));
    const png = await sharp({ create: { width: 800, height: 900, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 40 } } }).png().toBuffer();
    await put('truncated.png', png.subarray(0, Math.floor(png.length / 2)));
    await put('text.jpg', 'Это не картинка, а текст.\nСовсем.\n');
    await put('random.png', randomBytes(5000));
    await put('huge.jpg', await sharp({ create: { width: 6000, height: 4500, channels: 3, background: '#8899aa' } }).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    await put('tiny.jpg', await sharp({ create: { width: 100, height: 120, channels: 3, background: '#123456' } }).jpeg().toBuffer());
    await put('nopages.pdf', Buffer.from(await PDFDocument.create().then((d) => d.save({ addDefaultPage: false }))));
    const pdf = await PDFDocument.create();
    pdf.addPage([300, 400]);
    await put('good.pdf', Buffer.from(await pdf.save()));
    const plain = Buffer.from(await pdf.save({ useObjectStreams: false })).toString('latin1');
    await put('password.pdf', Buffer.from(plain.replace('/Root', '/Encrypt << /Filter /Standard /V 1 /R 2 /O (x) /U (y) /P -4 >>\n/Root'), 'latin1'));
    await put('corrupt.pdf', '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage garbage\n');
    await put('big.pdf', Buffer.concat([Buffer.from(await pdf.save()), Buffer.alloc(2_500_000, 0x20)]));
    await put('scan.bmp', Buffer.concat([Buffer.from('BM'), randomBytes(2000)]));
    await put('scan.gif', await sharp({ create: { width: 700, height: 700, channels: 3, background: '#ff0000' } }).gif().toBuffer());
    await put('letter.docx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(500)]));
    await put('scan.tif', await sharp({ create: { width: 900, height: 1200, channels: 3, background: '#00ff00' } }).withMetadata({ orientation: 3 }).tiff().toBuffer());
    const dup = await jpeg();
    await put('original.jpg', dup);
    await put('copy of original.jpg', dup);
    for (const n of ['~$temp.jpg', 'x.tmp', 'x.part', 'x.filepart', 'x.crdownload', 'Thumbs.db', 'desktop.ini', '._x.jpg', '.DS_Store']) await put(n, 'junk');
    await put('@eaDir/thumb.jpg', await jpeg());
    await put('Обработано/old.jpg', await jpeg());
    // 300+ characters of Cyrillic path (segments stay under the 255-byte name limit).
    const longRel = path.join('Очень длинная папка с русским названием для проверки путей '.repeat(2), 'Ещё одна длинная вложенная папка клиента Иванова Ивана Ивановича '.repeat(2), 'Третий уровень вложенности папок', 'паспорт.jpg');
    assert.ok(path.join(inbox, longRel).length >= 300);
    await put(longRel, await jpeg());
    // Symlink loop: the walker and the watcher must not follow it forever.
    await fs.mkdir(path.join(inbox, 'loop'), { recursive: true });
    await fs.symlink('..', path.join(inbox, 'loop', 'up'));
    await put('loop/inside.jpg', await jpeg());
    if (!isRoot) {
      const f = await put('locked.jpg', await jpeg());
      await fs.chmod(f, 0o000);
    }
    engine = await createEngine({
      dataDir: path.join(tmp, 'data'),
      mode: 'test',
      dbKey: null,
      settingsOverrides: { apiUrl: 'http://127.0.0.1:9', minShortSidePx: 600, maxUploadBytes: 2_000_000, recompressMaxSidePx: 2000, recompressMaxBytes: 3_000_000 },
    });
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 300 } });
    await engine.intake.settled({ signal: AbortSignal.timeout(40_000) });
  });
  after(async () => {
    await engine?.stop();
    if (!isRoot) await fs.chmod(path.join(inbox, 'locked.jpg'), 0o600).catch(() => {});
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('rejects broken content before paying, with a Russian reason', () => {
    expect('zero.jpg', 'rejected', 'preflight.empty', /Пустой/);
    expect('truncated.jpg', 'rejected', 'preflight.corrupt', /повреждено/);
    expect('truncated.png', 'rejected', 'preflight.corrupt', /повреждено/);
    expect('text.jpg', 'rejected', 'preflight.unsupported', /текст/);
    expect('random.png', 'rejected', 'preflight.unsupported', /неизвестный/);
    expect('tiny.jpg', 'rejected', 'preflight.too-small', /100×120/);
    expect('nopages.pdf', 'rejected', 'preflight.pdf-no-pages', /нет ни одной страницы/);
    expect('password.pdf', 'rejected', 'preflight.pdf-password', /паролем/);
    expect('corrupt.pdf', 'rejected', 'preflight.corrupt', /PDF повреждён/);
    expect('big.pdf', 'rejected', 'preflight.too-large', /слишком большой/);
    expect('scan.bmp', 'rejected', 'preflight.unsupported', /BMP/);
    expect('scan.gif', 'rejected', 'preflight.unsupported', /GIF/);
    expect('letter.docx', 'rejected', 'preflight.unsupported', /DOCX/);
    expect('good.pdf', 'queued', null);
  });

  void it('recompresses huge images and converts TIFF, keeping EXIF orientation', async () => {
    const huge = expect('huge.jpg', 'queued', null, /Сжато/);
    assert.ok(huge.upload_path?.endsWith(`${huge.sha256}.jpg`));
    const meta = await sharp(huge.upload_path ?? '').metadata();
    assert.equal(Math.max(meta.width, meta.height), 2000);
    assert.equal(meta.orientation, 6, 'EXIF orientation survives recompression');
    const tif = expect('scan.tif', 'queued', null, /TIFF/);
    assert.equal(tif.mime, 'image/tiff');
    const tmeta = await sharp(tif.upload_path ?? '').metadata();
    assert.equal(tmeta.format, 'jpeg');
    assert.equal(tmeta.orientation, 3);
  });

  void it('ignores temp/system names once each, and never enters service folders', () => {
    for (const n of ['~$temp.jpg', 'x.tmp', 'x.part', 'x.filepart', 'x.crdownload', 'Thumbs.db', 'desktop.ini', '._x.jpg', '.DS_Store']) {
      expect(n, 'ignored', 'intake.ignored', /не обрабатывается/);
    }
    assert.equal(byName('thumb.jpg').length, 0, '@eaDir is not entered');
    assert.equal(byName('old.jpg').length, 0, 'Обработано is not entered');
  });

  void it('handles long Cyrillic paths, symlink loops, duplicates and unreadable files', async (t) => {
    expect('паспорт.jpg', 'queued', null);
    expect('inside.jpg', 'queued', null);
    const a = one('original.jpg');
    const b = one('copy of original.jpg');
    const [first, second] = a.id < b.id ? [a, b] : [b, a];
    const dup = [first, second].find((r) => r.status === 'duplicate');
    const orig = [first, second].find((r) => r.status === 'queued');
    assert.ok(dup && orig, 'one queued, one duplicate');
    assert.equal(dup.duplicate_of, orig.id);
    assert.match(dup.status_reason ?? '', /Тот же файл уже (в работе|распознан)/);
    if (isRoot) t.diagnostic('running as root: root can read 0000 files, unreadable-permission case skipped');
    else expect('locked.jpg', 'rejected', 'preflight.unreadable', /прав/);
  });

  void it('records files deleted or renamed mid-settle, waits for files still being written', async () => {
    const count = (name: string) => byName(name).length;
    const g1 = await jpeg();
    const f1 = await put('deleted.jpg', g1.subarray(0, 100));
    const f2 = await put('renamed.jpg', (await jpeg()).subarray(0, 100));
    await waitFor('deleted/renamed seen', () => count('deleted.jpg') === 1 && count('renamed.jpg') === 1);
    await fs.rm(f1);
    await fs.rename(f2, path.join(inbox, 'renamed-final.jpg'));
    // The renamed file is complete under its new name: give it valid content.
    await fs.writeFile(path.join(inbox, 'renamed-final.jpg'), await jpeg());

    const growing = await jpeg(1200, 1600);
    const f3 = path.join(inbox, 'growing.jpg');
    const chunk = Math.ceil(growing.length / 15);
    let sawWaiting = false;
    for (let i = 0; i < 15; i++) {
      await fs.appendFile(f3, growing.subarray(i * chunk, (i + 1) * chunk));
      await new Promise((r) => setTimeout(r, 100));
      sawWaiting ||= byName('growing.jpg').some((r) => r.status === 'waiting' && /записывается/.test(r.status_reason ?? ''));
    }
    await engine.intake.settled({ signal: AbortSignal.timeout(30_000) });
    expect('deleted.jpg', 'ignored', 'intake.vanished', /удалён или переименован/);
    expect('renamed.jpg', 'ignored', 'intake.vanished');
    expect('renamed-final.jpg', 'queued', null);
    assert.ok(sawWaiting, 'a growing file is visibly waiting');
    expect('growing.jpg', 'queued', null);
  });

  void it('same bytes touched → same document; same name with new bytes → new document', async () => {
    const before = one('good.pdf');
    const file = before.path;
    const future = new Date(Date.now() + 60_000);
    await fs.utimes(file, future, future);
    await engine.request('folders:rescan', {});
    await waitFor('touch noticed', () => one('good.pdf').mtime_ms !== before.mtime_ms);
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    assert.equal(byName('good.pdf').length, 1);
    assert.equal(one('good.pdf').status, 'queued');

    const reused = one('renamed-final.jpg');
    await fs.writeFile(reused.path, await jpeg());
    await engine.request('folders:rescan', {});
    await waitFor('new bytes noticed', () => byName('renamed-final.jpg').length === 2);
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    const both = byName('renamed-final.jpg');
    assert.deepEqual(both.map((r) => r.status), ['queued', 'queued']);
    assert.notEqual(both[0]?.sha256, both[1]?.sha256);
  });
});
