// The database and the Beorg credentials are encrypted at rest (real SQLCipher file, real files in a temp dir).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../main/engine/db/open.ts';
import { isPlainDatabase, keyStorageWarning, keystoreUsable, migratePlainDatabase, resolveDbKey, type KeyStore } from '../../main/engine/db/keys.ts';
import { createEngine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { createAesGcmCipher, createFileSecretStore, prepareSecurity } from '../../main/engine/secret-file.ts';
import { dataPaths } from '../../main/engine/paths.ts';

const SURNAME = 'Ковальчукова';
const TOKEN = '0123456789abcdef0123456789abcdef';
const UID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789WXYZ';
const tmpDirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-sec-'));
  tmpDirs.push(d);
  return d;
};
after(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Every byte ScanDesk wrote for this database (main file + WAL), as latin1 and utf8 for substring search. */
function dbBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

function seed(file: string, key: string | null): void {
  const db = openDatabase(file, { key });
  db.prepare(`INSERT INTO cases(case_key, label, state, created_at, updated_at) VALUES (?, ?, 'done', 0, 0)`).run(SURNAME, SURNAME);
  db.close();
}

void describe('encrypted database', () => {
  void it('is unreadable without the key or with a wrong key, and holds no plaintext', () => {
    const dir = tmp();
    const { key, source } = resolveDbKey(dir, { env: {} });
    assert.equal(source, 'file-0600');
    assert.equal(fs.statSync(dataPaths(dir).dbKey).mode & 0o777, 0o600);
    const file = path.join(dir, 'scandesk.db');
    seed(file, key);
    assert.equal(isPlainDatabase(file), false);
    assert.equal(dbBytes(file).includes(Buffer.from(SURNAME)), false, 'surname must not appear in the file bytes');
    assert.throws(() => openDatabase(file, { key: null }), /не читается/);
    assert.throws(() => openDatabase(file, { key: 'ab'.repeat(32) }), /не читается/);
    const db = openDatabase(file, { key });
    assert.equal((db.prepare('SELECT label FROM cases').get() as { label: string }).label, SURNAME);
    db.close();
  });

  void it('plain control: the same seed without a key does leak the surname (the check above can fail)', () => {
    const file = path.join(tmp(), 'plain.db');
    seed(file, null);
    assert.equal(isPlainDatabase(file), true);
    assert.equal(dbBytes(file).includes(Buffer.from(SURNAME)), true);
  });

  void it('resolves the same key again, honours SCANDESK_DB_KEY, and rejects a malformed one', () => {
    const dir = tmp();
    const a = resolveDbKey(dir, { env: {} });
    assert.equal(resolveDbKey(dir, { env: {} }).key, a.key);
    const envKey = 'cd'.repeat(32);
    assert.deepEqual(resolveDbKey(dir, { env: { SCANDESK_DB_KEY: envKey } }), { key: envKey, source: 'env' });
    assert.throws(() => resolveDbKey(dir, { env: { SCANDESK_DB_KEY: 'short' } }), /64/);
  });

  void it('with an OS keystore the key is stored sealed, and a CLI key file is moved into it', () => {
    const dir = tmp();
    const cli = resolveDbKey(dir, { env: {} });
    // A reversible stand-in for safeStorage (the real one needs Electron): XOR, so the sealed file differs from the key.
    const keystore: KeyStore = {
      available: () => true,
      encrypt: (s) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a)),
      decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
    };
    const sealed = resolveDbKey(dir, { keystore, env: {} });
    assert.deepEqual(sealed, { key: cli.key, source: 'os-keystore' });
    assert.equal(fs.existsSync(dataPaths(dir).dbKey), false, 'plain key file removed once sealed');
    assert.equal(fs.readFileSync(path.join(dir, 'db.key.sealed')).includes(Buffer.from(cli.key)), false);
    assert.equal(resolveDbKey(dir, { keystore, env: {} }).key, cli.key);
  });

  void it('migrates an existing plain database to encrypted without losing rows', () => {
    const dir = tmp();
    const file = path.join(dir, 'scandesk.db');
    seed(file, null);
    seed(file, null);
    const { key } = resolveDbKey(dir, { env: {} });
    assert.equal(migratePlainDatabase(file, key), true);
    assert.equal(isPlainDatabase(file), false);
    assert.equal(dbBytes(file).includes(Buffer.from(SURNAME)), false);
    const db = openDatabase(file, { key });
    assert.equal((db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n, 2);
    db.close();
    assert.equal(migratePlainDatabase(file, key), false, 'already encrypted: nothing to do');
  });
});

