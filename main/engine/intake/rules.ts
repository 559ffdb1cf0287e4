// Pure naming rules of the hot folder: what to ignore, which document type a file is, which case it belongs to.
// No I/O here so the rules are cheap to test and identical for the watcher, the rescan and a restart.
import path from 'node:path';
import type { DocType } from '../../../shared/types.ts';

/** Where originals go when the folder option is 'move'. Never watched (moving must not re-trigger intake). */
export const DONE_DIR = 'Обработано';
export const FAILED_DIR = 'Ошибки';
/** Drag & drop target: a drop area, not a person's case folder (its files group by name prefix). */
export const MANUAL_DIR = 'Добавлено вручную';

const IGNORED_DIRS = new Set([DONE_DIR, FAILED_DIR, '@eadir', '$recycle.bin', 'system volume information']);
const IGNORED_FILES = new Set(['thumbs.db', 'desktop.ini']);
const TEMP_SUFFIXES = ['.tmp', '.part', '.filepart', '.crdownload'];

const TYPE_TOKENS: Record<string, DocType> = {
  passport: 'PASSPORT',
  паспорт: 'PASSPORT',
  inn: 'INN',
  инн: 'INN',
  selfie: 'SELFIE',
  селфи: 'SELFIE',
};

export function typeOfToken(token: string): DocType | null {
  return TYPE_TOKENS[token.toLocaleLowerCase('ru-RU')] ?? null;
}

/** Segments of a path relative to the watched folder ('/' or '\\' separated). */
export function splitRel(rel: string): string[] {
  return rel.split(/[\\/]+/).filter((s) => s.length > 0);
}

/** A directory the watcher should not enter at all. */
export function isIgnoredDirName(name: string): boolean {
  const lower = name.toLocaleLowerCase('ru-RU');
  return name.startsWith('.') || IGNORED_DIRS.has(name) || IGNORED_DIRS.has(lower);
}

/** Why a file is ignored (Russian, shown to the clerk), or null when it is a candidate document. */
export function ignoreReason(rel: string): string | null {
  const segs = splitRel(rel);
  const name = segs[segs.length - 1] ?? '';
  for (const dir of segs.slice(0, -1)) {
    if (isIgnoredDirName(dir)) return `Служебная папка «${dir}» не обрабатывается`;
  }
  const lower = name.toLocaleLowerCase('ru-RU');
  if (name.startsWith('~$')) return 'Временный файл Office (~$…) не обрабатывается';
  if (name.startsWith('.')) return 'Скрытый или служебный файл не обрабатывается';
  if (IGNORED_FILES.has(lower)) return 'Системный файл не обрабатывается';
  const suffix = TEMP_SUFFIXES.find((s) => lower.endsWith(s));
  if (suffix) return `Временный или недокачанный файл (${suffix}) не обрабатывается`;
  return null;
}

export type Placement = {
  type: DocType;
  /** Grouping key inside the folder (lower-cased), e.g. 'dir:иванов и.и' or 'prefix:ivanov' or 'file:scan01.png'. */
  groupKey: string;
  /** What the clerk sees as the case name. */
  label: string;
};

const TOKEN_SPLIT = /[_\-.\s]+/u;

/**
 * Type: a type token in the file name (whole word split by `_ - . space`), else a whole directory segment,
 * else the folder default. Case: the first sub-folder that is not a type folder / drop folder; else the
 * file-name prefix before the type token; else, inside a type folder, the whole name (so the same name in
 * `passport/`, `inn/` and `selfie/` is one person); else the file alone.
 */
