// Packaging: electron-builder.yml, read with the YAML parser electron-builder itself uses (js-yaml), keeps
// every Electron fuse of the checklist, validates against electron-builder's own schema, unpacks every native module
// of the production dependency tree from the asar, and builds the installers we ship.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { it } from 'node:test';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
type Target = string | { target: string };
type Config = {
  asar?: boolean;
  asarUnpack?: string[];
  electronFuses?: Record<string, boolean>;
  win?: { target?: Target[] };
  linux?: { target?: Target[] };
  mac?: { target?: Target[] };
};
const config = yaml.load(fs.readFileSync('electron-builder.yml', 'utf8')) as Config;

void it('sets every Electron fuse of the security checklist, each one known to electron-builder', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  });
  const scheme = JSON.parse(fs.readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8')) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
  const known = Object.keys(scheme.definitions.FuseOptionsV1?.properties ?? {});
  for (const fuse of Object.keys(config.electronFuses ?? {})) assert.ok(known.includes(fuse), `${fuse} is not an electron-builder fuse option (typo?)`);
});

/** Packages of the production dependency tree (dependencies + optionalDependencies, installed ones). */
function productionPackages(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const manifest = path.join('node_modules', name, 'package.json');
    if (!fs.existsSync(manifest)) return; // an optional dependency for another platform
    seen.add(name);
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  const root = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(root.dependencies)) visit(dep);
  return [...seen];
}
function hasNativeBinary(dir: string, depth = 0): boolean {
  if (depth > 6) return false;
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? e.name !== 'node_modules' && hasNativeBinary(path.join(dir, e.name), depth + 1) : e.name.endsWith('.node'),
  );
}
const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`);

void it('keeps the app in an asar and unpacks every native module (a .node file cannot load from inside the asar)', () => {
  assert.equal(config.asar, true);
  const unpack = (config.asarUnpack ?? []).map(globToRegExp);
  const native = productionPackages().filter((p) => hasNativeBinary(path.join('node_modules', p)));
  assert.ok(native.includes('better-sqlite3-multiple-ciphers'), 'control: the SQLCipher binding is found as native');
  for (const p of native) assert.ok(unpack.some((re) => re.test(`node_modules/${p}/index.node`)), `${p} has a native binary but is not in asarUnpack`);
  for (const p of ['better-sqlite3-multiple-ciphers', 'sharp']) assert.ok(unpack.some((re) => re.test(`node_modules/${p}/lib/x.js`)), p);
});

void it('builds NSIS (Windows), AppImage and deb (Linux), dmg (macOS)', () => {
  const names = (t: Target[] | undefined) => (t ?? []).map((x) => (typeof x === 'string' ? x : x.target));
  assert.ok(names(config.win?.target).includes('nsis'));
  assert.deepEqual(names(config.linux?.target).sort(), ['AppImage', 'deb']);
  assert.deepEqual(names(config.mac?.target), ['dmg']);
});
