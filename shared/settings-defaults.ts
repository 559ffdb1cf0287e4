// Default settings as a plain object: settings.ts builds its zod schema's defaults from it, and the renderer imports
// it from here so the zod library stays out of the UI bundle (zod was a third of the script parsed before the first
// row). The renderer never validates settings itself: the engine does.
// No type annotation here: it would be circular (settings.ts derives Settings from the schema built on these);
// settings.ts checks the object against Settings.
export const DEFAULT_SETTINGS = Object.freeze({
  language: 'ru' as 'ru' | 'en',
  apiUrl: 'https://api.beorg.ru',
  projectId: '',
  demoMode: false,
  concurrency: 4,
  rps: 5,
  burst: 5,
  requestTimeoutMs: 60_000,
  uploadTimeoutMs: 120_000,
  maxAttempts: 6,
  pollFirstDelayMs: 4000,
  pollMaxIntervalMs: 15_000,
  pollDeadlineMs: 180_000,
  dailyCap: 0,
  pricePerDocumentRub: 4,
  minShortSidePx: 600,
  maxUploadBytes: 10_000_000,
  recompressMaxSidePx: 4000,
  recompressMaxBytes: 5_000_000,
  confidenceThreshold: 0.9,
  matchThreshold: 0.95,
  livenessThreshold: 0.9,
  onlyAttention: true,
  maskPassportNumbers: false,
  retentionDays: 0,
  /** '' = the default export folder under the data folder. */
  exportDir: '',
  /** '' = the OS user name. */
  clerkName: '',
});
