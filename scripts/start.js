// `npm start`: build, then launch Electron. Where the Electron binary is missing (installs with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, like CI and this dev box) say how to get it and open browser mode instead.
//
// Native modules: better-sqlite3-multiple-ciphers in node_modules is built for plain Node's ABI (npm test,
// CLI, browser mode). Electron needs its own ABI, so we rebuild a COPY under .electron-native/ with
// @electron/rebuild and point the bundle at it (SCANDESK_NATIVE_DIR, see scripts/build.js) — node_modules stays as is.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const NATIVE = ['better-sqlite3-multiple-ciphers'];

function electronBinary() {
  try {
    const p = require('electron'); // the binary's path, or throws when it was never downloaded
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function run(cmd, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

async function prepareNativeCopy(electronVersion) {
  const dir = path.join(root, '.electron-native');
  const stamp = path.join(dir, `electron-${electronVersion}.ok`);
  if (fs.existsSync(stamp)) return path.join(dir, 'node_modules');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const name of NATIVE) fs.cpSync(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name), { recursive: true, dereference: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scandesk-electron-native', private: true, dependencies: {} }));
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: dir, electronVersion, onlyModules: NATIVE, force: true });
  fs.writeFileSync(stamp, '');
  return path.join(dir, 'node_modules');
}

const binary = electronBinary();
if (!binary) {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  console.warn(
    [
      '',
      'Electron не установлен (ELECTRON_SKIP_BINARY_DOWNLOAD) — открываю ScanDesk в браузере.',
      'Electron binary is missing — opening ScanDesk in the browser instead.',
      `Чтобы установить Electron / to install it (needs internet): node node_modules/electron/install.js`,
      `  or: npx electron@${version} --version`,
      '',
    ].join('\n'),
  );
  process.exitCode = await run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
  // Same as `scandesk web`, called directly so it does not depend on the CLI's argument parsing.
  const web = `import { runWebCli } from ${JSON.stringify(path.join(root, 'main/web/server.ts'))}; process.exitCode = await runWebCli(process.argv.slice(1));`;
  if (process.exitCode === 0) process.exitCode = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', web, '--', ...process.argv.slice(2)]);
} else {
  await buildElectron({ dev: true });
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  let nativeDir;
  try {
    nativeDir = await prepareNativeCopy(version);
  } catch (err) {
    console.error(`Не удалось пересобрать better-sqlite3 под Electron ${version} (нужен компилятор и интернет для заголовков): ${err}`);
    process.exit(1);
  }
  process.exitCode = await run(binary, [root, ...process.argv.slice(2)], { ...process.env, SCANDESK_NATIVE_DIR: nativeDir });
}
