// Pre-flight: decide locally, before anything is paid for, whether a settled file can be sent.
// Format by content (magic bytes), a full decode (catches truncation), size limits, PDF checks,
// and the prepared upload (recompressed / TIFF→JPEG) with metadata kept.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EncryptedPDFError, PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { Settings } from '../../../shared/settings.ts';
import { jpegEnd, pdfActiveContent, pngEnd } from './file-structure.ts';

export type Sniffed = 'jpeg' | 'png' | 'pdf' | 'tiff' | { other: string };

export type PreflightOk = {
  ok: true;
  mime: string;
  width: number | null;
  height: number | null;
  pages: number | null;
  uploadPath: string | null;
  note: string | null;
};
export type PreflightReject = { ok: false; code: string; reason: string };
export type PreflightResult = PreflightOk | PreflightReject;

const reject = (code: string, reason: string): PreflightReject => ({ ok: false, code, reason });

// [Note: pre-flight memory] Every file is hashed once and decoded once, so nothing here benefits from reuse:
// - libvips' operation cache (sharp's default: up to 50 MB of decoded pixels, 20 open files, 100 operations) only
//   ever holds images we will not see again — it is off for the whole process (the one other decoder, the TIFF
//   preview in images.ts, keeps its own cache on disk).
// - sharp.concurrency (libvips threads per image) stays at sharp's default: 1 on glibc Linux (its allocator
//   fragments with more), the core count elsewhere; pre-flight itself runs 2 files at a time (intake's limit).
// - hashing reads through one reused 1 MiB buffer per in-flight file instead of a stream that allocates a fresh
//   64 KiB buffer per chunk (80 per 5 MB scan, 800,000 for a 10,000-file batch) and makes a thread-pool round trip
//   for each: fewer syscalls, no garbage, and the first bytes come back for sniffing without another open.
sharp.cache(false);

/** libvips refuses to decode more pixels than this (a decompression bomb); the header says how many there are. */
export const MAX_INPUT_PIXELS = 300_000_000;
/**
 * [Note: hostile files in pre-flight] a passport, INN certificate or selfie scan is a few pages; even a whole
 * passport booklet scanned page by page is 20 pages and the covers. Hundreds of pages are no document scan.
 */
export const MAX_PDF_PAGES = 30;

/** Files and directories pre-flight writes are the user's alone (they hold passport scans). */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

const HASH_CHUNK = 1024 * 1024;
const HEAD_BYTES = 4096;
const spareBuffers: Buffer[] = [];

/** SHA-256 of the original bytes (a 200 MB scan never sits in memory) and its first HEAD_BYTES for sniff(). */
export async function hashFile(file: string): Promise<{ sha256: string; head: Buffer }> {
  const fh = await fs.open(file, 'r');
  const buf = spareBuffers.pop() ?? Buffer.allocUnsafe(HASH_CHUNK);
  try {
    const h = createHash('sha256');
    const head = Buffer.alloc(HEAD_BYTES);
    let headLen = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      if (headLen < HEAD_BYTES) headLen += buf.copy(head, headLen, 0, Math.min(bytesRead, HEAD_BYTES - headLen));
      h.update(buf.subarray(0, bytesRead));
    }
    return { sha256: h.digest('hex'), head: head.subarray(0, headLen) };
  } finally {
    if (spareBuffers.length < 4) spareBuffers.push(buf);
    await fh.close();
  }
}

