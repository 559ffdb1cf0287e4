// The simulator's public shapes: its request log, the documents it created, and the handle tests and the CLI hold.
import type { SimConfig, SimConfigPatch } from './config.ts';
import type { HashScenario } from './results.ts';

export type SimLogEntry = {
  seq: number;
  /** The simulator clock's now() at request start. */
  t: number;
  tEnd: number;
  method: string;
  path: string;
  kind: 'upload' | 'poll' | 'admin' | 'other';
  /** null = connection reset without a response. */
  status: number | null;
  token: string | null;
  documentId: string | null;
  /** SHA-256 hex of each decoded image of an upload. */
  imageHashes: string[];
  /** Concurrent uploads at start, including this one. */
  uploadsInFlight: number;
  requestsInFlight: number;
  fault: string | null;
};

export type SimDocumentState = 'processing' | 'ready' | 'failed' | 'expired';

export type SimDocumentInfo = {
  id: string;
  token: string;
  createdAt: number;
  readyAt: number;
  state: SimDocumentState;
  keys: string[];
  types: string[];
  imageHashes: string[];
  broken: boolean;
  /** Recognitions billed for it (one per result document). */
  billed: number;
  polls: number;
};

export type Simulator = {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  port: number;
  /** Current configuration (a snapshot; change it with setConfig). */
  config: SimConfig;
  setConfig(patch: SimConfigPatch): void;
  log(): SimLogEntry[];
  clearLog(): void;
  documents(): SimDocumentInfo[];
  /** Recognitions billed per token. */
  billing(): Record<string, number>;
  forceComplete(id: string): void;
  /** Plant a scenario for an image by its SHA-256 (wins over a scenario embedded in the image). */
  setScenario(sha256: string, scenario: HashScenario | null): void;
  /** Make a document fail terminally now: 200 broken, or 500 forever. */
  forceFail(id: string, mode?: 'broken' | 'http500'): void;
  /** Requests received and not answered yet (tests driving a manual clock wait for 0 before moving time). */
  inFlight(): number;
  /** Requests parked on the simulator's clock (a stall, a latency): with a manual clock they move only when it does. */
  waiting(): number;
  /** Called with each API request's log entry once it is answered (or reset); tests react to what the server did. */
  onRequest(fn: ((entry: SimLogEntry) => void) | null): void;
  /** Forget documents, log, billing, buckets; re-seed the random streams. Keeps the configuration. */
  reset(): void;
  close(): Promise<void>;
};

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | { reset: true };
