// Intake benchmark: (A) initial scan of a 10,000-file folder of small valid JPEGs — time until every file is
// noticed ('seen') and until everything is decided (hash + full decode + DB); (B) peak RSS while 10,000 files of
// 5 MiB go through intake. For (B) each file is a small valid JPEG followed by a sparse hole up to 5 MiB: the
// hash really streams 5 MiB per file and the > recompressMaxBytes path (re-encode) runs, but decode cost is
// that of the small image — it measures the pipeline's own memory (streams, in-flight bookkeeping), not the
// decoder's peak on a real 5 MB photo (bounded by the 2-wide pre-flight limit).
// Each part runs in a fresh child process (like export.bench.ts): the corpora are written here first, so neither
// part's baseline carries the corpus writer's garbage, the other part's heap or its libvips caches.
// Run: node --import tsx bench/intake.bench.ts   (INTAKE_BENCH_FILES=N to change the 10,000; INTAKE_BENCH_PART=scan|rss;
//      profile the parts with node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/intake.bench.ts)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { createEngine } from '../main/engine/app.ts';

export type IntakeBenchResult = {
  files: number;
  scanAllSeenMs: number;
  scanAllDecidedMs: number;
  /** CPU time (user + system, all threads) of part A's process from adding the folder to all decided: steadier
   *  than wall time on a machine shared with other work. */
  scanCpuMs: number;
  bigFileBytes: number;
  bigAllDecidedMs: number;
  bigCpuMs: number;
  /** Part (B), in its own process: RSS right before the folder is added (engine open, after gc), and the peak. */
  peakRssMb: number;
  baselineRssMb: number;
  /** The kernel's high-water mark of that process (includes its start-up). */
  maxRssMb: number;
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

type PartResult = { seenMs: number; decidedMs: number; cpuMs: number; baselineRssMb: number; peakRssMb: number; maxRssMb: number };

/**
 * One part in THIS process (a fresh child, see runIntakeBench): engine opened, gc, baseline RSS, then the folder is
 * added and RSS sampled every 10 ms until everything is decided. The kernel's high-water mark (maxRSS) is reported
 * too: it also sees spikes between samples, but it includes the process start (tsx compiling), so it is an upper bound.
 */
async function runPart(root: string, inbox: string, count: number): Promise<PartResult> {
  const engine = await createEngine({
    dataDir: path.join(root, `data-${path.basename(inbox)}`),
    mode: 'test',
    dbKey: null,
    settingsOverrides: { apiUrl: 'http://127.0.0.1:9' },
  });
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage.rss());
    };
    const sampler = setInterval(sample, 10);
    // INTAKE_BENCH_TRACE=1: one line a second on stderr (RSS, JS heap, external/ArrayBuffers) to see where memory goes.
    const trace = process.env.INTAKE_BENCH_TRACE
      ? setInterval(() => {
          const m = process.memoryUsage();
          const mb = (n: number) => Math.round(n / 1e6);
          console.error(`rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`);
        }, 1000)
      : null;
    const count$ = engine.ctx.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM documents');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 200, caseWindowMs: 0, recursive: true } });
    let seenMs = 0;
    const ticker = setInterval(() => {
      if (!seenMs && (count$.get()?.n ?? 0) >= count) seenMs = performance.now() - t0;
    }, 50);
    await engine.intake.settled({ signal: AbortSignal.timeout(30 * 60_000) });
    clearInterval(ticker);
    clearInterval(sampler);
    if (trace) clearInterval(trace);
    sample();
    const decidedMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const bad = engine.ctx.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM documents WHERE status != 'queued'").get()?.n ?? 0;
    if (bad > 0) throw new Error(`${bad} bench files were not queued`);
    const mb = (n: number) => Math.round(n / 1e6);
    return { seenMs: Math.round(seenMs || decidedMs), decidedMs: Math.round(decidedMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), baselineRssMb: mb(baseline), peakRssMb: mb(peak), maxRssMb: mb(process.resourceUsage().maxRSS * 1024) };
  } finally {
    await engine.stop();
  }
}

/** A part in a fresh child process: its baseline is not inflated by corpus writing or the other part's heap and caches. */
function runChild(root: string, inbox: string, count: number): PartResult {
  const out = execFileSync(process.execPath, [...process.execArgv.filter((a) => a.startsWith('--cpu-prof')), '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--run', root, inbox, String(count)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as PartResult;
}

export async function runIntakeBench(opts: { files?: number } = {}): Promise<IntakeBenchResult> {
  const files = opts.files ?? Number(process.env.INTAKE_BENCH_FILES ?? 10_000);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-bench-'));
  try {
    const small = path.join(root, 'small');
    const big = path.join(root, 'big');
    const bigFileBytes = 5 * 1024 * 1024;
    // INTAKE_BENCH_PART=scan|rss runs one part only (while iterating); the other part's numbers are then -1.
    const part = process.env.INTAKE_BENCH_PART ?? 'both';
    const skipped: PartResult = { seenMs: -1, decidedMs: -1, cpuMs: -1, baselineRssMb: -1, peakRssMb: -1, maxRssMb: -1 };
    if (part !== 'rss') await writeCorpus(small, files, null);
    if (part !== 'scan') await writeCorpus(big, files, bigFileBytes);
    const a = part !== 'rss' ? runChild(root, small, files) : skipped;
    const b = part !== 'scan' ? runChild(root, big, files) : skipped;
    return {
      files,
      scanAllSeenMs: a.seenMs,
      scanAllDecidedMs: a.decidedMs,
      scanCpuMs: a.cpuMs,
      bigFileBytes,
      bigAllDecidedMs: b.decidedMs,
      bigCpuMs: b.cpuMs,
      peakRssMb: b.peakRssMb,
      baselineRssMb: b.baselineRssMb,
      maxRssMb: b.maxRssMb,
    };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain && process.argv[2] === '--run') {
  runPart(process.argv[3]!, process.argv[4]!, Number(process.argv[5])).then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
} else if (isMain) {
  runIntakeBench().then(
    (r) => {
      console.log(`intake: ${r.files} small JPEGs — all seen in ${r.scanAllSeenMs} ms, all decided in ${r.scanAllDecidedMs} ms (${Math.round((r.files / r.scanAllDecidedMs) * 1000)} files/s), CPU ${r.scanCpuMs} ms`);
      console.log(`intake: ${r.files} files of ${r.bigFileBytes} B — decided in ${r.bigAllDecidedMs} ms (CPU ${r.bigCpuMs} ms), RSS baseline ${r.baselineRssMb} MB → peak ${r.peakRssMb} MB (sampled every 10 ms; kernel maxRSS ${r.maxRssMb} MB)`);
      console.log(JSON.stringify(r));
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
