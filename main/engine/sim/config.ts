// Every behaviour of the simulated Beorg API that beorg-api.md marks as unknown or guessed is a knob here
// (§8, §9). Defaults are the most likely real behaviour; tests and the benchmark turn the rest on.

export type SimAccount = { token: string; machineUid: string; projects: string[] };

export type ProcessInfoItem = { key?: string; type: string; options?: { stages?: string[]; relation?: Record<string, string> } };

export type SimProject = {
  /** Used when a request omits `process_info` (RuSwift does). Repeated/truncated to the number of images. */
  defaultProcessInfo: ProcessInfoItem[];
  /** Types this project may process; anything else → 400. */
  types: string[];
};

export type DelayConfig =
  | { kind: 'fixed'; ms: number }
  | { kind: 'lognormal'; medianMs: number; p95Ms: number; maxMs: number };

/** Probabilities (0..1) per request of one endpoint kind. They are tried in this order and are exclusive. */
export type FaultRates = {
  http500: number;
  http502: number;
  http503: number;
  /** Destroy the socket without any response. */
  reset: number;
  /** Hold the response `stallMs`, then answer normally. */
  stall: number;
  /** Uploads only: the document IS created and billed, then the connection is reset (the dangerous case). */
  lostResponse: number;
};

export type SimConfig = {
  /** Seed for delays, faults and generated data: equal seeds replay equal runs. */
  seed: number;
  accounts: SimAccount[];
  projects: Record<string, SimProject>;
  /** Accept the legacy `campaign_id` as an alias of `project_id`. */
  acceptCampaignId: boolean;
  /** add_document without `Content-Type: application/json` → 400 (a framework's JSON parser would ignore the body). */
  requireJsonContentType: boolean;
  /** Accept POST on the result endpoint (undocumented); otherwise 405. */
  resultPost: boolean;
  /** Status for a result requested with a token other than the creator's. */
  foreignTokenStatus: 401 | 404;
  /** `s-123` (documented) or `123` (seen on another contour). */
  idFormat: 's-int' | 'int';
  firstDocumentNumber: number;

  acceptTiff: boolean;
  /** Unsupported file formats: rejected with 400, or accepted and returned broken. */
  unsupportedFormat: 'reject' | 'broken';
  maxImages: number;
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Hard cap on the raw request body; beyond it → 413 without parsing. */
  maxBodyBytes: number;

  delay: DelayConfig;
  /** Multiplies every processing delay (0.01 → 100× faster); latencies and stalls are NOT scaled. */
  timeScale: number;
  typeDelayMultiplier: Record<string, number>;
  poorDelayMultiplier: number;
  /** Server time spent inside add_document / result before answering (ms, uniform in [min,max]). */
  uploadLatencyMs: [number, number];
  pollLatencyMs: [number, number];

  /** What "still processing" looks like. */
  pendingMode: '425' | '202' | '200-empty';
  pendingBody: unknown;
  /** Results vanish this long after they became ready (→ 404); null = kept forever. */
  resultTtlMs: number | null;

  confidenceFormat: 'string' | 'float' | 'null';
  /** `data`: same keys as data; `capitalized`: `Lastname`, `Firstname` (the SNILS example); `lower`: all lower-case. */
  confidenceKeyCase: 'data' | 'capitalized' | 'lower';
  /** `brief`: INN metadata exactly like the provider's INN example (confidences null, verifications {}). */
  innMetadataStyle: 'full' | 'brief';
  /** Passport `Gender` as printed in Beorg's example (Cyrillic М/Ж) or Latin M/F. */
  passportGender: 'cyrillic' | 'latin';
  /** Result `type` of a PASSPORT_REG group (the docs show `PASSPORT`, a client filters on `PASSPORT_REG`). */
  passportRegResultType: 'PASSPORT_REG' | 'PASSPORT';
  /** Add `metadata_check` (EXIF provenance) blocks; otherwise `{}`. */
  metadataCheck: boolean;
  /** Unknown images (no embedded scenario) also get 1–2 low-confidence fields. */
  lowConfidenceForUnknown: boolean;

  /** Token bucket per token over ALL API endpoints; null = unlimited. */
  rateLimit: { perSecond: number; burst: number } | null;
  /** Concurrent add_document per token; null = unlimited. */
  maxInFlightUploads: number | null;
  /** Send `Retry-After` (whole seconds) with 429. */
  retryAfterHeader: boolean;

  faults: { upload: FaultRates; poll: FaultRates; stallMs: number };
  /** Documents that never complete normally: 200 broken, or 500 forever. */
  terminalFailure: { probability: number; mode: 'broken' | 'http500' };
  /** Identical image already uploaded by this token within the window. */
  dedup: { mode: 'off' | 'conflict' | 'return-existing'; windowMs: number };
  /** Recognitions (result documents) a token may buy; null = unlimited. */
  balance: number | null;
  balanceStatus: number;
  /** An upload whose client disconnected after sending the body is still created and billed (as a real server would). */
  processAbandonedUploads: boolean;
  /** Request-log ring size. */
  logLimit: number;
};

export const SIM_CREDENTIALS = {
  token: '5f2b7c9e1a3d4f6081b2c3d4e5f60718',
  machineUid: 'SCNDSK7Q2W9E4R1T6Y8U3I5O0P7A2S4D6F8G1H3J',
  projectId: 'SCANDESK_DEMO',
} as const;

