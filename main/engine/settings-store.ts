// Settings live in the `settings` table as JSON; defaults come from the shared schema.
// [Note: settings overrides are never persisted] Overrides (CLI flags such as --api-url, test options) sit beside
// the stored values: `get()` shows stored ⊕ overrides, `set()` merges the patch into the STORED values only and
// writes those. Building the row from `get()` wrote an override (a test's loopback apiUrl) into the database, where
// it outlived the run. A key the clerk sets explicitly stops being overridden for the rest of the run.
import { settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db/open.ts';
import { PRIVATE_FILE_MODE } from './private-fs.ts';

/** Settings of this installation, not of the data: kept in a 0600 file beside the database, never in it (a team's
 *  database is shared, while each clerk's name is their own). */
const LOCAL_KEYS = ['clerkName'] as const satisfies readonly (keyof Settings)[];

function readLocal(file: string | null): Partial<Settings> {
  if (!file || !fs.existsSync(file)) return {};
  try {
    const parsed = settingsSchema.pick({ clerkName: true }).partial().safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {}; // an unreadable file means the defaults; the next change rewrites it
  }
}

function writeLocal(file: string, local: Partial<Settings>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(local), { mode: PRIVATE_FILE_MODE });
}

function splitLocal(s: Settings): { shared: Partial<Settings>; local: Partial<Settings> } {
  const shared: Partial<Settings> = { ...s };
  const local: Partial<Settings> = {};
  for (const k of LOCAL_KEYS) {
    (local as Record<string, unknown>)[k] = s[k];
    delete shared[k];
  }
  return { shared, local };
}

export type SettingsStore = {
  get(): Settings;
  /** Merges: keys absent from `patch` (or undefined in it) keep their current value. */
  set(patch: SettingsPatch): Settings;
  getRaw<T>(key: string): T | undefined;
  setRaw(key: string, value: unknown): void;
  /** `origin`: 'here' = set through this store; 'elsewhere' = another instance on the shared database changed them
   *  (seen by reload()). */
  onChange(listener: (s: Settings, origin: 'here' | 'elsewhere') => void): () => void;
  /** Re-reads the stored settings after another connection committed; listeners hear of a real change only. */
  reload(): void;
};

/** Drops keys whose value is undefined, so spreading a patch never replaces a value with nothing. */
function definedOnly(patch: SettingsPatch): Partial<Settings> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<Settings>;
}

/** `localFile`: where this installation's own settings live (null: kept in memory only, for readers and tests). */
export function createSettingsStore(db: Db, initialOverrides: Partial<Settings> = {}, localFile: string | null = null): SettingsStore {
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putStmt = db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const listeners = new Set<(s: Settings, origin: 'here' | 'elsewhere') => void>();
  const overrides: Partial<Settings> = definedOnly(initialOverrides);
  const getRaw = <T>(key: string): T | undefined => {
    const row = getStmt.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  };
  const readStored = (): Settings => {
    const stored = settingsSchema.partial().safeParse(getRaw<unknown>('app') ?? {});
    return settingsSchema.parse({ ...(stored.success ? stored.data : {}), ...readLocal(localFile) });
  };
  let stored = readStored();
  let cache = settingsSchema.parse({ ...stored, ...overrides });
  return {
    get: () => cache,
    set(patch) {
      const changes = definedOnly(patch);
      stored = settingsSchema.parse({ ...stored, ...changes });
      const { shared, local } = splitLocal(stored);
      putStmt.run('app', JSON.stringify(shared));
      if (localFile) writeLocal(localFile, local);
      for (const k of Object.keys(changes) as (keyof Settings)[]) delete overrides[k];
      cache = settingsSchema.parse({ ...stored, ...overrides });
      for (const l of listeners) l(cache, 'here');
      return cache;
    },
    reload() {
      const next = readStored();
      if (JSON.stringify(next) === JSON.stringify(stored)) return;
      stored = next;
      cache = settingsSchema.parse({ ...stored, ...overrides });
      for (const l of listeners) l(cache, 'elsewhere');
    },
    getRaw,
    setRaw: (key, value) => void putStmt.run(key, JSON.stringify(value)),
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
