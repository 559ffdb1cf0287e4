// Benchmark: the review grid on 100,000 documents in real Chromium (browser mode, real engine + web server).
// Targets: first grid render ≤ 1 s, sort and filter latency ≤ 200 ms, scroll frame time p95 ≤ 16 ms.
// Run: node --import tsx bench/grid.bench.ts   (needs `npm run build:renderer`; BENCH_DOCS to change the size)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { createEngine } from '../main/engine/app.ts';
import { startWebServer } from '../main/web/server.ts';
import { seedDocuments } from '../test/helpers/seed.ts';

const RENDERER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/renderer');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type GridBenchResult = {
  documents: number;
  seedMs: number;
  firstRenderMs: number;
  sortMs: number;
  filterMs: number;
  searchMs: number;
  scrollFrames: number;
  scrollFrameP50Ms: number;
  scrollFrameP95Ms: number;
  targets: { firstRender: boolean; sort: boolean; filter: boolean; scrollP95: boolean };
};

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export async function runGridBench(opts: { docs?: number } = {}): Promise<GridBenchResult> {
  const documents = opts.docs ?? 100_000;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'scandesk-gridbench-'));
  const engine = await createEngine({ dataDir, mode: 'web', dbKey: null, autoStart: false });
  const t0 = performance.now();
  seedDocuments(engine.ctx.db, { count: documents, seed: 11 });
  const seedMs = performance.now() - t0;
  await engine.request('app:first-run-done', {}).catch(() => undefined);
  const web = await startWebServer({ engine, port: 0, staticDir: RENDERER_DIR });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    const rowSel = '[data-testid="document-grid"] .ag-center-cols-container .ag-row';

    // First render: navigation start → first data row painted.
    const nav = performance.now();
    await page.goto(web.url);
    await page.locator(`${rowSel}[row-index="0"][row-id]`).waitFor({ timeout: 15_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: path.join(dataDir, '..', 'scandesk-gridbench-failure.png') });
      throw new Error(`grid did not render: ${String(err)}; page errors: ${pageErrors.join(' | ')}`);
    });
    const firstRenderMs = performance.now() - nav;

    // Latency measured inside the page, from the user action (click / input event) to the first frame
    // where row 0 shows a different document — Playwright's own actionability waits are not counted.
    // A string, not a function: tsx/esbuild would inject its `__name` helper into a serialised function.
    const timeChange = (action: { click?: string; type?: { selector: string; text: string } }) => page.evaluate<number>(`new Promise((resolve, reject) => {
      const action = ${JSON.stringify(action)};
      const rowSel = ${JSON.stringify(`${rowSel}[row-index="0"]`)};
      const idNow = () => { const el = document.querySelector(rowSel); return el ? el.getAttribute('row-id') : null; };
      const before = idNow();
      const start = performance.now();
      const check = () => {
        const id = idNow();
        if (id !== null && id !== before) resolve(performance.now() - start);
        else if (performance.now() - start > 10000) reject(new Error('no change within 10 s'));
        else requestAnimationFrame(check);
      };
      if (action.click) document.querySelector(action.click).click();
      if (action.type) {
        const input = document.querySelector(action.type.selector);
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        setter.call(input, action.type.text);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      requestAnimationFrame(check);
    })`);
    const sortMs = await timeChange({ click: '[data-testid="document-grid"] .ag-header-cell[col-id="field:LastName"] .ag-header-cell-label' });
    const filterMs = await timeChange({ click: '[data-filter="low-confidence"]' });
    // Search includes the 250 ms typing debounce; reported separately.
    const searchMs = await timeChange({ type: { selector: '[data-testid="search"]', text: 'ПЕТРОВА' } });
    await page.locator('[data-filter="all"]').click();
    await page.getByTestId('search').fill('');
    await page.locator(`${rowSel}[row-index="0"][row-id]`).waitFor();

    // Scroll: programmatic scroll of the grid viewport, measuring requestAnimationFrame deltas.
    // A string, not a function: tsx/esbuild would inject its `__name` helper into a serialised function.
    const deltas = await page.evaluate<number[]>(`new Promise((resolve) => {
      const viewport = document.querySelector('[data-testid="document-grid"] .ag-body-viewport');
      if (!viewport) { resolve([]); return; }
      const out = [];
      let last = 0;
      let frame = 0;
      const step = (t) => {
        if (last) out.push(t - last);
        last = t;
        viewport.scrollTop += 120; // ~4-5 rows per frame, like a fast wheel
        if (++frame < 300) requestAnimationFrame(step); else resolve(out);
      };
      requestAnimationFrame(step);
    })`);
    const scrollFrameP50Ms = percentile(deltas, 50);
    const scrollFrameP95Ms = percentile(deltas, 95);
    return {
      documents, seedMs: Math.round(seedMs), firstRenderMs: Math.round(firstRenderMs), sortMs: Math.round(sortMs), filterMs: Math.round(filterMs), searchMs: Math.round(searchMs),
      scrollFrames: deltas.length, scrollFrameP50Ms: Number(scrollFrameP50Ms.toFixed(1)), scrollFrameP95Ms: Number(scrollFrameP95Ms.toFixed(1)),
      targets: { firstRender: firstRenderMs <= 1000, sort: sortMs <= 200, filter: filterMs <= 200, scrollP95: scrollFrameP95Ms <= 16.7 },
    };
  } finally {
    await browser.close();
    await web.close();
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runGridBench({ docs: Number(process.env.BENCH_DOCS ?? 100_000) }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
