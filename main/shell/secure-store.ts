// Electron credential and key storage on top of safeStorage (DPAPI / Keychain / libsecret|kwallet).
// See [Note: credentials never reach the renderer]. On Linux without a keyring safeStorage falls back to the
// 'basic_text' backend (a hard-coded key): we refuse it — credentials stay in memory for this session only
// and the status carries a Russian warning, instead of silently storing them as good as plain text.
import { safeStorage } from 'electron';
import { keystoreUsable, type KeyStore } from '../engine/db/keys.ts';
import { createFileSecretStore } from '../engine/secret-file.ts';
import { createMemorySecretStore, type SecretStore } from '../engine/secrets.ts';

export const BASIC_TEXT_WARNING =
  'Хранилище паролей ОС недоступно (нет связки ключей): учётные данные хранятся только в памяти до закрытия программы. ' +
  'Установите gnome-keyring или kwallet, чтобы они сохранялись зашифрованными.';

/** See [Note: no silent plain-text keystore]: the decision is keystoreUsable (engine, unit-tested). */
export function osKeystoreUsable(): boolean {
  return keystoreUsable({
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    platform: process.platform,
    // getSelectedStorageBackend exists on Linux only.
    backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
  });
}

export function createSafeStorageKeyStore(): KeyStore {
  return {
    available: osKeystoreUsable,
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}

/** Where createSafeSecretStore seals credentials, and the clerk's warning when it cannot. */
export function safeSecretStorage(): { storage: 'os-keystore' | 'none'; warning: string | null } {
  return osKeystoreUsable() ? { storage: 'os-keystore', warning: null } : { storage: 'none', warning: BASIC_TEXT_WARNING };
}

export function createSafeSecretStore(file: string): SecretStore {
  if (osKeystoreUsable()) {
    const cipher = {
      encrypt: (plain: Buffer) => safeStorage.encryptString(plain.toString('utf8')),
      decrypt: (sealed: Buffer) => Buffer.from(safeStorage.decryptString(sealed), 'utf8'),
    };
    return createFileSecretStore(file, cipher, 'os-keystore');
  }
  const memory = createMemorySecretStore(null, 'none');
  return { ...memory, status: () => ({ ...memory.status(), warning: BASIC_TEXT_WARNING }) };
}
