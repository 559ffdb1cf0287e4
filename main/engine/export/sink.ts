// A file sink with backpressure: awaiting write() keeps at most one buffered chunk beyond the stream's highWaterMark.
import fs from 'node:fs';

export type Sink = {
  write(chunk: string | Buffer): Promise<void>;
  /** Writes the pieces, one after another, encoded into a buffer the sink reuses ([Note: export text encoded into reused buffers]). */
  writeText(pieces: readonly string[], encoding: 'utf8' | 'utf16le'): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
};

/** The most bytes one UTF-16 code unit can take: 3 in UTF-8 (a surrogate pair's two units take 4), 2 in UTF-16. */
const MAX_BYTES_PER_UNIT = { utf8: 3, utf16le: 2 } as const;

/**
 * [Note: export text encoded into reused buffers] Encoding each page of an export into a new buffer cost more than
 * the encoding itself: a new buffer of a few hundred KB is fresh memory, and the first write to each of its memory
 * pages is a page fault, dear on a virtual machine (encoding one page of CSV text into a new buffer took ~5× as long as
 * into one already written). A page's text joined into one string is fresh memory too (a string that large is V8's
 * "large object", allocated on its own pages). So a writer hands the sink a page as pieces (lines, records), and the
 * sink encodes them one after another into a buffer whose write has finished. The stream holds a buffer only until
 * that chunk's write callback, and write() waits for the stream to drain before taking more, so one or two buffers
 * serve a whole export. A 100k CSV export took ~20k page faults before, ~11k after.
 */
export function openSink(file: string): Sink {
  const out = fs.createWriteStream(file);
  let failure: Error | null = null;
  out.on('error', (err) => { failure = err; });
  const free: Buffer[] = [];

  async function write(chunk: string | Buffer, written?: () => void): Promise<void> {
    if (failure) throw failure;
    if (!out.write(chunk, written)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('error', done);
          resolve();
        };
        out.on('drain', done);
        out.on('error', done);
      });
    }
    if (failure) throw failure;
  }

  return {
    write: (chunk) => write(chunk),
    async writeText(pieces, encoding) {
      let units = 0;
      for (const p of pieces) units += p.length;
      const need = units * MAX_BYTES_PER_UNIT[encoding];
      let buf = free.pop();
      if (!buf || buf.length < need) buf = Buffer.allocUnsafe(Math.max(need, 64 * 1024));
      let used = 0;
      for (const p of pieces) used += buf.write(p, used, encoding);
      const owned = buf;
      await write(buf.subarray(0, used), () => free.push(owned));
    },
    async close() {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    },
    destroy: () => out.destroy(),
  };
}
