// The export's file sink against a real file: text encoded into reused buffers ([Note: export text encoded into
// reused buffers]) reaches the file byte for byte, whatever the sizes — chunks the stream takes at once and chunks it
// must drain first — in both encodings the CSV presets use.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openSink } from '../../main/engine/export/sink.ts';

/** Deterministic text of `n` UTF-16 units: ASCII, Cyrillic and a surrogate pair (the widest UTF-8 per unit). */
function textOf(n: number, seed: number): string {
  const parts = ['Иванов;', 'a"b\r\n', '😀', 'ё', '0,95;'];
  let s = '';
  for (let i = 0; s.length < n; i++) s += parts[(i * 7 + seed) % parts.length];
  return s;
}

for (const encoding of ['utf8', 'utf16le'] as const) {
  void test(`sink (${encoding}): every text arrives whole and in order, small and large, through reused buffers`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-sink-'));
    const file = path.join(dir, 'out.csv');
    // Sizes around the stream's 16 KB mark and far above it, growing and shrinking, so a buffer is reused for a shorter
    // text and replaced for a longer one; small ones in a row, which the stream takes without a drain while it still
    // holds the one before.
    const sizes = [10, 300_000, 5, 20_000, 150_000, 1, 2_000, 3_000, 1_000, 400_000, 8_000, 300_000, 64 * 1024, 3, 7];
    const texts = sizes.map((n, i) => textOf(n, i));
    const sink = openSink(file);
    for (let i = 0; i < texts.length; i += 2) await sink.writeText(texts.slice(i, i + 2), encoding);
    await sink.write(Buffer.from('END'));
    await sink.close();
    const expected = Buffer.concat([...texts.map((t) => Buffer.from(t, encoding)), Buffer.from('END')]);
    assert.ok(fs.readFileSync(file).equals(expected), 'the file holds exactly the texts written');
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
