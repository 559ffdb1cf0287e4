// `scandesk demo`: which folder it may process, and its private data folder. [Note: the data folder is private]
// - The database (encrypted, key in a 0600 file beside it), the log and the prepared uploads live in a private 0700
//   temp folder — never a plain database in $TMPDIR or next to the samples.
// - `--folder DIR` is processed only when it holds nothing but samples demo generated there itself (listed in its
//   manifest): pointed at a real scanner folder, demo would otherwise send real passports to the simulator and keep
//   their data in a throw-away place.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEMO_MANIFEST = '.scandesk-demo.json';

/** A private (0700) folder for one demo run: mkdtemp creates it with that mode. */
export function createDemoRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-demo-'));
}

function readManifest(folder: string): Set<string> {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(folder, DEMO_MANIFEST), 'utf8')) as { files?: unknown };
    return new Set(Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The first entry (relative path) of `folder` that demo did not generate, or null when it is empty or all its own. */
export function foreignDemoEntry(folder: string): string | null {
  if (!fs.existsSync(folder)) return null;
  const own = readManifest(folder);
  const walk = (dir: string): string | null => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(folder, abs).split(path.sep).join('/');
      if (rel === DEMO_MANIFEST) continue;
      if (entry.isDirectory()) {
        const found = walk(abs);
        if (found) return found;
      } else if (!entry.isFile() || !own.has(rel)) return rel; // symlinks, FIFOs and unknown files alike
    }
    return null;
  };
  return walk(folder);
}

/** Remember the generated samples (with any from an earlier run) so the next `demo --folder` accepts them. */
export function recordDemoSamples(folder: string, files: { path: string }[]): void {
  const own = readManifest(folder);
  for (const f of files) own.add(path.relative(folder, f.path).split(path.sep).join('/'));
  fs.writeFileSync(path.join(folder, DEMO_MANIFEST), JSON.stringify({ files: [...own].sort() }, null, 1), { mode: 0o600 });
}
