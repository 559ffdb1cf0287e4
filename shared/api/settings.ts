// Contract: settings, credentials (write-only from the UI), app info, demo mode, privacy actions.
import { z } from 'zod';
import { req } from './define.ts';
import { id } from './queue.ts';
import { settingsPatchSchema, type CredentialsStatus, type Settings, type TeamServerStatus } from '../settings.ts';

export type AppInfo = {
  version: string;
  mode: 'electron' | 'web';
  firstRun: boolean;
  demo: boolean;
  /** Shown to the clerk ("Где хранятся данные"). */
  dataDir: string;
  exportDir: string;
  user: string;
  /** Where the DB encryption key lives ('none': a plain test database). */
  keyStorage: 'os-keystore' | 'env' | 'file-0600' | 'none';
  /** Set when the key could not be protected as intended (Electron without an OS keystore): shown in Settings. */
  keyWarning: { ru: string; en: string } | null;
};

export const settingsApi = {
  'settings:get': req<Settings>()(z.object({})),
  'settings:set': req<Settings>()(settingsPatchSchema),
  'settings:credentials-status': req<CredentialsStatus>()(z.object({})),
  /** See [Note: credentials never reach the renderer]: write-only: there is no request that reads them back. */
  'settings:set-credentials': req<CredentialsStatus>()(
    z.object({
      token: z.string().trim().min(8).max(256),
      machineUid: z.string().trim().min(8).max(256),
      projectId: z.string().trim().min(1).max(200),
    }),
  ),
  'settings:clear-credentials': req<CredentialsStatus>()(z.object({})),
  'settings:team-server-status': req<TeamServerStatus>()(z.object({})),
  /** Team mode: a PostgreSQL address, checked by connecting; kept sealed like the credentials, never read back. */
  'settings:set-team-server': req<TeamServerStatus>()(z.object({ url: z.string().trim().min(1).max(2000) })),
  'settings:clear-team-server': req<TeamServerStatus>()(z.object({})),
  'app:info': req<AppInfo>()(z.object({})),
  /** First run: watch `folder` (or a default one) and process the built-in sample scans with the simulator. */
  'app:start-demo': req<AppInfo>()(z.object({ count: z.number().int().min(1).max(200).default(12) })),
  'app:first-run-done': req<AppInfo>()(z.object({})),
  'privacy:delete-case': req<{ removedDocuments: number; removedFiles: number }>()(z.object({ caseId: id })),
  'privacy:purge-now': req<{ purgedDocuments: number }>()(z.object({})),
} as const;
