// The Electron bundles (scripts/build.js, esbuild — the real build): the sandboxed preload may only require
// 'electron' (a sandboxed preload cannot load anything else), the main bundle keeps native modules external,
// and the hardened webPreferences survive bundling.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
// @ts-expect-error -- plain JS build script without type declarations
import { buildElectron } from '../../scripts/build.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-bundle-'));
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

const requiresOf = (code: string) => [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!))].sort();

void it('builds a sandbox-safe preload and a main bundle with the hardened window', async () => {
  await (buildElectron as (o: { renderer: boolean; outDir: string }) => Promise<void>)({ renderer: false, outDir });
  const preload = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
  assert.deepEqual(requiresOf(preload), ['electron']);
  assert.match(preload, /exposeInMainWorld/);
  const main = fs.readFileSync(path.join(outDir, 'main/shell.cjs'), 'utf8');
  const external = requiresOf(main).filter((m) => !m.startsWith('node:'));
  assert.deepEqual(external.filter((m) => !['electron', 'better-sqlite3-multiple-ciphers', 'sharp', 'exceljs', 'chokidar', 'pdf-lib', 'ws', 'pg'].includes(m)), []);
  for (const pref of ['sandbox: true', 'contextIsolation: true', 'nodeIntegration: false', 'webSecurity: true', 'allowRunningInsecureContent: false', 'webviewTag: false']) {
    assert.ok(main.includes(pref), pref);
  }
  assert.match(main, /setWindowOpenHandler\(\(\) => \(\{ action: "deny" \}\)\)/);
  assert.match(main, /setPermissionRequestHandler/);
  // See [Note: no module paths from the environment in a release].
  assert.ok(!main.includes('SCANDESK_NATIVE_DIR'), 'the production bundle reads no module path from the environment');
  assert.doesNotMatch(main, /module\.paths\.unshift/);
});

void it('a dev build (npm start) keeps the native-module hook', async () => {
  const devOut = path.join(outDir, 'dev');
  await (buildElectron as (o: { renderer: boolean; outDir: string; dev: boolean }) => Promise<void>)({ renderer: false, outDir: devOut, dev: true });
  assert.match(fs.readFileSync(path.join(devOut, 'main/shell.cjs'), 'utf8'), /process\.env\.SCANDESK_NATIVE_DIR/);
});
