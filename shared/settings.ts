// Settings a clerk can change (UI "Настройки", CLI flags). Credentials are NOT here, see below.
//
// [Note: credentials never reach the renderer]
// The Beorg token, machine uid and project id are written once (settings:set-credentials) and then live only in
// the engine's secret store: the OS keystore in Electron, an encrypted 0600 file in the CLI and browser mode. No
// request reads them back; the renderer only learns whether they are set (CredentialsStatus).
import { z } from 'zod';
import { DOC_TYPES } from './types.ts';
import { DEFAULT_SETTINGS as DEFAULTS } from './settings-defaults.ts';

export const folderOptionsSchema = z.object({
  /** Settle window: size AND mtime must be unchanged this long before a file counts as written. */
  settleMs: z.number().int().min(200).max(600_000).default(2000),
  /** Poll the folder instead of OS events (network shares). 'auto' = poll for UNC/SMB/NFS paths. */
  polling: z.enum(['auto', 'on', 'off']).default('auto'),
  /** Full rescan period that catches anything an event missed. */
  rescanMinutes: z.number().min(0.05).max(1440).default(5),
  recursive: z.boolean().default(true),
  duplicatePolicy: z.enum(['skip', 'warn', 'allow']).default('skip'),
  originals: z.enum(['keep', 'move']).default('keep'),
  /** After the last change in a case folder, wait this long before submitting the case. */
  caseWindowMs: z.number().int().min(0).max(600_000).default(3000),
});
export type FolderOptions = z.infer<typeof folderOptionsSchema>;

export const folderSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  defaultType: z.enum(DOC_TYPES),
  options: folderOptionsSchema,
  enabled: z.boolean(),
});
export type Folder = z.infer<typeof folderSchema>;

/** POSIX `/…`, Windows `C:\\…` or a UNC share `\\\\host\\…` (shared code, so no node:path). */
function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export const settingsSchema = z.object({
  language: z.enum(['ru', 'en']).default(DEFAULTS.language),
  apiUrl: z.string().url().default(DEFAULTS.apiUrl),
  projectId: z.string().max(200).default(DEFAULTS.projectId),
  demoMode: z.boolean().default(DEFAULTS.demoMode),
  concurrency: z.number().int().min(1).max(64).default(DEFAULTS.concurrency),
  /** Shared request budget for uploads AND polls. */
  rps: z.number().min(0.1).max(100).default(DEFAULTS.rps),
  burst: z.number().int().min(1).max(100).default(DEFAULTS.burst),
  /** Polls: a timed-out poll is simply repeated (re-polling is free). */
  requestTimeoutMs: z.number().int().min(1000).max(600_000).default(DEFAULTS.requestTimeoutMs),
  /** add_document: a timeout here leaves the case 'uncertain' (maybe billed), so it is longer than server stalls. */
  uploadTimeoutMs: z.number().int().min(1000).max(900_000).default(DEFAULTS.uploadTimeoutMs),
  maxAttempts: z.number().int().min(1).max(50).default(DEFAULTS.maxAttempts),
  pollFirstDelayMs: z.number().int().min(100).max(120_000).default(DEFAULTS.pollFirstDelayMs),
  pollMaxIntervalMs: z.number().int().min(500).max(600_000).default(DEFAULTS.pollMaxIntervalMs),
  pollDeadlineMs: z.number().int().min(5_000).max(86_400_000).default(DEFAULTS.pollDeadlineMs),
  dailyCap: z.number().int().min(0).max(1_000_000).default(DEFAULTS.dailyCap), // 0 = no cap
  pricePerDocumentRub: z.number().min(0).max(10_000).default(DEFAULTS.pricePerDocumentRub),
  // Pre-flight
  minShortSidePx: z.number().int().min(0).max(10_000).default(DEFAULTS.minShortSidePx),
  maxUploadBytes: z.number().int().min(10_000).max(200_000_000).default(DEFAULTS.maxUploadBytes),
  recompressMaxSidePx: z.number().int().min(500).max(20_000).default(DEFAULTS.recompressMaxSidePx),
  recompressMaxBytes: z.number().int().min(50_000).max(200_000_000).default(DEFAULTS.recompressMaxBytes),
  // Review
  confidenceThreshold: z.number().min(0).max(1).default(DEFAULTS.confidenceThreshold),
  matchThreshold: z.number().min(0).max(1).default(DEFAULTS.matchThreshold),
  livenessThreshold: z.number().min(0).max(1).default(DEFAULTS.livenessThreshold),
  onlyAttention: z.boolean().default(DEFAULTS.onlyAttention),
  maskPassportNumbers: z.boolean().default(DEFAULTS.maskPassportNumbers),
  // Retention: purge images/raw results N days after export (0 = never)
  retentionDays: z.number().int().min(0).max(3650).default(DEFAULTS.retentionDays),
  /** Where exports are written (the CLI's --out stays per run). '' = the default folder; otherwise an absolute path. */
  exportDir: z
    .string()
    .trim()
    .max(4096)
    .refine((v) => v === '' || isAbsolutePath(v), { message: 'absolute path expected' })
    .default(DEFAULTS.exportDir),
  /** The clerk this installation records in the audit trail and shows on claims; '' = the OS user. Kept per
   *  installation, not in the database (several clerks share one in team mode). */
  clerkName: z.string().trim().max(64).default(DEFAULTS.clerkName),
});
export type Settings = z.infer<typeof settingsSchema>;

type PatchShape<S> = { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? z.ZodOptional<T> : never };
function withoutDefaults<S extends Record<string, z.ZodDefault<z.ZodType>>>(shape: S): z.ZodObject<PatchShape<S>> {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) out[key] = field.unwrap().optional();
  return z.object(out) as unknown as z.ZodObject<PatchShape<S>>;
}
/**
 * A settings update: only the keys it names. `settingsSchema.partial()` is not this — zod fills every absent key
 * with its default, so `{ matchThreshold: 0.94 }` parsed that way would reset the API address, demo mode and the rest.
 */
export const settingsPatchSchema = withoutDefaults(settingsSchema.shape);
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
export const DEFAULT_SETTINGS: Settings = DEFAULTS;

/** What the renderer may know about credentials: whether they are set, never their values. */
export type CredentialsStatus = {
  configured: boolean;
  machineUidHint: string | null; // last 4 chars, for "which account is this"
  storage: 'os-keystore' | 'file-0600' | 'env' | 'none';
  warning: string | null;
};

/**
 * Team mode as the renderer may know it: which server (its address without the password), never the password.
 * `active`: this session runs on it; a saved or cleared address applies from the next start.
 */
export type TeamServerStatus = {
  configured: boolean;
  address: string | null;
  active: string | null;
};
