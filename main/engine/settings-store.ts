// Settings live in the `settings` table as JSON; defaults come from the shared schema.
import { settingsSchema, type Settings } from '../../shared/settings.ts';
import type { Db } from './db/open.ts';

export type SettingsStore = {
  get(): Settings;
  set(patch: Partial<Settings>): Settings;
  getRaw<T>(key: string): T | undefined;
  setRaw(key: string, value: unknown): void;
  onChange(listener: (s: Settings) => void): () => void;
};

export function createSettingsStore(db: Db, overrides: Partial<Settings> = {}): SettingsStore {
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putStmt = db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const listeners = new Set<(s: Settings) => void>();
  const getRaw = <T>(key: string): T | undefined => {
    const row = getStmt.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  };
  // Overrides (CLI flags) apply to this run only and are not persisted.
  const read = (): Settings => {
    const stored = settingsSchema.partial().safeParse(getRaw<unknown>('app') ?? {});
    return settingsSchema.parse({ ...(stored.success ? stored.data : {}), ...overrides });
  };
  let cache = read();
  return {
    get: () => cache,
    set(patch) {
      const next = settingsSchema.parse({ ...cache, ...patch });
      const persisted = { ...next };
      putStmt.run('app', JSON.stringify(persisted));
      for (const k of Object.keys(patch) as (keyof Settings)[]) delete overrides[k];
      cache = read();
      for (const l of listeners) l(cache);
      return cache;
    },
    getRaw,
    setRaw: (key, value) => void putStmt.run(key, JSON.stringify(value)),
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
