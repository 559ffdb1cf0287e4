// Electron smoke test (Playwright's _electron): the real shell opens its window over app://, the sandboxed
// renderer has window.scandesk but no Node, and a contract call round-trips through IPC to the engine.
// Needs the Electron binary and better-sqlite3 rebuilt for Electron's ABI (`npm start` does both); where the
// binary is missing (ELECTRON_SKIP_BINARY_DOWNLOAD installs, CI here) the test SKIPS and prints why.
import { test, expect, _electron as electron, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers/scandesk.ts';

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

// Browser globals used inside page.evaluate (no DOM lib in this project's typecheck; file-local).
declare const window: Record<string, unknown> & { open(url: string): unknown };

const binary = electronBinary();
const nativeDir = path.join(REPO_ROOT, '.electron-native', 'node_modules');
const nativeReady = existsSync(path.join(REPO_ROOT, '.electron-native')) && readdirSync(path.join(REPO_ROOT, '.electron-native')).some((f) => f.endsWith('.ok'));
const built = existsSync(path.join(REPO_ROOT, 'dist/main/shell.cjs')) && existsSync(path.join(REPO_ROOT, 'dist/renderer/index.html'));
const skipReason = !binary
  ? 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): run `node node_modules/electron/install.js` with internet'
  : !nativeReady
    ? 'better-sqlite3 not rebuilt for Electron yet: run `npm start` once (it builds .electron-native/)'
    : !built
      ? 'not built: run `npm start` once (a dev build: `node scripts/build.js --dev`)'
      : null;
if (skipReason) console.log(`electron.spec.ts skipped: ${skipReason}`);

test.describe('Electron shell', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  let app: ElectronApplication;
  let dataDir: string;

  test.beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'scandesk-electron-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [REPO_ROOT, '--no-sandbox'],
      env: { ...process.env, SCANDESK_DATA_DIR: dataDir, SCANDESK_NATIVE_DIR: nativeDir },
    });
  });
  test.afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('window opens sandboxed with the bridge and round-trips a contract call', async () => {
    const page = await app.firstWindow();
    await expect(page).toHaveTitle(/ScanDesk/);
    expect(page.url()).toMatch(/^app:\/\/scandesk\//);
    const probe = await page.evaluate(async () => {
      const w = window as { scandesk?: { transport: string; invoke(c: string, a: unknown): Promise<{ ok: boolean; value?: { dataDir?: string } }> }; require?: unknown; process?: unknown };
      const res = await w.scandesk?.invoke('app:info', {});
      return { bridge: typeof w.scandesk, transport: w.scandesk?.transport, require: typeof w.require, process: typeof w.process, ok: res?.ok, dataDir: res?.value?.dataDir };
    });
    expect(probe).toEqual({ bridge: 'object', transport: 'electron', require: 'undefined', process: 'undefined', ok: true, dataDir });
    const opened = await page.evaluate(() => window.open('https://example.com') === null);
    expect(opened).toBe(true);
  });
});
