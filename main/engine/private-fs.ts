// [Note: the data folder is private] Passport scans, the database, its key, logs and prepared uploads are readable by
// the user alone, in every mode (desktop, browser, CLI, demo): the process runs with umask 077 (so every file it
// creates is 0600 and every directory 0700, whatever library creates them: SQLite, sharp, the logger), directories
// are also created with an explicit 0700, and a data folder an older version left group/world-readable is tightened.
// Windows has no POSIX modes: there the profile folder's ACLs are what protects it.
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { dataPaths } from './paths.ts';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const POSIX = process.platform !== 'win32';

/** Call first thing in a process that writes user data. The umask is per process: a worker thread inherits it (and may not set it). */
export function makeProcessPrivate(): void {
  if (POSIX && isMainThread) process.umask(0o077);
}

/** mkdir -p with 0700, and 0700 on the directory itself even if it existed. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** The app's own data folder and its sub-folders: private, created or tightened. Never used on a user-chosen folder. */
export function preparePrivateDataDir(dataDir: string): void {
  const p = dataPaths(dataDir);
  for (const dir of [dataDir, path.dirname(p.logs), p.cache, path.join(p.cache, 'uploads'), path.join(p.cache, 'previews')]) ensurePrivateDir(dir);
}