void describe('credentials file', () => {
  void it('never holds the token or machine uid in plain text, and reads back with the key', () => {
    const dir = tmp();
    const file = path.join(dir, 'credentials.enc');
    const key = 'ef'.repeat(32);
    const store = createFileSecretStore(file, createAesGcmCipher(key));
    store.set({ token: TOKEN, machineUid: UID, projectId: 'P1' });
    const bytes = fs.readFileSync(file);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    for (const secret of [TOKEN, UID]) {
      assert.equal(bytes.includes(Buffer.from(secret)), false);
      assert.equal(bytes.toString('base64').includes(Buffer.from(secret).toString('base64')), false);
    }
    assert.deepEqual(createFileSecretStore(file, createAesGcmCipher(key)).get(), { token: TOKEN, machineUid: UID, projectId: 'P1' });
    const status = store.status();
    assert.deepEqual(status, { configured: true, machineUidHint: 'WXYZ', storage: 'file-0600', warning: null });
    assert.equal(JSON.stringify(status).includes(TOKEN), false);
  });

  void it('a wrong key or a tampered file gives a Russian warning, never a plain fallback', () => {
    const dir = tmp();
    const file = path.join(dir, 'credentials.enc');
    createFileSecretStore(file, createAesGcmCipher('01'.repeat(32))).set({ token: TOKEN, machineUid: UID, projectId: 'P1' });
    const wrong = createFileSecretStore(file, createAesGcmCipher('02'.repeat(32)));
    assert.equal(wrong.get(), null);
    assert.match(wrong.status().warning ?? '', /введите их заново/);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    fs.writeFileSync(file, bytes);
    assert.equal(createFileSecretStore(file, createAesGcmCipher('01'.repeat(32))).get(), null);
  });

  void it('prepareSecurity: encrypts an old plain DB and opens encrypted credentials (CLI/browser mode)', () => {
    const dir = tmp();
    seed(dataPaths(dir).db, null);
    const sec = prepareSecurity(dir, { env: {} });
    assert.equal(sec.keySource, 'file-0600');
    assert.equal(isPlainDatabase(dataPaths(dir).db), false);
    sec.secrets.set({ token: TOKEN, machineUid: UID, projectId: 'P' });
    assert.equal(fs.readFileSync(dataPaths(dir).credentials).includes(Buffer.from(TOKEN)), false);
    assert.equal(prepareSecurity(dir, { env: {} }).secrets.get()?.token, TOKEN);
    sec.secrets.clear();
    assert.equal(fs.existsSync(dataPaths(dir).credentials), false);
  });
});

void describe('OS keystore decision (Electron safeStorage, decided in the engine)', () => {
  void it('refuses the Linux basic_text backend and an unavailable keystore, accepts real ones', () => {
    const linux = (backend: string) => keystoreUsable({ encryptionAvailable: true, platform: 'linux', backend });
    assert.equal(linux('basic_text'), false, 'basic_text = a hard-coded key');
    assert.equal(linux('unknown'), false);
    for (const b of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) assert.equal(linux(b), true, b);
    assert.equal(keystoreUsable({ encryptionAvailable: true, platform: 'win32', backend: null }), true);
    assert.equal(keystoreUsable({ encryptionAvailable: true, platform: 'darwin', backend: null }), true);
    assert.equal(keystoreUsable({ encryptionAvailable: false, platform: 'win32', backend: null }), false);
  });

  void it('basic_text → the DB key falls back to the 0600 file, and the desktop app says so in app:info (Russian)', async () => {
    const dir = tmp();
    const usable = keystoreUsable({ encryptionAvailable: true, platform: 'linux', backend: 'basic_text' });
    const keystore: KeyStore = { available: () => usable, encrypt: () => assert.fail('must not seal with basic_text'), decrypt: () => assert.fail('must not unseal') };
    const { key, source } = resolveDbKey(dir, { keystore, env: {} });
    assert.equal(source, 'file-0600');
    assert.equal(fs.existsSync(path.join(dir, 'db.key.sealed')), false);
    const engine = await createEngine({ dataDir: dir, mode: 'electron', dbKey: key, dbKeySource: source, autoStart: false, log: silentLogger });
    try {
      const info = (await engine.request('app:info')) as { keyStorage: string; keyWarning: { ru: string; en: string } | null };
      assert.equal(info.keyStorage, 'file-0600');
      assert.match(info.keyWarning?.ru ?? '', /Хранилище ключей ОС недоступно.*gnome-keyring или kwallet/);
      assert.match(info.keyWarning?.en ?? '', /OS keystore is unavailable/);
    } finally {
      await engine.stop();
    }
  });

  void it('no warning with the OS keystore, nor in CLI / browser mode where the key file is the design', () => {
    assert.equal(keyStorageWarning('electron', 'os-keystore'), null);
    assert.equal(keyStorageWarning('electron', 'env'), null, 'an explicit SCANDESK_DB_KEY is the admin’s choice');
    assert.equal(keyStorageWarning('web', 'file-0600'), null);
    assert.equal(keyStorageWarning('cli', 'file-0600'), null);
    assert.notEqual(keyStorageWarning('electron', 'file-0600'), null);
  });
});
