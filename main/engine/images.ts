// Serves a document's scan to the UI by document id only (never a caller-supplied path). Used by the
// browser-mode bridge (GET /api/image/<id>) and the Electron shell's scan:// protocol.
// The file must resolve (after symlinks) inside a registered watched folder or the engine cache dir.
import { createReadStream, type ReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { EngineContext } from './context.ts';
import { MAX_INPUT_PIXELS } from './intake/preflight.ts';
import { dataPaths, isInside } from './paths.ts';
import { perConnection } from './db/per-connection.ts';

const imagesRepo = perConnection((db) => ({
  docFile: db.prepare<[number], { path: string; current_path: string | null; status_code: string | null }>('SELECT path, current_path, status_code FROM documents WHERE id = ?'),
  folderPaths: db.prepare<[], { path: string }>('SELECT path FROM folders'),
}));

/**
 * A servable scan: its bytes are streamed from `file` (never read whole), at most `size` of them.
 * [Note: the image route's memory is bounded] `file` is the original (JPEG/PNG/PDF) or a cached PNG preview of a TIFF
 * page; a caller streams it with openImageStream. Anything over MAX_SERVED_IMAGE_BYTES, and any document pre-flight
 * rejected for its size or pixel count, is 'too-large' (HTTP 413): the viewer shows the reason instead of the image.
 */
export type ImageResult = { mime: string; size: number; file: string } | { error: 'not-found' | 'gone' | 'refused' | 'too-large' };

export const MAX_SERVED_IMAGE_BYTES = 64 * 1024 * 1024;
/** Side of a TIFF page's PNG preview: enough for the viewer's zoom, bounded whatever the scan's resolution. */
const PREVIEW_MAX_SIDE = 6000;
const REJECTED_FOR_SIZE = new Set(['preflight.too-large', 'preflight.too-many-pixels']);

/** The HTTP status of an error result (the bridge and scan:// answer alike). */
export function imageErrorStatus(error: Extract<ImageResult, { error: string }>['error']): number {
  return error === 'refused' ? 403 : error === 'gone' ? 410 : error === 'too-large' ? 413 : 404;
}

/** A read stream of exactly the bytes resolveImage measured (a file that grew since is not read past that). */
export function openImageStream(img: Extract<ImageResult, { mime: string }>): ReadStream {
  return createReadStream(img.file, { start: 0, end: Math.max(0, img.size - 1) });
}

const MIME_BY_EXT: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.pdf': 'application/pdf',
};

async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.realpath(p);
  } catch {
    return null;
  }
}

/** Detect the real type from magic bytes, so a renamed file is not served with a wrong MIME. */
function sniffMime(head: Buffer, fallbackExt: string): string | null {
  if (head[0] === 0xff && head[1] === 0xd8) return 'image/jpeg';
  if (head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (head.subarray(0, 4).toString('latin1') === '%PDF') return 'application/pdf';
  const tiffLe = head[0] === 0x49 && head[1] === 0x49 && head[2] === 0x2a;
  const tiffBe = head[0] === 0x4d && head[1] === 0x4d && head[3] === 0x2a;
  if (tiffLe || tiffBe) return 'image/tiff';
  return MIME_BY_EXT[fallbackExt] ?? null;
}

/**
 * [Note: cache files are named by document id] so purge and delete-case find every preview of a document from its
 * id alone, even after the original was moved or deleted (re-hashing the original would need the file). The size
 * keeps a preview from outliving a rewritten file.
 */
export function previewFileName(documentId: number, size: number, page: number): string {
  return `${documentId}-${size}-${page}.png`;
}

async function readHead(file: string): Promise<Buffer | null> {
  // O_NONBLOCK: a FIFO swapped in for the scan must not block a thread-pool thread waiting for a writer.
  const fh = await fs.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)).catch(() => null);
  if (!fh) return null;
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    return head.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

export async function resolveImage(ctx: EngineContext, documentId: number, page = 1): Promise<ImageResult> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0) return { error: 'not-found' };
  const pageNo = Number.isSafeInteger(page) && page >= 1 ? page : 1;
  const q = imagesRepo(ctx.db);
  const doc = q.docFile.get(documentId);
  if (!doc) return { error: 'not-found' };
  if (doc.status_code !== null && REJECTED_FOR_SIZE.has(doc.status_code)) return { error: 'too-large' };
  const real = await realpathOrNull(doc.current_path ?? doc.path);
  if (!real) return { error: 'gone' };

  const cacheDir = dataPaths(ctx.dataDir).cache;
  const roots = [
    ...q.folderPaths.all().map((f) => f.path),
    cacheDir,
  ];
  const realRoots = (await Promise.all(roots.map(realpathOrNull))).filter((r): r is string => r !== null);
  if (!realRoots.some((root) => isInside(real, root))) return { error: 'refused' };

  const stat = await fs.stat(real).catch(() => null);
  if (!stat) return { error: 'gone' };
  if (!stat.isFile()) return { error: 'refused' };
  if (stat.size > MAX_SERVED_IMAGE_BYTES) return { error: 'too-large' };
  const head = await readHead(real);
  if (!head) return { error: 'gone' };
  const mime = sniffMime(head, path.extname(real).toLowerCase());
  if (mime === null) return { error: 'refused' };
  if (mime !== 'image/tiff') return { mime, size: stat.size, file: real };
  return tiffPreview(ctx, real, documentId, stat.size, pageNo);
}

/** Browsers cannot show TIFF: convert the requested page to PNG once (decoded from the file, not a buffer) and cache it. */
async function tiffPreview(ctx: EngineContext, real: string, documentId: number, size: number, pageNo: number): Promise<ImageResult> {
  const previewDir = path.join(dataPaths(ctx.dataDir).cache, 'previews');
  const previewFile = path.join(previewDir, previewFileName(documentId, size, pageNo));
  const cached = await fs.stat(previewFile).catch(() => null);
  if (cached?.isFile()) return { mime: 'image/png', size: cached.size, file: previewFile };
  const tmp = `${previewFile}.${process.pid}.tmp`;
  try {
    await fs.mkdir(previewDir, { recursive: true, mode: 0o700 });
    await sharp(real, { page: pageNo - 1, limitInputPixels: MAX_INPUT_PIXELS })
      .resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .png()
      .toFile(tmp);
    await fs.chmod(tmp, 0o600);
    await fs.rename(tmp, previewFile);
    return { mime: 'image/png', size: (await fs.stat(previewFile)).size, file: previewFile };
  } catch (err) {
    await fs.rm(tmp, { force: true });
    ctx.log.warn('tiff preview failed', { documentId, err });
    return { error: 'gone' };
  }
}
