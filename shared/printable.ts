// [Note: control characters never reach a terminal, a log or a notification raw]
// File and folder names come from whoever can write to a watched folder, and API messages from the network. A name
// holding ESC (terminal escape sequences: colours, cursor moves, window titles), CR/LF (a forged line such as
// «дело 1 «FAKE»: done»), other C0/C1 controls, or Unicode bidi overrides (text shown in another order than it is
// stored) could rewrite what a clerk reads. Every human-facing sink passes its untrusted values through printable():
// each such character becomes a visible escape (\n, \x1B, \u202E), so the text stays readable and cannot act.
// One helper, shared by the engine, the CLI, the logs, the shell's notifications and the UI's toasts.

// C0 controls, DEL, C1 controls, the bidi embeddings/overrides/isolates and marks, and the two Unicode line breaks.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value);
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}
