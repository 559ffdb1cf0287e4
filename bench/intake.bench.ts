// Intake benchmark: (A) initial scan of a 10,000-file folder of small valid JPEGs — time until every file is
// noticed ('seen') and until everything is decided (hash + full decode + DB); (B) peak RSS while 10,000 files of
// 5 MiB go through intake. For (B) each file is a small valid JPEG followed by a sparse hole up to 5 MiB: the
// hash really streams 5 MiB per file and the > recompressMaxBytes path (re-encode) runs, but decode cost is
// that of the small image — it measures the pipeline's own memory (streams, in-flight bookkeeping), not the
// decoder's peak on a real 5 MB photo (bounded by the 2-wide pre-flight limit).
// Run: node --import tsx bench/intake.bench.ts   (INTAKE_BENCH_FILES=N to change the 10,000)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { createEngine } from '../main/engine/app.ts';

export type IntakeBenchResult = {
  files: number;
  scanAllSeenMs: number;
  scanAllDecidedMs: number;
  bigFileBytes: number;
  bigAllDecidedMs: number;
  peakRssMb: number;
  baselineRssMb: number;
};

/** Unique valid JPEGs fast: one encoded image, with the index in a COM segment right after SOI. */
function uniqueJpeg(base: Buffer, i: number): Buffer {
  const text = Buffer.from(`scandesk-bench-${i}`);
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([base.subarray(0, 2), com, text, base.subarray(2)]);
}

async function writeCorpus(dir: string, count: number, padTo: number | null): Promise<void> {
  const base = await sharp({ create: { width: 700, height: 900, channels: 3, background: '#7a8b9c' } }).jpeg().toBuffer();
  for (let d = 0; d * 500 < count; d++) {
    const sub = path.join(dir, `batch${d}`);
    await fs.mkdir(sub, { recursive: true });
    const jobs: Promise<void>[] = [];
    for (let i = d * 500; i < Math.min(count, (d + 1) * 500); i++) {
      const file = path.join(sub, `scan${i}.jpg`);
      jobs.push(
        (async () => {
          await fs.writeFile(file, uniqueJpeg(base, i));
          if (padTo !== null) await fs.truncate(file, padTo); // sparse hole after EOI: no disk used
        })(),
      );
    }
    await Promise.all(jobs);
  }
}

async function runPart(root: string, inbox: string, count: number, onTick?: () => void): Promise<{ seenMs: number; decidedMs: number }> {
  const engine = await createEngine({
    dataDir: path.join(root, `data-${path.basename(inbox)}`),
    mode: 'test',
    dbKey: null,
    settingsOverrides: { apiUrl: 'http://127.0.0.1:9' },
  });
  try {
    const count$ = engine.ctx.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM documents');
    const t0 = performance.now();
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 200, caseWindowMs: 0, recursive: true } });
    let seenMs = 0;
    const ticker = setInterval(() => {
      onTick?.();
      if (!seenMs && (count$.get()?.n ?? 0) >= count) seenMs = performance.now() - t0;
    }, 50);
    await engine.intake.settled({ signal: AbortSignal.timeout(30 * 60_000) });
    clearInterval(ticker);
    const decidedMs = performance.now() - t0;
    const bad = engine.ctx.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM documents WHERE status != 'queued'").get()?.n ?? 0;
    if (bad > 0) throw new Error(`${bad} bench files were not queued`);
    return { seenMs: seenMs || decidedMs, decidedMs };
  } finally {
    await engine.stop();
  }
}

export async function runIntakeBench(opts: { files?: number } = {}): Promise<IntakeBenchResult> {
  const files = opts.files ?? Number(process.env.INTAKE_BENCH_FILES ?? 10_000);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-bench-'));
  try {
    const small = path.join(root, 'small');
    await writeCorpus(small, files, null);
    const a = await runPart(root, small, files);

    const big = path.join(root, 'big');
    const bigFileBytes = 5 * 1024 * 1024;
    await writeCorpus(big, files, bigFileBytes);
    const baselineRssMb = process.memoryUsage().rss / 1e6;
    let peak = baselineRssMb;
    const b = await runPart(root, big, files, () => {
      peak = Math.max(peak, process.memoryUsage().rss / 1e6);
    });
    return { files, scanAllSeenMs: Math.round(a.seenMs), scanAllDecidedMs: Math.round(a.decidedMs), bigFileBytes, bigAllDecidedMs: Math.round(b.decidedMs), peakRssMb: Math.round(peak), baselineRssMb: Math.round(baselineRssMb) };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  runIntakeBench().then(
    (r) => {
      console.log(`intake: ${r.files} small JPEGs — all seen in ${r.scanAllSeenMs} ms, all decided in ${r.scanAllDecidedMs} ms (${Math.round((r.files / r.scanAllDecidedMs) * 1000)} files/s)`);
      console.log(`intake: ${r.files} files of ${r.bigFileBytes} B — decided in ${r.bigAllDecidedMs} ms, peak RSS ${r.peakRssMb} MB (baseline ${r.baselineRssMb} MB)`);
      console.log(JSON.stringify(r));
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
