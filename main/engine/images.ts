// Serves a document's scan to the UI by document id only (never a caller-supplied path). Used by the
// browser-mode bridge (GET /api/image/<id>) and the Electron shell's scan:// protocol.
// The file must resolve (after symlinks) inside a registered watched folder or the engine cache dir.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { EngineContext } from './context.ts';
import { dataPaths } from './paths.ts';

export type ImageResult = { mime: string; body: Buffer } | { error: 'not-found' | 'gone' | 'refused' };

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

function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
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

export async function resolveImage(ctx: EngineContext, documentId: number, page = 1): Promise<ImageResult> {
  if (!Number.isSafeInteger(documentId) || documentId <= 0) return { error: 'not-found' };
  const pageNo = Number.isSafeInteger(page) && page >= 1 ? page : 1;
  const doc = ctx.db
    .prepare<[number], { path: string; current_path: string | null }>('SELECT path, current_path FROM documents WHERE id = ?')
    .get(documentId);
  if (!doc) return { error: 'not-found' };
  const real = await realpathOrNull(doc.current_path ?? doc.path);
  if (!real) return { error: 'gone' };

  const cacheDir = dataPaths(ctx.dataDir).cache;
  const roots = [
    ...ctx.db.prepare<[], { path: string }>('SELECT path FROM folders').all().map((f) => f.path),
    cacheDir,
  ];
  const realRoots = (await Promise.all(roots.map(realpathOrNull))).filter((r): r is string => r !== null);
  if (!realRoots.some((root) => isInside(real, root))) return { error: 'refused' };

  let body: Buffer;
  try {
    body = await fs.readFile(real);
  } catch {
    return { error: 'gone' };
  }
  const mime = sniffMime(body.subarray(0, 8), path.extname(real).toLowerCase());
  if (mime === null) return { error: 'refused' };
  if (mime !== 'image/tiff') return { mime, body };

  // Browsers cannot show TIFF: convert the requested page to PNG once and keep it in the cache.
  const previewDir = path.join(cacheDir, 'previews');
  const previewFile = path.join(previewDir, previewFileName(documentId, body.length, pageNo));
  try {
    return { mime: 'image/png', body: await fs.readFile(previewFile) };
  } catch {
    /* not cached yet */
  }
  try {
    const png = await sharp(body, { page: pageNo - 1 }).png().toBuffer();
    await fs.mkdir(previewDir, { recursive: true });
    await fs.writeFile(previewFile, png);
    return { mime: 'image/png', body: png };
  } catch (err) {
    ctx.log.warn('tiff preview failed', { documentId, err });
    return { error: 'gone' };
  }
}
