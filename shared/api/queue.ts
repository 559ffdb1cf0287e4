// Contract: watched folders, queue control, cases, cost meter. Implemented in main/engine (queue + intake).
import { z } from 'zod';
import { req } from './define.ts';
import { DOC_TYPES, type DocStatus } from '../types.ts';
import { folderOptionsSchema, type Folder } from '../settings.ts';

export const id = z.number().int().positive();

export type CostMeter = {
  todayBillable: number;
  totalBillable: number;
  savedDuplicates: number;
  savedRejected: number;
  dailyCap: number; // 0 = none
  pricePerDocumentRub: number;
};

export type QueueState = {
  paused: boolean;
  /** Why the queue is not sending: clerk pause, 429 back-off, offline, daily cap. */
  pausedReason: 'clerk' | 'rate-limit' | 'offline' | 'daily-cap' | 'auth' | 'no-credentials' | null;
  /** Russian text for the clerk when the queue is paused for a reason other than the clerk. */
  pausedMessage?: string | null;
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
  /** Drag & drop: file bytes go into the first watched folder (sub-folder "Добавлено вручную"). */
  'intake:add-files': req<{ written: number }>()(
    z.object({ files: z.array(z.object({ name: z.string().min(1).max(255), dataBase64: z.string().max(70_000_000) })).min(1).max(500) }),
  ),
  /** Electron: reveal in the OS file manager. Browser mode: returns the path as text for the clerk. */
  'documents:open-location': req<{ path: string; revealed: boolean }>()(z.object({ documentId: id })),
} as const;
