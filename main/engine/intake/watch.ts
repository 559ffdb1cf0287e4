// Watching and walking the folders. Watching uses chokidar 4: a well-kept library that normalises
// fs.watch/FSEvents/inotify quirks and offers polling for network shares; a periodic full rescan catches whatever an
// event missed. Both only note files (settle.ts): the database is the source of truth.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Folder } from '../../../shared/settings.ts';
import { every, setTimer, type Timer } from '../clock.ts';
import { errCode, type Hub } from './hub.ts';
import { toFolder } from './repo.ts';
import { isIgnoredDirName, isNetworkPath, parseNetUse, pollingFor, splitRel } from './rules.ts';
import { VANISHED } from './settle.ts';

const isWindows = process.platform === 'win32';
/** Files of one directory noted at once during a scan (stats in flight). */
export const SCAN_WIDTH = 64;
/** How long a new watcher may take to say it is ready before a scan starts anyway. */
const READY_WAIT_MS = 10_000;

function readMounts(): string | null {
  try {
    return existsSync('/proc/mounts') ? readFileSync('/proc/mounts', 'utf8') : null;
  } catch {
    return null;
  }
}

/**
 * Windows: is this drive letter mapped to a share? Asked once per folder watch, never per file. The drive root's
 * final path (realpath.native = GetFinalPathNameByHandle) of a mapped drive is the share's UNC path; the trailing
 * backslash matters (`Z:` alone resolves the current directory on Z). A share that is offline fails that, and then
 * `net use` (the user's mapped drives, whatever their state) decides.
 */
function isRemoteDrive(letter: string): boolean {
  try {
    return realpathSync.native(`${letter}:\\`).startsWith('\\\\');
  } catch {
    /* share offline or no such drive: ask net use */
  }
  try {
    // The table is in the OEM code page (cp866 on Russian Windows): decoded as UTF-8 its non-ASCII bytes become U+FFFD,
    // never whitespace or a backslash, so the ASCII shape that parseNetUse matches survives.
    const out = execFileSync('net', ['use'], { encoding: 'utf8', timeout: 5000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
    return parseNetUse(out).has(letter);
  } catch {
    return false;
  }
}

export type WatchPart = {
  scanFolder(folder: Folder): Promise<void>;
  /** Starts watching; resolves when the watcher is ready (or after READY_WAIT_MS if it never says so). A scan started
   *  after that misses nothing: files written before it are walked, files written after it raise events. Resolves
   *  false when it was unwatched first (replaced by a newer watch, or stopped): nothing to scan for it then. */
  watchFolder(folder: Folder): Promise<boolean>;
  unwatchFolder(id: number): void;
  /** Full walk of every enabled folder (or one); rows left settling whose file is gone are marked so. */
  scanNow(folderId?: number): Promise<void>;
  closeAll(): Promise<void>;
};

export function createWatch(hub: Hub, watchFn: typeof watch = watch): WatchPart {
  const { ctx, q } = hub;
  const { clock, log } = ctx;
  /** `settle` ends the wait for 'ready': true on ready or after READY_WAIT_MS, false when unwatched. */
  type Watching = { watcher: FSWatcher; rescan: Timer; settle: (ready: boolean) => void };
  const watchers = new Map<number, Watching>();
  let mounts: string | null | undefined;

  async function scanFolder(folder: Folder): Promise<void> {
    const stack: string[] = [folder.path];
    while (stack.length > 0 && hub.isRunning()) {
      const dir = stack.pop() as string;
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        log.warn('intake: cannot list directory', { code: errCode(err) });
        continue;
      }
      const files: string[] = [];
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        // Real folders are walked; links (to folders too), FIFOs, sockets and devices are noted so that they get
        // their row ([Note: reads stay inside the watched folder]); links to folders are never walked (loops).
        if (e.isDirectory()) {
          if (folder.options.recursive && !isIgnoredDirName(e.name)) stack.push(abs);
        } else files.push(abs);
      }
      // Many stats in flight keep the thread pool busy, and their inserts share a commit per turn.
      await hub.eachLimited(files, SCAN_WIDTH, (abs) => hub.settle.noteFile(folder, abs));
    }
  }

  function usePolling(folder: Folder): boolean {
    return pollingFor(folder.options.polling, () => {
      if (mounts === undefined) mounts = readMounts();
      return isNetworkPath(folder.path, mounts, isWindows ? isRemoteDrive : undefined);
    });
  }

  function watchFolder(folder: Folder): Promise<boolean> {
    unwatchFolder(folder.id);
    const polling = usePolling(folder);
    const watcher = watchFn(folder.path, {
      ignoreInitial: true, // our own scan does the initial walk (same code path as the periodic rescan)
      persistent: true,
      followSymlinks: false,
      usePolling: polling,
      interval: 1000,
      binaryInterval: 1000,
      ...(folder.options.recursive ? {} : { depth: 0 }),
      ignored: (p: string) => {
        const rel = path.relative(folder.path, p);
        return rel !== '' && splitRel(rel).some((s) => isIgnoredDirName(s) && !s.startsWith('.'));
      },
    });
    const onFile = (p: string) => hub.track(hub.settle.noteFile(folder, p));
    watcher.on('add', onFile).on('change', onFile).on('unlink', (p: string) => {
      if (hub.settle.pending.has(p)) hub.settle.schedule(p, 0);
    });
    watcher.on('error', (err) => log.warn('intake: watcher error', { folderId: folder.id, err: String(err) }));
    const rescan = every(clock, folder.options.rescanMinutes * 60_000, () => hub.track(scanFolder(folder)));
    log.info('intake: watching', { folderId: folder.id, polling });
    return new Promise<boolean>((resolve) => {
      const wait = setTimer(clock, READY_WAIT_MS, () => settle(true));
      const settle = (ready: boolean) => {
        wait.cancel();
        resolve(ready);
      };
      watchers.set(folder.id, { watcher, rescan, settle });
      watcher.once('ready', () => settle(true));
    });
  }

  function unwatchFolder(id: number) {
    const w = watchers.get(id);
    if (!w) return;
    watchers.delete(id);
    w.rescan.cancel();
    w.settle(false);
    void w.watcher.close();
  }

  async function scanNow(folderId?: number): Promise<void> {
    const folders = q.folders.all().map(toFolder).filter((f) => f.enabled && (folderId === undefined || f.id === folderId));
    for (const f of folders) await scanFolder(f);
    // Rows left 'seen'/'waiting' (restart) whose file the walk didn't find are gone.
    const recheck: [Folder, string][] = [];
    for (const d of q.unsettled.all()) {
      if (hub.settle.pending.has(d.path) || (folderId !== undefined && d.folder_id !== folderId)) continue;
      const folder = d.folder_id !== null ? hub.getFolder(d.folder_id) : null;
      if (folder?.enabled && existsSync(d.path)) recheck.push([folder, d.path]);
      else {
        q.setGone.run('ignored', folder?.enabled ? VANISHED : 'Папка больше не наблюдается', folder?.enabled ? 'intake.vanished' : 'intake.folder-removed', clock.now(), d.id);
        hub.changed(d.id);
      }
    }
    await hub.eachLimited(recheck, SCAN_WIDTH, ([folder, abs]) => hub.settle.noteFile(folder, abs));
    hub.cases.evaluateCases(true);
  }

  return {
    scanFolder,
    watchFolder,
    unwatchFolder,
    scanNow,
    async closeAll() {
      const closing = [...watchers.values()].map((w) => w.watcher.close());
      for (const id of [...watchers.keys()]) unwatchFolder(id);
      await Promise.allSettled(closing);
    },
  };
}
