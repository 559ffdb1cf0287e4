// [Note: reads stay inside the watched folder]
// A watched folder may hold links and special files that someone else put there. Rules:
// - Entries are looked at with lstat. A symlink is resolved (realpath): one whose target is outside the folder's own
//   real path is never read — its row says «Пропущен: ссылка за пределы папки». A link to a file inside the folder
//   is followed (it is that file's content; the duplicate check keeps it from being paid twice).
// - Links to folders are never descended: one leading outside gets the same «ссылка за пределы папки» row; one
//   staying inside is skipped silently, since its files are reached by their real path anyway (and following links
//   to folders is how walks loop).
// - FIFOs, sockets and devices get «Пропущен: не обычный файл» and are never opened by name without O_NONBLOCK
//   (opening a FIFO blocks until a writer comes).
// - Between the check and the read the file may be swapped for a link. The read therefore opens first (non-blocking),
//   takes fstat of what it holds, then resolves the real path and requires it inside the folder AND naming the same
//   dev/inode as the open handle. Pre-flight then reads that verified real path (no link left to follow in its last
//   component) while the handle stays open, and the identity is compared again after reading; a mismatch drops the
//   decision and the file is looked at afresh. (A hard link inside the folder is the folder's file by definition.)
import { constants as fsc, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import { isInside } from '../paths.ts';

export const LINK_OUTSIDE = { code: 'intake.link-outside', reason: 'Ссылка за пределы папки — файл не читается' } as const;
export const NOT_REGULAR = { code: 'intake.not-regular', reason: 'Не обычный файл (канал, сокет или устройство) — не обрабатывается' } as const;
export type Skip = { code: string; reason: string };

/** O_NONBLOCK where the platform has it: an open of a FIFO returns at once instead of waiting for a writer. */
export const OPEN_READ = fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0);

/** The root itself or anything below it (real paths). */
const within = (child: string, root: string): boolean => child === root || isInside(child, root);

export type Entry =
  | { kind: 'file'; size: number; mtimeMs: number }
  | { kind: 'dir' }
  | { kind: 'skip'; skip: Skip };

function fileOrSkip(st: Stats): Entry {
  if (st.isFile()) return { kind: 'file', size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
  if (st.isDirectory()) return { kind: 'dir' };
  return { kind: 'skip', skip: NOT_REGULAR };
}

/** What `abs` is, without following a link out of `realRoot` (the watched folder's real path). Throws ENOENT & co. */
export async function inspectEntry(realRoot: string, abs: string): Promise<Entry> {
  const l = await fs.lstat(abs);
  if (!l.isSymbolicLink()) return fileOrSkip(l);
  const real = await fs.realpath(abs);
  if (!within(real, realRoot)) return { kind: 'skip', skip: LINK_OUTSIDE };
  const target = fileOrSkip(await fs.stat(real));
  // A link to a folder inside is not walked (its files are reached by their real path): report it as a folder.
  return target;
}

export type Opened = { ok: true; real: string; handle: FileHandle; st: Stats } | { ok: false; skip: Skip } | { ok: false; swapped: true };

/** Opens `abs` for reading only if it is a regular file whose real path is inside `realRoot` (see the Note). */
export async function openInside(realRoot: string, abs: string): Promise<Opened> {
  const handle = await fs.open(abs, OPEN_READ);
  try {
    const st = await handle.stat();
    if (!st.isFile()) return close(handle, { ok: false, skip: NOT_REGULAR });
    const real = await fs.realpath(abs);
    if (!within(real, realRoot)) return close(handle, { ok: false, skip: LINK_OUTSIDE });
    if (!sameFile(st, await fs.stat(real))) return close(handle, { ok: false, swapped: true });
    return { ok: true, real, handle, st };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function close(handle: FileHandle, out: Opened): Promise<Opened> {
  await handle.close();
  return out;
}

export function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** After reading through `real`: is it still the file the handle holds? */
export async function stillSame(opened: { real: string; st: Stats }): Promise<boolean> {
  try {
    return sameFile(opened.st, await fs.stat(opened.real));
  } catch {
    return false;
  }
}
