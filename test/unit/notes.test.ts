// Comments stand on their own: every named note a comment cites is defined exactly once in the repo, and no comment
// cites a document the repo does not hold (an issue number, a numbered pitfall, the style guide, a task brief).
// A definition is a comment line that STARTS with the note's bracketed name (`// [Note` + `: name]`); any other
// mention is a citation (`see [Note` + `: name]`). A name may wrap onto the next comment line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOTS = ['main', 'renderer', 'shared', 'test', 'bench', 'scripts'];
const EXTENSIONS = /\.(ts|tsx|js|mjs|cjs|sql|css|html)$/;
const OPEN = '[' + 'Note: '; // split so this file neither cites nor defines a note itself

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'out' || e.name === 'artifacts' ? [] : sourceFiles(p);
    return EXTENSIONS.test(e.name) ? [p] : [];
  });
}

type Mention = { name: string; at: string; definition: boolean };

/** Every bracketed note name in `text`, its name with a line wrap (and the next line's comment marker) folded to one space. */
export function noteMentions(text: string, file: string): Mention[] {
  const out: Mention[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start < 0) return out;
    const end = text.indexOf(']', start);
    if (end < 0) return out;
    const name = text.slice(start + OPEN.length, end).replace(/\s*\n\s*(?:\/\/|\*|--)?\s*/g, ' ').trim();
    const lineStart = text.lastIndexOf('\n', start) + 1;
    const before = text.slice(lineStart, start);
    const line = text.slice(0, start).split('\n').length;
    out.push({ name, at: `${file}:${line}`, definition: /^\s*(?:\/\/|\/\*\*?|\*|--)\s*$/.test(before) });
    from = end + 1;
  }
}

const OUTSIDE_CITATIONS: [RegExp, string][] = [
  [/\b(?:issue|pitfall)s?\s*#?\d+\b/i, 'an issue or pitfall number'],
  [/STYLE\.md/, 'the style guide'],
  [/\bthe (?:task )?brief\b/i, 'a task brief'],
];

void test('notes: every cited note is defined exactly once; no comment cites a document outside the repo', () => {
  const mentions: Mention[] = [];
  const outside: string[] = [];
  for (const file of ROOTS.flatMap(sourceFiles)) {
    const text = fs.readFileSync(file, 'utf8');
    mentions.push(...noteMentions(text, file));
    text.split('\n').forEach((l, i) => {
      for (const [re, what] of OUTSIDE_CITATIONS) if (re.test(l)) outside.push(`${file}:${i + 1} cites ${what}: ${l.trim()}`);
    });
  }
  const problems: string[] = [];
  const names = new Set(mentions.map((m) => m.name));
  for (const name of names) {
    const defs = mentions.filter((m) => m.name === name && m.definition);
    if (defs.length === 0) problems.push(`"${name}" is cited (${mentions.find((m) => m.name === name)?.at}) but defined nowhere`);
    if (defs.length > 1) problems.push(`"${name}" is defined ${defs.length} times: ${defs.map((d) => d.at).join(', ')}`);
  }
  assert.deepEqual([...problems, ...outside], []);
  assert.ok(names.size > 20, `found only ${names.size} notes: the scan itself is broken`);
});

void test('notes: the scanner tells definitions from citations, also across a line wrap', () => {
  const text = ['// ' + OPEN + 'a b]', '// body, see ' + OPEN + 'c', '// d].', ' * ' + OPEN + 'c d] defined here'].join('\n');
  assert.deepEqual(noteMentions(text, 'x.ts'), [
    { name: 'a b', at: 'x.ts:1', definition: true },
    { name: 'c d', at: 'x.ts:2', definition: false },
    { name: 'c d', at: 'x.ts:4', definition: true },
  ]);
});