export function placeFile(rel: string, defaultType: DocType): Placement {
  const segs = splitRel(rel);
  const name = segs[segs.length - 1] ?? rel;
  const dirs = segs.slice(0, -1);
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;

  const words = stem.split(TOKEN_SPLIT).filter((w) => w.length > 0);
  const tokenIndex = words.findIndex((w) => typeOfToken(w) !== null);
  let type: DocType | null = tokenIndex >= 0 ? typeOfToken(words[tokenIndex] ?? '') : null;
  for (let i = dirs.length - 1; type === null && i >= 0; i--) type = typeOfToken(dirs[i] ?? '');

  const caseDirs = dirs.filter((d) => typeOfToken(d) === null && d !== MANUAL_DIR);
  if (caseDirs.length > 0) {
    return { type: type ?? defaultType, groupKey: `dir:${caseDirs.join('/').toLocaleLowerCase('ru-RU')}`, label: caseDirs[caseDirs.length - 1] ?? '' };
  }
  if (tokenIndex > 0) {
    const label = words.slice(0, tokenIndex).join(' ');
    return { type: type ?? defaultType, groupKey: `prefix:${words.slice(0, tokenIndex).join('_').toLocaleLowerCase('ru-RU')}`, label };
  }
  // In a type folder the whole name is the prefix: `passport/petrov.jpg`, `inn/petrov.png` and `petrov_selfie.jpg`
  // are one person (type folders of one parent never split a case).
  if (tokenIndex < 0 && words.length > 0 && dirs.some((d) => typeOfToken(d) !== null)) {
    return { type: type ?? defaultType, groupKey: `prefix:${words.join('_').toLocaleLowerCase('ru-RU')}`, label: words.join(' ') };
  }
  return { type: type ?? defaultType, groupKey: `file:${segs.join('/').toLocaleLowerCase('ru-RU')}`, label: stem };
}

/** Safe file name for drag & drop bytes: no separators, no control/reserved characters, never empty. */
export function sanitiseFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  let clean = base.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '');
  if (clean.length > 180) {
    const ext = path.extname(clean).slice(0, 10);
    clean = clean.slice(0, 180 - ext.length) + ext;
  }
  return clean.length > 0 ? clean : 'файл';
}

/** Drive letter of a Windows path ('Z' for `Z:\scans`, `z:/scans` or `\\?\Z:\scans`), else null. */
export function driveLetterOf(absPath: string): string | null {
  const m = /^(?:[\\/]{2}[?.][\\/])?([A-Za-z]):(?:[\\/]|$)/.exec(absPath);
  return m ? m[1]!.toUpperCase() : null;
}

/** A UNC path (`\\server\share`, `//server/share`, `\\?\UNC\server\share`), but not a `\\?\C:\` long local path. */
function isUncPath(absPath: string): boolean {
  if (/^[\\/]{2}[?.][\\/]/.test(absPath)) return /^[\\/]{2}[?.][\\/]UNC[\\/]/i.test(absPath);
  return /^[\\/]{2}[^\\/]/.test(absPath);
}

/**
 * Drive letters that `net use` lists as mapped to a share. Its table is localised (Status/Local/Remote, or
 * Состояние/Локальный/Удаленный…) and the status column may be empty, so only the shape is matched: a drive
 * letter, then a UNC remote. Used when the drive root cannot be resolved (share offline at start).
 */
export function parseNetUse(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /(?:^|\s)([A-Za-z]):\s+\\\\[^\s\\]+\\/.exec(line);
    if (m) out.add(m[1]!.toUpperCase());
  }
  return out;
}

/**
 * Network paths don't deliver OS events reliably: poll them. Network = UNC; a Linux/macOS path on a
 * network mount (`/proc/mounts` text); or a Windows drive letter that `isRemoteDrive` says is mapped to a share
 * (the I/O — realpath of the drive root, `net use` — stays with the caller).
 */
export function isNetworkPath(absPath: string, mountsText: string | null, isRemoteDrive?: (letter: string) => boolean): boolean {
  if (isUncPath(absPath)) return true;
  const letter = driveLetterOf(absPath);
  if (letter !== null) return isRemoteDrive?.(letter) ?? false;
  if (!mountsText) return false;
  let best = '';
  let bestType = '';
  for (const line of mountsText.split('\n')) {
    const parts = line.split(' ');
    const mountPoint = (parts[1] ?? '').replace(/\\040/g, ' ');
    const fsType = parts[2] ?? '';
    if (!mountPoint) continue;
    const inside = absPath === mountPoint || absPath.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`);
    if (inside && mountPoint.length >= best.length) {
      best = mountPoint;
      bestType = fsType;
    }
  }
  return /^(cifs|smb3?|smbfs|nfs4?|fuse\.sshfs|9p|davfs)$/.test(bestType);
}

/** The folder's polling option wins over detection: 'on'/'off' as the clerk chose; only 'auto' asks `detect`. */
export function pollingFor(option: 'auto' | 'on' | 'off', detect: () => boolean): boolean {
  return option === 'auto' ? detect() : option === 'on';
}
