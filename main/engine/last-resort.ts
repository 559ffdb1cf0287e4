// [Note: no client input ends the process] The browser-mode bridge and the CLI hold uploads that the API has already
// created and billed: if the process died mid-flight they would come back as «Неясно, отправлен ли». Every transport
// handles its own errors (sockets, requests); this guard is the net under them. An exception or rejection nobody
// handled is logged (redacted, control characters escaped) and the engine keeps running; the queue's own state in
// the database stays the source of truth either way.
import { printable } from '../../shared/printable.ts';
import type { Logger } from './log.ts';

let installed = false;
let sink: Logger | null = null;
let write: (line: string) => void = (line) => process.stderr.write(line);

function report(kind: 'uncaughtException' | 'unhandledRejection', err: unknown): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  try {
    sink?.error('last-resort guard: unexpected error, still running', { kind, err });
    write(`scandesk: непредвиденная ошибка, работа продолжается / unexpected error, still running (${kind}): ${printable(message)}\n`);
  } catch {
    /* reporting must never throw from inside the handler */
  }
}

/**
 * Install the process-level guard once (later calls only change where it logs). `log` is the engine's logger once
 * there is one; `out` replaces stderr (tests).
 */
export function installLastResortGuard(opts: { log?: Logger; out?: (line: string) => void } = {}): void {
  if (opts.log) sink = opts.log;
  if (opts.out) write = opts.out;
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => report('uncaughtException', err));
  process.on('unhandledRejection', (reason) => report('unhandledRejection', reason));
}
