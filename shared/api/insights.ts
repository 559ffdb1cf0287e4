// Contract: the supervisor's charts, the bulk retry of failed cases, and the browser-mode folder picker.
// Implemented in main/engine/insights.
import { z } from 'zod';
import { req } from './define.ts';

/** Time series share one x axis: bucket starts in epoch SECONDS (what a time-axis chart takes), local time. */
export type Charts = {
  from: number;
  to: number;
  /** Documents per hour: recognised (result arrived), verified (clerk confirmed), failed (failed/rejected/uncertain). */
  perHour: { t: number[]; recognised: number[]; verified: number[]; failed: number[] };
  /** Billed documents per local day and their roubles; cap = daily cap in documents (0 = none). */
  perDay: { t: number[]; documents: number[]; rub: number[] };
  dailyCap: number;
  pricePerDocumentRub: number;
  /** API requests per hour: mean and slowest duration (ms), answers 429, other failures. */
  api: { t: number[]; meanMs: (number | null)[]; maxMs: (number | null)[]; rateLimited: number[]; errors: number[]; requests: number[] };
  correctionsPerField: { field: string; count: number }[];
  /** Seconds between a clerk's consecutive decisions (confirm / postpone / reject), pauses over 10 min left out. */
  reviewTime: { buckets: { upToSec: number | null; count: number }[]; medianSec: number | null; decisions: number };
  failuresByReason: { reason: string; count: number }[];
};

/** Quote (confirm false) or retry (confirm true) of every failed case. Cost counts only cases sent again. */
export type RetryFailedQuote = { cases: number; documents: number; resend: number; costRub: number; retried: number };

export type BrowseEntry = { name: string; path: string };
export type BrowseResult = {
  /** null = the list of allowed roots itself. */
  path: string | null;
  parent: string | null;
  roots: BrowseEntry[];
  dirs: BrowseEntry[];
};

export const insightsApi = {
  'stats:charts': req<Charts>()(z.object({ days: z.number().int().min(1).max(366).default(7) })),
  'cases:retry-failed': req<RetryFailedQuote>()(z.object({ confirm: z.boolean() })),
  /** Sub-folders of `path` (absolute), only inside the user's home or mounted shares; no path = the roots. */
  'fs:browse': req<BrowseResult>()(z.object({ path: z.string().min(1).max(4096).optional() })),
} as const;
