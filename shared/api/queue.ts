// Contract: watched folders, queue control, cases, cost meter. Implemented in main/engine (queue + intake).
import { z } from 'zod';
import { req } from './define.ts';
import { DOC_TYPES, type DocStatus } from '../types.ts';
import { folderOptionsSchema, type Folder } from '../settings.ts';

export const id = z.number().int().positive();

/**
 * A relative folder path from a drop ('/'-separated). The engine joins it under its drop folder, so it must
 * never climb out or point elsewhere: no '..' or '.' segments, not absolute (/x, \\x, C:), no NUL or other
 * control characters, at most 8 segments of ≤ 120 characters and 512 in all.
 */
export const droppedDirSchema = z
  .string()
  .max(512)
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0000-\u001f]/.test(p), 'control characters')
  .refine((p) => !/^([\\/]|[A-Za-z]:)/.test(p), 'absolute path')
  .refine((p) => {
    const segs = p.split(/[\\/]/);
    return segs.length <= 8 && segs.every((s) => s.length > 0 && s.length <= 120 && s !== '.' && s !== '..');
  }, 'bad segments');

/** Counts are BILLED DOCUMENTS, roubles = documents × price ([Note: what a submission costs] in
 *  main/engine/queue/cost.ts: one per non-selfie document of each accepted add_document). */
export type CostMeter = {
  todayDocuments: number;
  todayRub: number;
  totalDocuments: number;
  totalRub: number;
  /** Documents never sent: duplicate skips and pre-flight rejections (selfies not counted, as they bill nothing). */
  savedDuplicates: number;
  savedRejected: number;
  savedRub: number;
  /** Cases sent without an answer: maybe billed, not in the totals above; the clerk checks them. */
  uncertainCases: number;
  /** Billed documents per local day; 0 = none. */
  dailyCap: number;
  pricePerDocumentRub: number;
};

export type QueueState = {
  paused: boolean;
  /** Why the queue is not sending: clerk pause, 429 back-off, offline, daily cap. */
  pausedReason: 'clerk' | 'rate-limit' | 'offline' | 'daily-cap' | 'auth' | 'no-credentials' | null;
  /** Russian text for the clerk when the queue is paused for a reason other than the clerk. */
  pausedMessage?: string | null;
  /** When sending is tried again by itself (offline back-off, 429 Retry-After); null = waits for the clerk. */
  nextTryAt: number | null;
  counts: Record<DocStatus, number>;
  inFlight: number;
  docsPerMinute: number;
  etaMs: number | null;
  concurrency: number;
  rps: number;
  cost: CostMeter;
};

export const queueApi = {
  'queue:state': req<QueueState>()(z.object({})),
  'queue:pause': req<QueueState>()(z.object({})),
  'queue:resume': req<QueueState>()(z.object({})),
  'queue:set-limits': req<QueueState>()(
    z.object({ concurrency: z.number().int().min(1).max(64).optional(), rps: z.number().min(0.1).max(100).optional() }),
  ),
  'cases:cancel': req<void>()(z.object({ caseId: id })),
  'cases:retry': req<void>()(z.object({ caseId: id })),
  /** Without confirm: returns the quote only. With confirm: re-submits (paid) and returns the same quote. */
  'cases:reprocess': req<{ documents: number; costRub: number; submitted: boolean }>()(
    z.object({ caseId: id, confirm: z.boolean() }),
  ),
  /** A case marked "uncertain" after a crash: the clerk checks the Beorg cabinet, then decides. */
  'cases:resolve-uncertain': req<void>()(z.object({ caseId: id, action: z.enum(['resubmit', 'mark-failed']) })),
  'folders:list': req<Folder[]>()(z.object({})),
  /** The only request that carries a path from the UI: a folder the clerk chose to watch. */
  'folders:add': req<Folder>()(
    z.object({ path: z.string().min(1).max(4096), defaultType: z.enum(DOC_TYPES), options: folderOptionsSchema.partial().optional() }),
  ),
  'folders:update': req<Folder>()(
    z.object({ id, defaultType: z.enum(DOC_TYPES).optional(), options: folderOptionsSchema.partial().optional(), enabled: z.boolean().optional() }),
  ),
  'folders:remove': req<void>()(z.object({ id })),
  'folders:rescan': req<void>()(z.object({ id: id.optional() })),
  /**
   * Drag & drop: file bytes go into the first watched folder (sub-folder "Добавлено вручную"). `dir` is the
   * dropped file's folder relative to what the clerk dropped (e.g. "Иванов И.И./паспорт"), so a dropped folder
   * of people still groups into one case per sub-folder.
   */
  'intake:add-files': req<{ written: number }>()(
    z.object({
      files: z.array(z.object({ name: z.string().min(1).max(255), dataBase64: z.string().max(70_000_000), dir: droppedDirSchema.optional() })).min(1).max(500),
    }),
  ),
  /** Electron: reveal in the OS file manager. Browser mode: returns the path as text for the clerk. */
  'documents:open-location': req<{ path: string; revealed: boolean }>()(z.object({ documentId: id })),
} as const;
