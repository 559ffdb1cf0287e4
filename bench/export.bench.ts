// Benchmark: exporting 100,000 documents. Targets: CSV ≤ 2 s, XLSX ≤ 15 s, peak RSS ≤ 300 MB (streaming).
// Each export runs in its own process (engine opened, then gc); RSS is sampled every 10 ms and at every page;
// the baseline is that process's RSS right before the export starts.
// Run: node --expose-gc --import tsx bench/export.bench.ts   (BENCH_DOCS to change the size)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportOptionsSchema, type ExportOptions } from '../shared/api/export.ts';
import { createEngine } from '../main/engine/app.ts';
import { exportToFile } from '../main/engine/export/index.ts';
import { openDatabase } from '../main/engine/db/open.ts';
import { dataPaths } from '../main/engine/paths.ts';
import { seedDocuments } from '../test/helpers/seed.ts';

type Run = { name: string; ms: number; rows: number; fileMB: number; baselineRssMB: number; peakRssMB: number };
export type ExportBenchResult = {
  documents: number;
  seedMs: number;
  runs: Run[];
  targets: { csv: boolean; xlsx: boolean; rss: boolean };
};

const MB = 1024 * 1024;
const round = (n: number) => Math.round(n * 10) / 10;

export const CASES: [string, Partial<ExportOptions> & Pick<ExportOptions, 'format'>][] = [
  ['csv excel-ru', { format: 'csv', csvPreset: 'excel-ru' }],
  ['csv excel-utf16', { format: 'csv', csvPreset: 'excel-utf16' }],
  ['csv 1c-persons', { format: 'csv', templateId: '1c-persons' }],
  ['xlsx default', { format: 'xlsx' }],
  ['xlsx 1c-persons', { format: 'xlsx', templateId: '1c-persons' }],
  ['json', { format: 'json' }],
  ['ndjson', { format: 'ndjson' }],
];

/** One export in this process, RSS sampled every 10 ms and at every page. */
async function runOne(dataDir: string, name: string): Promise<Run> {
  const o = CASES.find(([n]) => n === name)![1];
  // BENCH_DB: another store for the same data (bench/stores.bench.ts runs this on PostgreSQL too).
  const dbFile = process.env.BENCH_DB;
  const engine = await createEngine({ dataDir, mode: 'test', dbKey: null, autoStart: false, ...(dbFile ? { dbFile } : {}) });
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
    const timer = setInterval(sample, 10);
    const t = performance.now();
    const out = path.join(dataDir, `bench-${name.replace(/\W+/g, '-')}.${o.format}`);
    const r = await exportToFile(engine.ctx, exportOptionsSchema.parse(o), out, sample);
    const ms = Math.round(performance.now() - t);
    clearInterval(timer);
    sample();
    const fileMB = round(fs.statSync(out).size / MB);
    fs.rmSync(out);
    return { name, ms, rows: r.rows, fileMB, baselineRssMB: round(baseline / MB), peakRssMB: round(peak / MB) };
  } finally {
    await engine.stop();
  }
}

export async function runExportBench(opts: { docs?: number } = {}): Promise<ExportBenchResult> {
  const docs = opts.docs ?? 100_000;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-export-bench-'));
  openDatabase(dataPaths(dataDir).db, { key: null }).close(); // create the schema before the child seeds
  try {
    const t = performance.now();
    // Seed in a child process so the seeder's garbage does not inflate this process's baseline RSS.
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--seed', dataPaths(dataDir).db, String(docs)], { stdio: 'inherit' });
    const seedMs = Math.round(performance.now() - t);
    // Each export runs in a fresh process, so its baseline RSS is not inflated by the previous export's heap.
    const runs: Run[] = [];
    for (const [name] of CASES) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--run', dataDir, name], { encoding: 'utf8' });
      const run = JSON.parse(out.trim().split('\n').pop()!) as Run;
      runs.push(run);
      console.log(`${name.padEnd(16)} ${String(run.ms).padStart(6)} ms  rows ${run.rows}  file ${run.fileMB} MB  RSS ${run.baselineRssMB} → peak ${run.peakRssMB} MB`);
    }
    const by = (n: string) => runs.find((r) => r.name === n)!;
    return {
      documents: docs,
      seedMs,
      runs,
      targets: {
        csv: by('csv excel-ru').ms <= 2000,
        xlsx: by('xlsx default').ms <= 15_000,
        rss: runs.every((r) => r.peakRssMB <= 300),
      },
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain && process.argv[2] === '--run') {
  runOne(process.argv[3]!, process.argv[4]!).then((r) => console.log(JSON.stringify(r)), (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
} else if (isMain && process.argv[2] === '--seed') {
  const db = openDatabase(process.argv[3]!, { key: null });
  seedDocuments(db, { count: Number(process.argv[4]), seed: 1 });
  db.close();
} else if (isMain) {
  runExportBench({ docs: Number(process.env.BENCH_DOCS ?? 100_000) }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