const noFaults = (): FaultRates => ({ http500: 0, http502: 0, http503: 0, reset: 0, stall: 0, lostResponse: 0 });

const PASSPORT_ONLY: ProcessInfoItem[] = [{ key: 'PASSPORT', type: 'PASSPORT', options: { stages: ['verification'] } }];
const ALL_TYPES = ['PASSPORT', 'PASSPORT_REG', 'INN', 'SELFIE'];

export function defaultSimConfig(): SimConfig {
  return {
    seed: 1,
    accounts: [{ token: SIM_CREDENTIALS.token, machineUid: SIM_CREDENTIALS.machineUid, projects: [SIM_CREDENTIALS.projectId, 'WEB_PASSPORT_BIO'] }],
    projects: {
      [SIM_CREDENTIALS.projectId]: { defaultProcessInfo: PASSPORT_ONLY, types: ALL_TYPES },
      WEB_PASSPORT_BIO: {
        defaultProcessInfo: [
          { key: 'PASSPORT1', type: 'PASSPORT', options: { stages: ['verification', 'biometry_match'], relation: { biometry_match: 'SELFIE1' } } },
          { key: 'SELFIE1', type: 'SELFIE', options: { stages: ['biometry_liveness'] } },
        ],
        types: ALL_TYPES,
      },
    },
    acceptCampaignId: false,
    requireJsonContentType: true,
    resultPost: false,
    foreignTokenStatus: 401,
    idFormat: 's-int',
    firstDocumentNumber: 10001,
    acceptTiff: false,
    unsupportedFormat: 'reject',
    maxImages: 10,
    maxFileBytes: 10 * 1024 * 1024,
    maxTotalBytes: 50 * 1024 * 1024,
    maxBodyBytes: 80 * 1024 * 1024,
    delay: { kind: 'lognormal', medianMs: 5_000, p95Ms: 30_000, maxMs: 150_000 },
    timeScale: 1,
    typeDelayMultiplier: { PASSPORT: 1, PASSPORT_REG: 1.5, INN: 0.8, SELFIE: 0.6 },
    poorDelayMultiplier: 3,
    uploadLatencyMs: [0, 0],
    pollLatencyMs: [0, 0],
    pendingMode: '425',
    pendingBody: { status: 'processing' },
    resultTtlMs: null,
    confidenceFormat: 'string',
    confidenceKeyCase: 'data',
    innMetadataStyle: 'full',
    passportGender: 'cyrillic',
    passportRegResultType: 'PASSPORT_REG',
    metadataCheck: false,
    lowConfidenceForUnknown: true,
    rateLimit: null,
    maxInFlightUploads: null,
    retryAfterHeader: true,
    faults: { upload: noFaults(), poll: noFaults(), stallMs: 30_000 },
    terminalFailure: { probability: 0, mode: 'broken' },
    dedup: { mode: 'off', windowMs: 24 * 3600_000 },
    balance: null,
    balanceStatus: 402,
    processAbandonedUploads: true,
    logLimit: 200_000,
  };
}

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type SimConfigPatch = DeepPartial<SimConfig>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge for plain objects; arrays, null and scalars replace. `delay` replaces whole (it is a union). */
export function mergeConfig(base: SimConfig, patch: SimConfigPatch): SimConfig {
  const merge = (a: unknown, b: unknown, key: string): unknown => {
    if (b === undefined) return a;
    if (key === 'delay' || key === 'pendingBody' || !isPlainObject(a) || !isPlainObject(b)) return structuredClone(b);
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v, k);
    return out;
  };
  return merge(base, patch, '') as SimConfig;
}

/** Named starting points for `scandesk sim`, demos and benchmarks; combine with mergeConfig or setConfig. */
export const SIM_PRESETS = {
  /** The default delay distribution, 100× faster (median 50 ms). */
  fast: { timeScale: 0.01 },
  /** Results ready at once. */
  instant: { delay: { kind: 'fixed', ms: 0 } },
  /** Network-ish server latency on every call. */
  realistic: { uploadLatencyMs: [150, 600], pollLatencyMs: [30, 120] },
  /** A few percent of everything fails, including uploads whose response is lost after the document was created. */
  flaky: {
    faults: {
      upload: { http500: 0, http502: 0.03, http503: 0.03, reset: 0.01, stall: 0.01, lostResponse: 0.01 },
      poll: { http500: 0.01, http502: 0, http503: 0.03, reset: 0.01, stall: 0.01, lostResponse: 0 },
      stallMs: 30_000,
    },
  },
  /** A tight provider: 5 requests/s per token (burst 10), at most 4 uploads at a time. */
  strict: { rateLimit: { perSecond: 5, burst: 10 }, maxInFlightUploads: 4 },
} satisfies Record<string, SimConfigPatch>;

/**
 * The simulator the demo mode runs in-process: fast, and with document ids that are not reused by the next run. A
 * restarted app starts a new simulator and then polls the cases it left processing; with ids counted from the same
 * number those polls would be answered with the new run's documents — another person's data on a scan.
 */
export function demoSimConfig(random: () => number = Math.random): SimConfigPatch {
  return { timeScale: 0.05, seed: 7, firstDocumentNumber: 100_000 + Math.floor(random() * 900_000_000) };
}
