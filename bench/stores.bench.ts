// Benchmark: the same 100,000 documents on both stores, side by side — SQLite (one clerk) and PostgreSQL (team mode).
// The database is seeded as SQLite and copied with `db migrate-to`'s code (its time is reported too). Measured at
// the engine, as the grid asks: a page = documents:list (100 rows) + documents:counts, for the default view, a
// field sort each way, a quick filter, a search and a deep page; each 7 times, median and max. Then the CSV and
// XLSX exports, each in a fresh process (time and peak RSS; export.bench.ts --run), after one unmeasured CSV export
// per store: a cluster this bench has just started has never used its shared buffers, and the first export to read
// the documents allocates that memory page by page (~26k page faults, ~0.3 s of the server's CPU, measured), which a
// server that has been up for a while does not pay. That first export's time is reported too (firstCsvMs).
// Targets, the same for both stores: a grid page ≤ 200 ms (the grid's sort/filter budget), CSV ≤ 2 s, XLSX ≤ 15 s,
// export peak RSS ≤ 300 MB. PostgreSQL: a throwaway cluster (scripts/pg-cluster.js), or SCANDESK_TEST_PG_URL.
// Run: BENCH_ONLY=stores npm run bench   (BENCH_DOCS to change the size)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createEngine } from '../main/engine/app.ts';
import { openDatabase } from '../main/engine/db/open.ts';
import { copyToPostgres } from '../main/engine/db/pg/copy.ts';
import { silentLogger } from '../main/engine/log.ts';
// @ts-expect-error plain JS module shared with the test scripts
import { startCluster } from '../scripts/pg-cluster.js';
import type { ListQuery } from '../shared/api/documents.ts';
import { seedDocuments } from '../test/helpers/seed.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PAGES: [string, Partial<ListQuery>][] = [
  ['default view', {}],
  ['sort surname ↑', { sort: [{ key: 'field:LastName', dir: 'asc' }] }],
  ['sort birth date ↓', { sort: [{ key: 'field:BirthDate', dir: 'desc' }] }],
  ['filter needs-review', { filter: { quick: 'needs-review' } }],
  ['search «иван»', { filter: { quick: 'all', search: 'иван' } }],
  ['page at 90,000', { offset: 90_000 }],
];
const REPEAT = 7;

type PageTimes = Record<string, { medianMs: number; maxMs: number }>;
type ExportRun = { name: string; ms: number; peakRssMB: number };
const EXPORT_NAMES = ['csv excel-ru', 'xlsx default'] as const;

async function gridPages(dataDir: string, dbFile: string): Promise<PageTimes> {
  const engine = await createEngine({ dataDir, dbFile, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
  const out: PageTimes = {};
  try {
    for (const [name, q] of PAGES) {
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t = performance.now();
        const query = { offset: 0, limit: 100, ...q } as ListQuery;
        await engine.request('documents:list', query);
        await engine.request('documents:counts', { filter: query.filter ?? { quick: 'all' } });
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      out[name] = { medianMs: Math.round(times[REPEAT >> 1]!), maxMs: Math.round(times.at(-1)!) };
    }
  } finally {
    await engine.stop();
  }
  return out;
}

function exports(dataDir: string, dbFile: string): { firstCsvMs: number; runs: ExportRun[] } {
  const [first, ...runs] = ['csv excel-ru', ...EXPORT_NAMES].map((name) => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, 'export.bench.ts'), '--run', dataDir, name], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_DB: dbFile },
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as ExportRun;
    return { name, ms: r.ms, peakRssMB: r.peakRssMB };
  });
  return { firstCsvMs: first!.ms, runs };
}

async function pgDatabase(): Promise<{ url: string; stop: () => void } | { skip: string }> {
  const cluster = process.env.SCANDESK_TEST_PG_URL
    ? { url: process.env.SCANDESK_TEST_PG_URL, stop: () => undefined }
    : ((await startCluster()) as { url?: string; skip?: string; stop?: () => void });
  if (!cluster.url) return { skip: cluster.skip ?? 'PostgreSQL unavailable' };
  const name = `bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(cluster.url);
  u.pathname = `/${name}`;
  return { url: u.toString(), stop: cluster.stop ?? (() => undefined) };
}

export async function runStoresBench(opts: { docs?: number } = {}) {
  const docs = opts.docs ?? Number(process.env.BENCH_DOCS ?? 100_000);
  const server = await pgDatabase();
  if ('skip' in server) return { skipped: server.skip };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-stores-bench-'));
  const file = path.join(dataDir, 'scandesk.db');
  try {
    const db = openDatabase(file, { key: null });
    seedDocuments(db, { count: docs, seed: 1 });
    const t = performance.now();
    await copyToPostgres(db, server.url, () => undefined);
    const migrateMs = Math.round(performance.now() - t);
    db.close();
    const stores = { sqlite: file, postgres: server.url };
    const result: Record<string, { grid: PageTimes; firstCsvMs: number; exports: ExportRun[] }> = {};
    for (const [store, location] of Object.entries(stores)) {
      const grid = await gridPages(dataDir, location);
      const { firstCsvMs, runs } = exports(dataDir, location);
      result[store] = { grid, firstCsvMs, exports: runs };
    }
    const within = (s: string) =>
      Object.values(result[s]!.grid).every((p) => p.medianMs <= 200) &&
      result[s]!.exports.every((e) => e.peakRssMB <= 300 && e.ms <= (e.name.startsWith('csv') ? 2000 : 15_000));
    return { documents: docs, migrateToMs: migrateMs, ...result, targets: { sqlite: within('sqlite'), postgres: within('postgres') } };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    server.stop();
  }
}
