// What intake's parts share, passed explicitly: the context, the repository, the write batcher, the running flag,
// and each part's entry points (filled in by createIntakeModule, looked up at call time so the parts may call each
// other without import cycles).
import type { Folder } from '../../../shared/settings.ts';
import type { EngineContext } from '../context.ts';
import type { CasesPart } from './cases.ts';
import type { DecidePart } from './decide.ts';
import type { OriginalsPart } from './originals.ts';
import type { IntakeRepo } from './repo.ts';
import type { SettlePart } from './settle.ts';
import type { WriteBatcher } from './write-batcher.ts';
import type { DocStatus } from '../../../shared/types.ts';

export type Hub = {
  ctx: EngineContext;
  q: IntakeRepo;
  writes: WriteBatcher;
  isRunning(): boolean;
  getFolder(id: number): Folder | null;
  /** The watched folder's real path (links resolved): what "inside the folder" means ([Note: reads stay inside the watched folder]). */
  realRoot(folder: Folder): Promise<string>;
  /** A document row changed: tell the UI, and let the case pass look at its case. */
  changed(id: number): void;
  setStatus(id: number, status: DocStatus, reason: string | null, code: string | null): void;
  /** Keeps a background promise until stop(); its failure is logged, never unhandled. */
  track(p: Promise<void>): void;
  /** `fn` over `items`, at most `width` at a time; one item's failure is logged and does not stop the others. */
  eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void>;
  cases: CasesPart;
  decide: DecidePart;
  settle: SettlePart;
  originals: OriginalsPart;
};

export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? '';
}

