#!/usr/bin/env node
// `npm run demo`: the one command a newcomer types. Installs the dependencies when any is missing (without Electron's
// binary download: the demo runs in the browser), builds the UI, and opens ScanDesk in
// browser mode in demo mode — sample scans and the built-in Beorg simulator, no account. Its data lives in
// .scandesk-dev/demo, apart from the real app's. Extra arguments go to `scandesk web` (e.g. --no-open, --port 8080).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

/** Names of package.json dependencies not present in node_modules. */
function missingPackages() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n !== 'electron');
  return names.filter((n) => !fs.existsSync(path.join(root, 'node_modules', n, 'package.json')));
}

async function main() {
  if (missingPackages().length > 0) {
    process.stderr.write('Устанавливаю зависимости (npm ci) / installing dependencies…\n');
    const code = await run(npm, ['ci', '--no-audit', '--no-fund'], { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    if (code !== 0) return code;
  }
  process.stderr.write('Собираю интерфейс / building the UI…\n');
  const built = await run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  if (built !== 0) return built;
  const dataDir = path.join(root, '.scandesk-dev', 'demo');
  process.stderr.write(`Демо-режим, данные в ${dataDir} / demo mode, data in ${dataDir}\n`);
  return run(process.execPath, [path.join(root, 'bin', 'scandesk.js'), 'web', '--demo', '--data-dir', dataDir, ...process.argv.slice(2)]);
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
