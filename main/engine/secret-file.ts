// Credentials encrypted at rest for CLI and browser mode: AES-256-GCM in <dataDir>/credentials.enc (0600).
// See [Note: credentials never reach the renderer]. The cipher key comes from the KeyStore (Electron) or from the
// DB key (resolveDbKey: env or 0600 key file), domain-separated with HKDF so the two uses never share a key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { CredentialsStatus } from '../../shared/settings.ts';
import { migratePlainDatabase, resolveDbKey, writePrivate, type DbKeySource, type KeyStore } from './db/keys.ts';
import { dataPaths } from './paths.ts';
import type { Credentials, SecretStore } from './secrets.ts';

export type SecretCipher = { encrypt(plain: Buffer): Buffer; decrypt(sealed: Buffer): Buffer };

const MAGIC = Buffer.from('SDC1');

/** AES-256-GCM with a key derived from a 32-byte hex master key. Layout: MAGIC | iv(12) | tag(16) | ciphertext. */
export function createAesGcmCipher(masterKeyHex: string, purpose = 'scandesk-credentials-v1'): SecretCipher {
  const key = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(masterKeyHex, 'hex'), Buffer.alloc(0), purpose, 32));
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
    },
    decrypt(sealed) {
      if (sealed.length < 32 || !sealed.subarray(0, 4).equals(MAGIC)) throw new Error('credentials file: unknown format');
      const d = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(4, 16));
      d.setAuthTag(sealed.subarray(16, 32));
      return Buffer.concat([d.update(sealed.subarray(32)), d.final()]);
    },
  };
}

function isCredentials(v: unknown): v is Credentials {
  const o = v as Record<string, unknown> | null;
  return !!o && typeof o.token === 'string' && typeof o.machineUid === 'string' && typeof o.projectId === 'string';
}

export function createFileSecretStore(file: string, cipher: SecretCipher, storage: CredentialsStatus['storage'] = 'file-0600'): SecretStore {
  let creds: Credentials | null = null;
  let warning: string | null = null;
  if (fs.existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(cipher.decrypt(fs.readFileSync(file)).toString('utf8'));
      if (isCredentials(parsed)) creds = parsed;
    } catch {
      // Wrong key or tampered file: never fall back to anything plain; ask the clerk to re-enter.
      warning = 'Сохранённые учётные данные не удалось расшифровать — введите их заново';
    }
  }
  return {
    get: () => creds,
    set(c) {
      writePrivate(file, cipher.encrypt(Buffer.from(JSON.stringify({ token: c.token, machineUid: c.machineUid, projectId: c.projectId }))));
      creds = { ...c };
      warning = null;
    },
    clear() {
      fs.rmSync(file, { force: true });
      creds = null;
    },
    status: () => ({ configured: creds !== null, machineUidHint: creds ? creds.machineUid.slice(-4) : null, storage: creds ? storage : 'none', warning }),
  };
}

export type NodeSecurity = { dbKey: string; keySource: DbKeySource; secrets: SecretStore };

/**
 * One call for CLI and browser mode: resolve the DB key (env or 0600 key file), convert a plain DB left by an
 * older run into an encrypted one, and open the encrypted credentials file. Pass `keystore` in Electron.
 */
export function prepareSecurity(dataDir: string, opts: { keystore?: KeyStore; env?: NodeJS.ProcessEnv } = {}): NodeSecurity {
  const { key, source } = resolveDbKey(dataDir, opts);
  migratePlainDatabase(dataPaths(dataDir).db, key);
  const storage = source === 'os-keystore' ? 'os-keystore' : source === 'env' ? 'env' : 'file-0600';
  return { dbKey: key, keySource: source, secrets: createFileSecretStore(dataPaths(dataDir).credentials, createAesGcmCipher(key), storage) };
}
