// [Note: DB encrypted at rest]
// The database holds passport data, so it is a SQLCipher file whenever it has a key (only tests run it plain).
// Where that key comes from:
// - Electron: a random 32-byte key, stored encrypted by the OS keystore (safeStorage) — the shell passes a KeyStore.
// - CLI/browser mode (plain Node has no OS keystore without native keytar): SCANDESK_DB_KEY, else a key file
//   <dataDir>/db.key with mode 0600. Trade-off: the key file protects against copying the DB alone (backups,
//   a stolen scandesk.db), NOT against someone who can read the user's whole data folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyKey } from './open.ts';
import { dataPaths } from '../paths.ts';

/** Wraps/unwraps small secrets with an OS keystore (Electron safeStorage). */
export type KeyStore = {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
};

export type DbKeySource = 'os-keystore' | 'env' | 'file-0600';
export type ResolvedDbKey = { key: string; source: DbKeySource };

/**
 * [Note: no silent plain-text keystore] Whether Electron's safeStorage really protects a secret. On Linux without a
 * keyring (no gnome-keyring / kwallet) it falls back to the 'basic_text' backend — a key hard-coded in Chromium, as
 * good as plain text — so that backend counts as unusable. The shell passes what safeStorage reports; the decision
 * lives here so it is testable without Electron.
 */
export function keystoreUsable(s: { encryptionAvailable: boolean; platform: NodeJS.Platform; backend: string | null }): boolean {
  if (!s.encryptionAvailable) return false;
  return !(s.platform === 'linux' && (s.backend === 'basic_text' || s.backend === 'unknown'));
}

export type KeyStorageWarning = { ru: string; en: string };

/**
 * What to tell the clerk about where the DB key lives. The desktop app is meant to keep it in the OS keystore; when
 * resolveDbKey had to fall back to the 0600 key file there, say so (Settings shows it) instead of staying silent.
 * CLI and browser mode use the key file by design (see the header of this file): no warning.
 */
export function keyStorageWarning(mode: 'electron' | 'web' | 'cli' | 'test', source: DbKeySource | null): KeyStorageWarning | null {
  if (mode !== 'electron' || source !== 'file-0600') return null;
  return {
    ru: 'Хранилище ключей ОС недоступно (на Linux не установлен gnome-keyring или kwallet): ключ шифрования базы хранится в файле db.key, ' +
      'доступном только вашей учётной записи. Тот, кто может прочитать всю папку данных ScanDesk, прочитает и базу. ' +
      'Установите gnome-keyring или kwallet и перезапустите ScanDesk — ключ будет перенесён в хранилище ОС.',
    en: 'The OS keystore is unavailable (no gnome-keyring or kwallet on Linux): the database key is kept in the file db.key, readable ' +
      'only by your user account. Anyone who can read the whole ScanDesk data folder can read the database. Install gnome-keyring ' +
      'or kwallet and restart ScanDesk to move the key into the OS keystore.',
  };
}

const HEX_KEY = /^[0-9a-f]{64}$/i;

export function generateKey(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** Key file written by the OS-keystore path: the key sealed by safeStorage. */
export function sealedKeyPath(dataDir: string): string {
  return path.join(dataDir, 'db.key.sealed');
}

export function resolveDbKey(dataDir: string, opts: { keystore?: KeyStore; env?: NodeJS.ProcessEnv } = {}): ResolvedDbKey {
  const env = opts.env ?? process.env;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // new data dirs are private to the user
  if (opts.keystore?.available()) {
    const sealed = sealedKeyPath(dataDir);
    if (fs.existsSync(sealed)) {
      const key = opts.keystore.decrypt(fs.readFileSync(sealed));
      if (!HEX_KEY.test(key)) throw new Error('Ключ базы в хранилище ОС повреждён');
      return { key, source: 'os-keystore' };
    }
    // Upgrade path: a CLI-created plain key file is sealed into the keystore and removed.
    const plainFile = dataPaths(dataDir).dbKey;
    const key = fs.existsSync(plainFile) ? readKeyFile(plainFile) : generateKey();
    writePrivate(sealed, opts.keystore.encrypt(key));
    if (fs.existsSync(plainFile)) fs.rmSync(plainFile);
    return { key, source: 'os-keystore' };
  }
  const fromEnv = env.SCANDESK_DB_KEY?.trim();
  if (fromEnv) {
    if (!HEX_KEY.test(fromEnv)) throw new Error('SCANDESK_DB_KEY должен быть 64 шестнадцатеричными символами (32 байта)');
    return { key: fromEnv.toLowerCase(), source: 'env' };
  }
  const file = dataPaths(dataDir).dbKey;
  if (fs.existsSync(file)) return { key: readKeyFile(file), source: 'file-0600' };
  const key = generateKey();
  writePrivate(file, key);
  return { key, source: 'file-0600' };
}

function readKeyFile(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (!HEX_KEY.test(key)) throw new Error(`Файл ключа базы повреждён: ${file}`);
  return key;
}

/** Create-exclusive with 0600 so the secret never exists with wider permissions, even briefly. */
export function writePrivate(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** True when the file is a plain (unencrypted) SQLite database: it starts with the SQLite magic header. */
export function isPlainDatabase(file: string): boolean {
  if (!fs.existsSync(file) || fs.statSync(file).size < 16) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    fs.readSync(fd, head, 0, 16, 0);
    return head.toString('latin1') === 'SQLite format 3\0';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Convert an existing plain database to an encrypted one in place, without data loss: rekey a copy (see below),
 * verify the row counts, then swap files (the plain original is removed only after the copy is verified).
 * Returns false when there was nothing to migrate.
 */
export function migratePlainDatabase(file: string, key: string): boolean {
  if (!isPlainDatabase(file)) return false;
  if (!HEX_KEY.test(key)) throw new Error('Database key must be 32 bytes of hex');
  const tmp = `${file}.encrypting`;
  fs.rmSync(tmp, { force: true });
  // SQLite3MultipleCiphers has no sqlcipher_export(); its `rekey` pragma encrypts a plain file in place, but
  // not in WAL mode. So: checkpoint, copy, switch the copy to rollback journal, rekey the copy, verify, swap.
  const plain = new Database(file);
  let counts: Record<string, number>;
  try {
    plain.pragma('wal_checkpoint(TRUNCATE)');
    counts = tableCounts(plain);
  } finally {
    plain.close();
  }
  try {
    fs.copyFileSync(file, tmp);
    const enc = new Database(tmp);
    try {
      enc.pragma('journal_mode = DELETE');
      enc.pragma(`cipher = 'sqlcipher'`);
      enc.pragma('legacy = 4');
      enc.pragma(`rekey = "x'${key}'"`);
    } finally {
      enc.close();
    }
    const check = new Database(tmp);
    try {
      applyKey(check, key);
      const after = tableCounts(check);
      for (const [t, n] of Object.entries(counts)) {
        if (after[t] !== n) throw new Error(`Перенос в зашифрованную базу не совпал по таблице ${t}: ${n} → ${after[t]}`);
      }
    } finally {
      check.close();
    }
    if (isPlainDatabase(tmp)) throw new Error('Шифрование базы не удалось: файл остался открытым текстом');
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  fs.renameSync(tmp, file);
  return true;
}

function tableCounts(db: Database.Database): Record<string, number> {
  const names = db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all();
  const out: Record<string, number> = {};
  for (const { name } of names) out[name] = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get()?.n ?? 0;
  return out;
}
