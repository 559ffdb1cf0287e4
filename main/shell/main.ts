// Electron main process: lifecycle, the one window, protocols, IPC adapter. The ONLY code importing 'electron'
// besides the preload. All behaviour lives in the engine; this file only hardens and connects.
import { app, BrowserWindow, dialog, protocol, session, shell } from 'electron';
import path from 'node:path';
import type { EngineHost, HostDelegate } from '../engine/host/client.ts';
import { startHostedEngine } from '../engine/host/hosted.ts';
import { createLogger } from '../engine/log.ts';
import { DisposableStore } from '../engine/disposable.ts';
import { migratePlainDatabase, resolveDbKey } from '../engine/db/keys.ts';
import { dataPaths } from '../engine/paths.ts';
import { makeProcessPrivate, preparePrivateDataDir } from '../engine/private-fs.ts';
import { registerIpc } from './ipc.ts';
import { APP_ORIGIN } from './ipc-router.ts';
import { serveAppFile, serveScanImage } from './protocol-handlers.ts';
import { createSafeSecretStore, createSafeStorageKeyStore, safeSecretStorage } from './secure-store.ts';

// dist/main/shell.cjs → dist/renderer, dist/preload.cjs
const RENDERER_DIR = path.join(__dirname, '..', 'renderer');
const PRELOAD = path.join(__dirname, '..', 'preload.cjs');

/** Sent as a header on every app:// page (the renderer's meta CSP applies too; the stricter of both wins). */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' scan: blob: data:",
  "connect-src 'self' scan:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'scan', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();
makeProcessPrivate(); // [Note: the data folder is private]
process.env.SCANDESK_VERSION = app.getVersion();

// The engine runs in its own thread (the engine host), the grid's reads in another: the window never waits on a
// recompute, an ingest or an export. This process only hardens, connects and answers the keystore.
let engine: EngineHost | null = null;
// What boot opened, closed in reverse order on quit (IPC handlers first, the engine host last).
const disposables = new DisposableStore();
let win: BrowserWindow | null = null;

function serveApp(request: Request): Response {
  return serveAppFile(RENDERER_DIR, request.url, APP_CSP);
}

function serveScan(request: Request): Promise<Response> {
  return serveScanImage(engine, request.url);
}

function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // No remote content: anything that is not our own protocols is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = /^(app|scan|devtools|blob|data):/.test(details.url);
    callback({ cancel: !ok });
  });
}

app.on('web-contents-created', (_event, contents) => {
  // The event's own url (the positional url argument is deprecated since Electron 25).
  contents.on('will-navigate', (e) => {
    if (!e.url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  contents.on('will-redirect', (e) => {
    if (!e.url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'ScanDesk',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would otherwise try to open links in new windows (denied anyway by setWindowOpenHandler).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  w.once('ready-to-show', () => w.show());
  void w.loadURL(`${APP_ORIGIN}/index.html`);
  return w;
}

async function boot(): Promise<void> {
  const dataDir = process.env.SCANDESK_DATA_DIR ? path.resolve(process.env.SCANDESK_DATA_DIR) : app.getPath('userData');
  preparePrivateDataDir(dataDir);
  const keystore = createSafeStorageKeyStore();
  // Without a usable OS keystore this falls back to the 0600 key file; app:info then carries a warning (Settings).
  const { key, source } = resolveDbKey(dataDir, { keystore });
  migratePlainDatabase(dataPaths(dataDir).db, key);
  // safeStorage answers only here, so this process unlocks them ([Note: the desktop host is given its secrets]).
  const secrets = createSafeSecretStore(dataPaths(dataDir).credentials);
  const { storage, warning } = safeSecretStorage();
  const delegate: HostDelegate = {
    saveCredentials: (c) => (c ? secrets.set(c) : secrets.clear()),
    reveal: (absPath) => shell.showItemInFolder(absPath),
  };
  const log = createLogger({ file: dataPaths(dataDir).logs });
  const delegated = { dbKey: key, dbKeySource: source, credentials: secrets.get(), credentialsStorage: storage, credentialsWarning: warning };
  const host = await startHostedEngine({ dataDir, mode: 'electron', security: 'delegated', delegated }, log, delegate);
  engine = host;
  disposables.add(() => {
    engine = null;
    return host.stop();
  });
  void engine.crashed.then((detail) => {
    dialog.showErrorBox('ScanDesk: движок остановился', `Перезапустите программу; подробности в журнале.\n\n${detail}`);
  });

  hardenSessions();
  protocol.handle('app', serveApp);
  protocol.handle('scan', serveScan);

  disposables.add(registerIpc(host, () => win));

  win = createWindow();
  win.on('closed', () => (win = null));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.whenReady().then(boot).catch((err: unknown) => {
    dialog.showErrorBox('ScanDesk не запустился', String(err instanceof Error ? err.message : err));
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  let stopping = false;
  app.on('before-quit', (e) => {
    if (stopping || !engine) return;
    stopping = true;
    e.preventDefault();
    void disposables.dispose().finally(() => app.quit());
  });
}
