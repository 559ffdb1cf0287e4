// [Note: folder picker roots]
// Browser-mode folder picker ('fs:browse'): a page cannot open the OS folder dialog, so the engine lists sub-folders
// for it — only inside the allowed roots (the user's home and the usual mount points of shares). Every requested path is resolved to its real path (symlinks and '..' followed) and must lie inside the real
// path of one root; anything else is refused with the same answer as a missing folder, so the picker cannot be used
// to probe the rest of the disk. Only folder names are returned, never file names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowseEntry, BrowseResult } from '../../../shared/api/insights.ts';
import { UserError } from '../dispatch.ts';

const MAX_ENTRIES = 2000;
const POSIX_MOUNTS = ['/mnt', '/media', '/run/media', '/Volumes'];

/** Home plus mount points that exist here (POSIX), or home plus drive letters other than the system drive (Windows). */
export function defaultBrowseRoots(): string[] {
  const roots = [os.homedir()];
  if (process.platform === 'win32') {
    const system = (process.env.SystemDrive ?? 'C:').toUpperCase();
    for (let c = 65; c <= 90; c++) {
      const drive = `${String.fromCharCode(c)}:`;
      if (drive !== system && fs.existsSync(`${drive}\\`)) roots.push(`${drive}\\`);
    }
  } else roots.push(...POSIX_MOUNTS.filter((m) => fs.existsSync(m)));
  return roots;
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

const inside = (child: string, root: string) => child === root || child.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

const notAllowed = () =>
  new UserError('browse.not-allowed', 'Эта папка недоступна: выбирать можно в домашней папке и в подключённых дисках (/mnt, /media)', 'This folder is not available: choose inside your home folder or a mounted share');

export function createFolderBrowser(getRoots: () => string[] = defaultBrowseRoots) {
  const roots = (): { entry: BrowseEntry; real: string }[] =>
    getRoots()
      .map((r) => ({ r: path.resolve(r), real: realOrNull(r) }))
      .filter((x): x is { r: string; real: string } => x.real !== null)
      .map((x) => ({ entry: { name: x.r === path.resolve(os.homedir()) ? `~ (${x.r})` : x.r, path: x.r }, real: x.real }));

  return ({ path: requested }: { path?: string | undefined }): BrowseResult => {
    const allowed = roots();
    if (requested === undefined) return { path: null, parent: null, roots: allowed.map((a) => a.entry), dirs: allowed.map((a) => a.entry) };
    if (!path.isAbsolute(requested) || requested.includes('\0')) throw notAllowed();
    const real = realOrNull(path.resolve(requested));
    const root = real === null ? undefined : allowed.find((a) => inside(real, a.real));
    if (real === null || !root) throw notAllowed();
    let items: fs.Dirent[];
    try {
      items = fs.readdirSync(real, { withFileTypes: true });
    } catch {
      throw new UserError('browse.unreadable', 'Нет доступа к этой папке', 'This folder cannot be read');
    }
    const dirs: BrowseEntry[] = [];
    for (const it of items) {
      if (it.name.startsWith('.') || it.name.startsWith('$')) continue;
      const full = path.join(real, it.name);
      // A link counts only when it leads to a folder inside an allowed root.
      const isDir = it.isDirectory() || (it.isSymbolicLink() && (() => {
        const target = realOrNull(full);
        return target !== null && allowed.some((a) => inside(target, a.real)) && fs.statSync(target).isDirectory();
      })());
      if (isDir) dirs.push({ name: it.name, path: full });
      if (dirs.length >= MAX_ENTRIES) break;
    }
    dirs.sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    const parent = real === root.real ? null : path.dirname(real);
    return { path: real, parent, roots: allowed.map((a) => a.entry), dirs };
  };
}
