// Hostile files in pre-flight, on real files: an image whose header claims too many pixels is named as too large,
// a JPEG/PNG with data appended is uploaded cut at the image's end (and nothing else changes), a PDF with active
// content or hundreds of pages is refused with the reason; prepared uploads are private (0600 in a 0700 dir).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, it } from 'node:test';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { DEFAULT_SETTINGS } from '../../shared/settings.ts';
import { preflight, type PreflightResult } from '../../main/engine/intake/preflight.ts';
import { jpegEnd, pngEnd } from '../../main/engine/intake/file-structure.ts';
import fc from 'fast-check';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-preflight-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const uploads = path.join(tmp, 'cache', 'uploads');

async function check(name: string, bytes: Buffer | Uint8Array): Promise<PreflightResult> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  const sha = createHash('sha256').update(bytes).digest('hex');
  return preflight(file, bytes.length, sha, DEFAULT_SETTINGS, uploads);
}

function crc32(b: Buffer): number {
  let crc = 0xffffffff;
  for (const x of b) {
    crc ^= x;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const ZIP_TAIL = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('payload.exe'.repeat(50))]);

void describe('pre-flight against hostile files', () => {
  void it('an image whose header claims 400 Мп is «слишком большое», not «повреждено»', async () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20000, 0);
    ihdr.writeUInt32BE(20000, 4);
    ihdr[8] = 8; // 8-bit greyscale
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(20001))), pngChunk('IEND', Buffer.alloc(0)),
    ]);
    const res = await check('bomb.png', png);
    assert.equal(res.ok, false);
    assert.equal(!res.ok && res.code, 'preflight.too-many-pixels');
    assert.match(!res.ok ? res.reason : '', /^Изображение слишком большое: 400 Мп/);
  });

  void it('a JPEG with a ZIP appended is uploaded cut at its end, byte-exact before it, and privately', async () => {
    const jpeg = await sharp({ create: { width: 900, height: 700, channels: 3, background: '#468' } }).jpeg({ progressive: true }).toBuffer();
    const res = await check('polyglot.jpg', Buffer.concat([jpeg, ZIP_TAIL]));
    assert.equal(res.ok, true, JSON.stringify(res));
    assert.ok(res.ok && res.uploadPath, 'a prepared upload replaces the original');
    const sent = fs.readFileSync(res.uploadPath);
    assert.ok(sent.equals(jpeg), 'exactly the image bytes');
    assert.match(res.note ?? '', /Отброшены данные после конца изображения \(\d+ байт\)/);
    assert.equal(mode(res.uploadPath), 0o600);
    assert.equal(mode(uploads), 0o700);
    // A clean JPEG is sent as it is: no copy.
    const clean = await check('clean.jpg', jpeg);
    assert.deepEqual(clean.ok && [clean.uploadPath, clean.note], [null, null]);
  });

  void it('finds the real end of a JPEG (baseline, progressive, an EXIF thumbnail with its own EOI) and a PNG, whatever follows', async () => {
    const base = sharp({ create: { width: 640, height: 480, channels: 3, background: '#a52' } });
    const baseline = await base.clone().jpeg().toBuffer();
    const progressive = await base.clone().jpeg({ progressive: true }).toBuffer();
    // An APP1 segment holding a whole thumbnail JPEG (SOI … EOI) right after SOI, as cameras write EXIF.
    const thumb = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from([0xff, 0xd8, 0xff, 0xd9])]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, thumb.length + 2]), thumb]);
    const withThumb = Buffer.concat([baseline.subarray(0, 2), app1, baseline.subarray(2)]);
    const png = await base.clone().png().toBuffer();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        for (const jpeg of [baseline, progressive, withThumb]) if (jpegEnd(Buffer.concat([jpeg, tail])) !== jpeg.length) return false;
        return pngEnd(Buffer.concat([png, tail])) === png.length;
      }),
    );
    assert.equal(jpegEnd(baseline.subarray(0, baseline.length - 2)), null, 'no EOI: unknown end, nothing cut');
  });

  void it('a PNG with data after IEND is uploaded cut at IEND', async () => {
    const png = await sharp({ create: { width: 800, height: 700, channels: 3, background: '#864' } }).png().toBuffer();
    const res = await check('polyglot.png', Buffer.concat([png, ZIP_TAIL]));
    assert.ok(res.ok && res.uploadPath);
    assert.ok(fs.readFileSync(res.uploadPath).equals(png));
  });

  void it('a recompressed upload is private too', async () => {
    const big = await sharp({ create: { width: 4200, height: 700, channels: 3, background: '#246' } }).jpeg().toBuffer();
    const res = await check('wide.jpg', big);
    assert.ok(res.ok && res.uploadPath);
    assert.equal(mode(res.uploadPath), 0o600);
  });

  void it('refuses a PDF with JavaScript (on open, or as a named script inside an object stream)', async () => {
    const onOpen = await PDFDocument.create();
    onOpen.addPage([200, 100]);
    onOpen.catalog.set(PDFName.of('OpenAction'), onOpen.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert(1)') }));
    const a = await check('open-js.pdf', await onOpen.save());
    assert.equal(!a.ok && a.code, 'preflight.pdf-active');
    assert.match(!a.ok ? a.reason : '', /активное содержимое \((действие при открытии|JavaScript)/);

    const named = await PDFDocument.create();
    named.addPage([200, 100]);
    const action = named.context.register(named.context.obj({ S: 'JavaScript', JS: PDFString.of('this.exportDataObject()') }));
    const tree = named.context.obj({ Names: [PDFString.of('x'), action] });
    named.catalog.set(PDFName.of('Names'), named.context.obj({ JavaScript: named.context.register(tree) }));
    const b = await check('named-js.pdf', await named.save({ useObjectStreams: true }));
    assert.equal(!b.ok && b.code, 'preflight.pdf-active');
  });

  void it('keeps a PDF whose OpenAction is only a destination, refuses one with 500 pages', async () => {
    const dest = await PDFDocument.create();
    const page = dest.addPage([200, 100]);
    dest.catalog.set(PDFName.of('OpenAction'), dest.context.obj([page.ref, 'Fit']));
    const ok = await check('fit.pdf', await dest.save());
    assert.equal(ok.ok, true, JSON.stringify(ok));

    const many = await PDFDocument.create();
    for (let i = 0; i < 500; i++) many.addPage([50, 50]);
    const res = await check('many.pdf', await many.save());
    assert.equal(!res.ok && res.code, 'preflight.pdf-too-many-pages');
    assert.match(!res.ok ? res.reason : '', /слишком много страниц: 500 \(предел 30\)/);
  });
});
