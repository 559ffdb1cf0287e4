// Beorg credentials. [Note: credentials never reach the renderer]
// The engine reads them through this interface only; no request returns them, no log line, DB row or
// export contains them. Implementations: env (CLI), memory (tests, demo), and the encrypted stores in
// main/engine/secret-file.ts (browser/CLI mode) and main/shell/secure-store.ts (Electron safeStorage).
import type { CredentialsStatus } from '../../shared/settings.ts';

export type Credentials = { token: string; machineUid: string; projectId: string };

export type SecretStore = {
  get(): Credentials | null;
  set(c: Credentials): void;
  clear(): void;
  status(): CredentialsStatus;
};

export function createMemorySecretStore(initial: Credentials | null = null, storage: CredentialsStatus['storage'] = 'none'): SecretStore {
  let creds = initial;
  return {
    get: () => creds,
    set: (c) => void (creds = c),
    clear: () => void (creds = null),
    status: () => ({ configured: creds !== null, machineUidHint: creds ? creds.machineUid.slice(-4) : null, storage: creds ? storage : 'none', warning: null }),
  };
}

/** CLI: BEORG_TOKEN, BEORG_MACHINE_UID, BEORG_PROJECT_ID (flags override). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv, flags: Partial<Credentials> = {}): Credentials | null {
  const token = flags.token ?? env.BEORG_TOKEN;
  const machineUid = flags.machineUid ?? env.BEORG_MACHINE_UID;
  const projectId = flags.projectId ?? env.BEORG_PROJECT_ID;
  return token && machineUid && projectId ? { token, machineUid, projectId } : null;
}
