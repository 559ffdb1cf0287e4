// A file sink with backpressure: awaiting write() keeps at most one buffered chunk beyond the stream's highWaterMark.
import fs from 'node:fs';

export type Sink = { write(chunk: string | Buffer): Promise<void>; close(): Promise<void>; destroy(): void };

export function openSink(file: string): Sink {
  const out = fs.createWriteStream(file);
  let failure: Error | null = null;
  out.on('error', (err) => { failure = err; });
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (!out.write(chunk)) {
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
    },
    async close() {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    },
    destroy: () => out.destroy(),
  };
}