export function sniff(head: Buffer): Sniffed {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  const sig4 = head.subarray(0, 4).toString('latin1');
  if (sig4 === 'II*\0' || sig4 === 'MM\0*') return 'tiff';
  if (sig4.startsWith('GIF8')) return { other: 'GIF' };
  if (sig4.startsWith('BM')) return { other: 'BMP' };
  if (sig4 === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return { other: 'WebP' };
  if (head.subarray(4, 12).toString('latin1').match(/^ftyp(heic|heix|mif1|avif)/)) return { other: 'HEIC/AVIF' };
  if (sig4 === 'PK\x03\x04') return { other: 'ZIP/DOCX/XLSX' };
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return { other: 'DOC/XLS (Office 97)' };
  if (head.length > 0 && head.every((c) => c === 0x09 || c === 0x0a || c === 0x0d || c >= 0x20)) return { other: 'текст' };
  return { other: 'неизвестный' };
}

async function readHead(file: string, n = 4096): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function preflight(
  file: string,
  size: number,
  sha256: string,
  settings: Settings,
  uploadsDir: string,
  /** The file's first bytes when the caller has them already (hashFile returns them). */
  head?: Buffer,
): Promise<PreflightResult> {
  if (size === 0) return reject('preflight.empty', 'Пустой файл (0 байт)');
  const kind = sniff(head ?? (await readHead(file)));
  if (typeof kind === 'object') {
    return reject('preflight.unsupported', `Неподдерживаемый формат: ${kind.other}. Принимаются JPEG, PNG, PDF, TIFF`);
  }
  if (kind === 'pdf') return preflightPdf(file, size, settings);
  return preflightImage(file, size, sha256, kind, settings, uploadsDir);
}

async function preflightPdf(file: string, size: number, settings: Settings): Promise<PreflightResult> {
  if (size > settings.maxUploadBytes) return tooLarge(size, settings);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(await fs.readFile(file), { updateMetadata: false });
  } catch (err) {
    // pdf-lib's error classes are transpiled (instanceof is unreliable across its CJS/ESM builds): check the message too.
    if (err instanceof EncryptedPDFError || /is encrypted/i.test(String((err as Error | null)?.message))) return reject('preflight.pdf-password', 'PDF защищён паролем — снимите пароль и положите файл снова');
    return reject('preflight.corrupt', 'PDF повреждён и не читается');
  }
  let pages: number;
  try {
    pages = doc.getPageCount(); // a broken page tree only shows up here
  } catch {
    return reject('preflight.corrupt', 'PDF повреждён: не читается список страниц');
  }
  if (pages === 0) return reject('preflight.pdf-no-pages', 'В PDF нет ни одной страницы');
  if (pages > MAX_PDF_PAGES) return reject('preflight.pdf-too-many-pages', `В PDF слишком много страниц: ${pages} (предел ${MAX_PDF_PAGES})`);
  let active: string | null;
  try {
    active = pdfActiveContent(doc);
  } catch {
    return reject('preflight.corrupt', 'PDF повреждён: не читается структура');
  }
  if (active) return reject('preflight.pdf-active', `PDF содержит активное содержимое (${active}) — отсканируйте документ заново или сохраните его как изображение`);
  return { ok: true, mime: 'application/pdf', width: null, height: null, pages, uploadPath: null, note: null };
}

function tooLarge(bytes: number, settings: Settings): PreflightReject {
  const mb = (n: number) => (n / 1_000_000).toFixed(1);
  return reject('preflight.too-large', `Файл слишком большой: ${mb(bytes)} МБ (предел ${mb(settings.maxUploadBytes)} МБ)`);
}

