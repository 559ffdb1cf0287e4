// Build for Electron: bundle the main process and the preload with esbuild (CommonJS, Electron loads them
// directly), then the renderer with Vite. Node-side code elsewhere runs from TypeScript via tsx, unbundled.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Native or optional modules stay in node_modules (asarUnpack in electron-builder.yml).
const external = ['electron', 'better-sqlite3-multiple-ciphers', 'sharp', '@img/*', 'chokidar', 'fsevents', 'exceljs', 'pdf-lib', 'ws', 'bufferutil', 'utf-8-validate', 'pg', 'pg-native'];

// [Note: no module paths from the environment in a release] A release bundle resolves modules from its own asar
// only: a hook reading module paths from an environment variable would let anything that can set the user's
// environment load its code ahead of node_modules, around the NODE_OPTIONS fuse. Only dev builds (`npm start`,
// `node scripts/build.js --dev`) get the SCANDESK_NATIVE_DIR hook below.
const DEV_NATIVE_DIR_HOOK = 'if (process.env.SCANDESK_NATIVE_DIR) module.paths.unshift(process.env.SCANDESK_NATIVE_DIR);';

export async function buildElectron({ renderer = true, outDir = 'dist', dev = false } = {}) {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
  await build({
    ...common,
    entryPoints: ['main/shell/main.ts'],
    outfile: `${outDir}/main/shell.cjs`,
    external,
    // ESM sources use import.meta.url; in the CJS bundle it is the bundle's own file URL.
    // Dev only — SCANDESK_NATIVE_DIR (set by scripts/start.js): native modules rebuilt for Electron's ABI are looked
    // up there first, so node_modules keeps the plain-Node build that `npm test` needs.
    banner: {
      js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" + (dev ? `\n${DEV_NATIVE_DIR_HOOK}` : ''),
    },
    define: { 'import.meta.url': '__importMetaUrl' },
  });
  // The engine host's worker thread (main/engine/host/client.ts starts it from next to the main bundle).
  await build({
    ...common,
    entryPoints: ['main/engine/host/worker.ts'],
    outfile: `${outDir}/main/host-worker.cjs`,
    external,
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" + (dev ? `\n${DEV_NATIVE_DIR_HOOK}` : '') },
    define: { 'import.meta.url': '__importMetaUrl' },
  });
  // The thread that owns a PostgreSQL connection in team mode (main/engine/db/pg/sync-connection.ts starts it from
  // next to the bundle that uses it).
  await build({
    ...common,
    entryPoints: ['main/engine/db/pg/worker.ts'],
    outfile: `${outDir}/main/pg-worker.cjs`,
    external,
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  });
  // The sandboxed preload may only require('electron'): everything else is bundled in.
  await build({ ...common, entryPoints: ['main/preload.ts'], outfile: `${outDir}/preload.cjs`, external: ['electron'] });
  if (renderer) {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildElectron({ renderer: !process.argv.includes('--no-renderer'), dev: process.argv.includes('--dev') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
