// Benchmark: review-grid queries on 100,000 seeded documents (real SQLite file, real engine handlers).
// Target: first page, sort and quick filters ≤ 200 ms each. Search is reported (LIKE over search_text).
// Run: node --import tsx bench/review-query.bench.ts   (BENCH_DOCS to change the size)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QUICK_FILTERS, type ListQuery } from '../shared/api/documents.ts';
import type { ArgsOf } from '../shared/api.ts';
import { createEngine } from '../main/engine/app.ts';
import { silentLogger } from '../main/engine/log.ts';
import { seedDocuments } from '../test/helpers/seed.ts';

export type ReviewQueryBenchResult = { documents: number; seedMs: number; timings: Record<string, number>; slowest: string; withinTarget: boolean };

export async function runReviewQueryBench(opts: { docs?: number } = {}): Promise<ReviewQueryBenchResult> {
  const documents = opts.docs ?? Number(process.env.BENCH_DOCS ?? 100_000);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'scandesk-reviewbench-'));
  const engine = await createEngine({ dataDir, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
  try {
    const t0 = performance.now();
    seedDocuments(engine.ctx.db, { count: documents, seed: 7 });
    const seedMs = performance.now() - t0;
    engine.ctx.db.exec('ANALYZE');

    const timings: Record<string, number> = {};
    /** Median of 3 runs: the first run also warms the page cache, as a clerk's second click would. */
    const time = async (name: string, fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const s = performance.now();
        await fn();
        runs.push(performance.now() - s);
      }
      timings[name] = Math.round(runs.sort((a, b) => a - b)[1]! * 10) / 10;
    };
    const list = (q: Partial<ListQuery>) => engine.request('documents:list', { offset: 0, limit: 100, ...q } as ArgsOf<'documents:list'>);

    await time('first page (default sort)', () => list({}));
    await time('page at offset 50,000', () => list({ offset: 50_000 }));
    await time('sort by field:LastName', () => list({ sort: [{ key: 'field:LastName', dir: 'asc' }] }));
    await time('sort by minConfidence', () => list({ sort: [{ key: 'minConfidence', dir: 'asc' }] }));
    for (const quick of QUICK_FILTERS) await time(`filter ${quick}`, () => list({ filter: { quick } }));
    await time('counts (all quick filters)', () => engine.request('documents:counts', {}));
    await time('search "иванов"', () => list({ filter: { quick: 'all', search: 'иванов' } }));
    await time('search "4512 3"', () => list({ filter: { quick: 'all', search: '4512 3' } }));
    await time('next-attention (top)', () => engine.request('documents:next-attention', {}));
    // Worst case: continuing from the last row of a long sorted list walks the whole order.
    const lastId = (await list({ offset: documents - 1, limit: 1, sort: [{ key: 'field:LastName', dir: 'asc' }] }) as { rows: { id: number }[] }).rows[0]?.id;
    await time('next-attention (after last, by field)', () =>
      engine.request('documents:next-attention', { sort: [{ key: 'field:LastName', dir: 'asc' }], ...(lastId ? { afterId: lastId } : {}) }));
    await time('cases:list first page', () => engine.request('cases:list', { offset: 0, limit: 100 }));

    const targeted = Object.entries(timings).filter(([k]) => !k.startsWith('search') && !k.startsWith('next'));
    const [slowest] = [...targeted].sort((a, b) => b[1] - a[1]);
    return { documents, seedMs: Math.round(seedMs), timings, slowest: slowest?.[0] ?? '', withinTarget: targeted.every(([, ms]) => ms <= 200) };
  } finally {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const r = await runReviewQueryBench();
  console.log(`review queries on ${r.documents} documents (seeded in ${r.seedMs} ms):`);
  for (const [name, ms] of Object.entries(r.timings)) console.log(`  ${name.padEnd(34)} ${String(ms).padStart(8)} ms`);
  console.log(`target ≤ 200 ms for page/sort/filter/counts: ${r.withinTarget ? 'met' : `NOT met (slowest: ${r.slowest})`}`);
}