async function preflightImage(
  file: string,
  size: number,
  sha256: string,
  kind: 'jpeg' | 'png' | 'tiff',
  settings: Settings,
  uploadsDir: string,
): Promise<PreflightResult> {
  const mime = kind === 'jpeg' ? 'image/jpeg' : kind === 'png' ? 'image/png' : 'image/tiff';
  const input = () => sharp(file, { failOn: 'warning', limitInputPixels: MAX_INPUT_PIXELS });
  const corrupt = () => reject('preflight.corrupt', 'Изображение повреждено или обрезано (не декодируется полностью)');
  // failOn 'warning' turns libjpeg's "premature end of data" into an error. A tiny resize still reads every byte
  // of the compressed data (shrink-on-load scales, it doesn't skip), so truncation is caught at ~1/10 of the cost
  // of stats() on a full-size decode. A file that is recompressed anyway skips it: that full decode reads every
  // byte with the same failOn, and only its failure pays for the tiny decode, to tell "corrupt" from a write error.
  const decodesFully = async () => {
    try {
      await input().resize(64, 64, { fit: 'inside' }).raw().toBuffer();
      return true;
    } catch {
      return false;
    }
  };
  let width: number;
  let height: number;
  let pages: number;
  try {
    // The header only (no pixels are decoded): read without the pixel limit so an oversized image is named as such.
    const meta = await sharp(file, { failOn: 'warning', limitInputPixels: false }).metadata();
    width = meta.width;
    height = meta.height;
    pages = meta.pages ?? 1;
  } catch {
    return corrupt();
  }
  if (width * height > MAX_INPUT_PIXELS) {
    const mp = (n: number) => Math.round(n / 1_000_000);
    return reject('preflight.too-many-pixels', `Изображение слишком большое: ${mp(width * height)} Мп (${width}×${height}, предел ${mp(MAX_INPUT_PIXELS)} Мп)`);
  }
  const tooSmall = Math.min(width, height) < settings.minShortSidePx;
  const longSide = Math.max(width, height);
  const needsRecompress = kind === 'tiff' || longSide > settings.recompressMaxSidePx || size > settings.recompressMaxBytes;
  if (tooSmall || !needsRecompress) {
    if (!(await decodesFully())) return corrupt();
  }
  if (tooSmall) {
    return reject('preflight.too-small', `Слишком маленькое изображение: ${width}×${height}, нужно не меньше ${settings.minShortSidePx} px по короткой стороне`);
  }
  if (!needsRecompress) {
    if (size > settings.maxUploadBytes) return tooLarge(size, settings);
    const trimmed = await trimTrailingData(file, sha256, kind === 'jpeg' ? 'jpeg' : 'png', uploadsDir);
    return { ok: true, mime, width, height, pages, uploadPath: trimmed?.uploadPath ?? null, note: trimmed?.note ?? null };
  }
  await fs.mkdir(uploadsDir, { recursive: true, mode: PRIVATE_DIR });
  const uploadPath = path.join(uploadsDir, `${sha256}.jpg`);
  const tmp = `${uploadPath}.${process.pid}.tmp`;
  const max = settings.recompressMaxSidePx;
  try {
    // No .rotate(): pixels keep their stored orientation and EXIF Orientation goes along with keepMetadata().
    await input()
      .resize({ width: max, height: max, fit: 'inside', withoutEnlargement: true })
      .keepMetadata()
      .jpeg({ quality: 85, mozjpeg: false })
      .toFile(tmp);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if (!(await decodesFully())) return corrupt();
    throw err; // the input decodes: writing failed (disk full…), reported as that, not as a damaged scan
  }
  await fs.chmod(tmp, PRIVATE_FILE);
  await fs.rename(tmp, uploadPath);
  const out = (await fs.stat(uploadPath)).size;
  if (out > settings.maxUploadBytes) {
    await fs.rm(uploadPath, { force: true });
    return tooLarge(out, settings);
  }
  const note = kind === 'tiff' ? 'TIFF преобразован в JPEG для отправки' : `Сжато для отправки: ${(size / 1e6).toFixed(1)} → ${(out / 1e6).toFixed(1)} МБ`;
  return { ok: true, mime, width, height, pages, uploadPath, note };
}

/**
 * See [Note: hostile files in pre-flight]. A JPEG/PNG sent as is must end where its image ends: with anything appended
 * (a ZIP, a video, a script) the upload is a copy cut at the end of the image, byte-exact up to there. The file is at
 * most the recompression threshold here (larger ones are re-encoded, which drops a tail anyway).
 */
async function trimTrailingData(file: string, sha256: string, kind: 'jpeg' | 'png', uploadsDir: string): Promise<{ uploadPath: string; note: string } | null> {
  const bytes = await fs.readFile(file);
  const end = kind === 'jpeg' ? jpegEnd(bytes) : pngEnd(bytes);
  if (end === null || end >= bytes.length) return null;
  await fs.mkdir(uploadsDir, { recursive: true, mode: PRIVATE_DIR });
  const uploadPath = path.join(uploadsDir, `${sha256}.${kind === 'jpeg' ? 'jpg' : 'png'}`);
  const tmp = `${uploadPath}.${process.pid}.tmp`;
  await fs.writeFile(tmp, bytes.subarray(0, end), { mode: PRIVATE_FILE });
  await fs.rename(tmp, uploadPath);
  return { uploadPath, note: `Отброшены данные после конца изображения (${bytes.length - end} байт): отправляется только само изображение` };
}
