// Where data lives. The CLI's default DB is the desktop app's own: same folder as Electron's userData.
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCANDESK_DATA_DIR) return path.resolve(env.SCANDESK_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ScanDesk');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'ScanDesk');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'ScanDesk');
  }
}

export function dataPaths(dataDir: string) {
  return {
    db: path.join(dataDir, 'scandesk.db'),
    dbKey: path.join(dataDir, 'db.key'),
    credentials: path.join(dataDir, 'credentials.enc'),
    /** The team's PostgreSQL address (it may hold a password), sealed like the credentials. */
    teamServer: path.join(dataDir, 'team-server.enc'),
    /** This installation's own settings (the clerk's name): never in the database, which a team may share. */
    localSettings: path.join(dataDir, 'local-settings.json'),
    logs: path.join(dataDir, 'logs', 'scandesk.log'),
    cache: path.join(dataDir, 'cache'), // prepared uploads, converted previews
    demoFolder: path.join(dataDir, 'demo', 'Входящие'),
    exports: path.join(os.homedir(), 'Documents', 'ScanDesk', 'Экспорт'),
  };
}

export function osUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/**
 * Whether `child` lies strictly inside `root` (both absolute and already resolved; callers that defend against
 * symlinks pass real paths). A name that merely starts with two dots (`..notes/scan.jpg`) is inside.
 */
export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
