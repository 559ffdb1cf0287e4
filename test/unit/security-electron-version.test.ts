// Electron gets security fixes for the latest three majors only: the lock file pins a supported major (45 at the time
// of writing, 38 was out of support), the installed package and its typings (which the shell typechecks against in
// `npm run check`) are that same version, and the build targets a Node the bundled runtime has.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';

const MIN_SUPPORTED_MAJOR = 45;

void it('pins a supported Electron major, installed and typed as locked', () => {
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string }> };
  const locked = lock.packages['node_modules/electron']?.version ?? '';
  assert.ok(Number(locked.split('.')[0]) >= MIN_SUPPORTED_MAJOR, `package-lock.json pins Electron ${locked}`);
  const installed = (JSON.parse(fs.readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }).version;
  assert.equal(installed, locked, 'node_modules matches the lock file (run npm ci)');
  assert.match(fs.readFileSync('node_modules/electron/electron.d.ts', 'utf8').slice(0, 200), new RegExp(`Electron ${locked.replace(/\./g, '\\.')}\\b`));
  assert.match(fs.readFileSync('scripts/build.js', 'utf8'), /target: 'node2[2-9]'/);
});
