// Benchmark: the review grid on 100,000 documents in real Chromium (browser mode, real engine + web server).
// Targets: first grid render ≤ 1 s, sort and filter latency ≤ 200 ms, scroll frame time p95 ≤ 16 ms.
// Run: node --import tsx bench/grid.bench.ts   (needs `npm run build:renderer`; BENCH_DOCS to change the size)
//
// Protocol (why each step):
// - Chromium's own start-up (its WebUI renderers: omnibox popup and friends, ~1.5 s of CPU on 2 cores) runs
//   right after launch and would compete with the page; Electron has none of it. The seed's (and an earlier
//   benchmark's) disk writeback does the same. Before each load we flush (sync) and wait until the machine is
//   idle, so the number is ScanDesk's, not the browser's or the disk's.
// - First render: 3 cold loads, each in a fresh browser context (empty HTTP cache, new renderer process),
//   navigation start → first data row in the DOM. Median reported, all three listed.
// - Interactions start from an idle app (no request in flight for 500 ms), as a clerk's clicks do. Sort and
//   filter are timed in the page from the click to the first frame showing the new first row; 5 of each, the
//   first (cold code paths) reported apart from the median.
// - Scroll, two ways: wheel (real mouse-wheel input through Chromium's scroll path, 100 px notches as fast as
//   they can be sent) is the target figure; jump (scrollTop += 120 px every frame, 7,200 px/s, like dragging
//   the scrollbar flat out) is a stress figure, reported but not held to the target.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  firstRenderRuns: string;
  sortMs: number;
  sortFirstMs: number;
  sortRuns: string;
  filterMs: number;
  filterFirstMs: number;
  filterRuns: string;
  searchMs: number;
  wheelScrollPx: number;
  wheelFrames: number;
  wheelFrameP50Ms: number;
  wheelFrameP95Ms: number;
  jumpFrames: number;
  jumpFrameP50Ms: number;
  jumpFrameP95Ms: number;
  targets: { firstRender: boolean; sort: boolean; filter: boolean; scrollP95: boolean };
};

const median = (xs: number[]) => percentile(xs, 50);

/** Busy and total CPU ticks of the whole machine from /proc/stat (iowait counts as busy); null without /proc. */
async function machineTicks(): Promise<{ busy: number; total: number } | null> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  if (!line.startsWith('cpu ')) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + iowait + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** Writes dirty pages out now (Linux/macOS `sync`), instead of letting writeback land in the middle of a load. */
function flushDisk(): void {
  try {
    execFileSync('sync', { stdio: 'ignore', timeout: 60_000 });
  } catch {
    /* no sync(1) here: machineIdle still waits for the writeback */
  }
}

/**
 * Waits until the machine is quiet: < 10 % of its CPU busy (or waiting on I/O) over 250 ms, at most 15 s. This
 * covers Chromium's own start-up and the disk writeback a previous benchmark (or the seed) leaves behind. A fixed
 * 2 s where there is no /proc.
 */
async function machineIdle(): Promise<void> {
  let prev = await machineTicks();
  if (prev === null) return new Promise((r) => setTimeout(r, 2000));
  for (const start = performance.now(); performance.now() - start < 15_000;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = (await machineTicks())!;
    const total = now.total - prev.total;
    if (total > 0 && (now.busy - prev.busy) / total < 0.1) return;
    prev = now;
  }
}

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
    const rowSel = '[data-testid="document-grid"] .ag-center-cols-container .ag-row';
    const pageErrors: string[] = [];
    await machineIdle();

    // First render: navigation start → first data row, in a fresh context (cold cache) each time.
    const firstRuns: number[] = [];
    let context = null as Awaited<ReturnType<typeof browser.newContext>> | null;
    for (let run = 0; run < 3; run++) {
      await context?.close();
      context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
      flushDisk();
      await machineIdle();
      const nav = performance.now();
      await page.goto(web.url);
      await page.locator(`${rowSel}[row-index="0"][row-id]`).waitFor({ timeout: 15_000 }).catch(async (err: unknown) => {
        await page.screenshot({ path: path.join(dataDir, '..', 'scandesk-gridbench-failure.png') });
        throw new Error(`grid did not render: ${String(err)}; page errors: ${pageErrors.join(' | ')}`);
      });
      firstRuns.push(performance.now() - nav);
    }
    const page = context!.pages()[0]!;

    // Interactions start from an idle app: nothing in flight for 500 ms.
    let inFlight = 0;
    let lastActivity = performance.now();
    const track = (delta: number) => () => { inFlight += delta; lastActivity = performance.now(); };
    page.on('request', track(1));
    page.on('requestfinished', track(-1));
    page.on('requestfailed', track(-1));
    const appIdle = async () => {
      while (inFlight > 0 || performance.now() - lastActivity < 500) await new Promise((r) => setTimeout(r, 50));
    };

    // Latency measured inside the page, from the user action (click / input event) to the first frame whose
    // first row is a new, filled row element (a sort or filter rebuilds the rows; the same document may come
    // first again). Playwright's own actionability waits are not counted.
    // A string, not a function: tsx/esbuild would inject its `__name` helper into a serialised function.
    const timeChange = async (action: { click?: string; type?: { selector: string; text: string } }) => {
      await appIdle();
      return page.evaluate<number>(`new Promise((resolve, reject) => {
        const action = ${JSON.stringify(action)};
        const rowSel = ${JSON.stringify(`${rowSel}[row-index="0"]`)};
        const first = () => document.querySelector(rowSel);
        const before = first();
        const beforeId = before ? before.getAttribute('row-id') : null;
        const start = performance.now();
        const check = () => {
          const el = first();
          const id = el ? el.getAttribute('row-id') : null;
          if (el && id !== null && (el !== before || id !== beforeId)) resolve(performance.now() - start);
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
    };
    const header = (col: string) => `[data-testid="document-grid"] .ag-header-cell[col-id="${col}"] .ag-header-cell-label`;
    const sortRuns: number[] = [];
    for (const col of ['field:LastName', 'field:LastName', 'field:BirthDate', 'field:BirthDate', 'field:LastName']) sortRuns.push(await timeChange({ click: header(col) }));
    const filterRuns: number[] = [];
    for (const f of ['low-confidence', 'needs-review', 'all', 'low-confidence', 'all']) filterRuns.push(await timeChange({ click: `[data-filter="${f}"]` }));
    // Search includes the 250 ms typing debounce; reported separately.
    const searchMs = await timeChange({ type: { selector: '[data-testid="search"]', text: 'ПЕТРОВА' } });
    await page.getByTestId('search').fill('');
    await page.locator(`${rowSel}[row-index="0"][row-id]`).waitFor();
    await appIdle();

    // Frame times from requestAnimationFrame deltas while scrolling (string scripts, see above).
    const frames = (ms: number, jump: boolean) => page.evaluate<number[]>(`new Promise((resolve) => {
      const viewport = document.querySelector('[data-testid="document-grid"] .ag-body-viewport');
      const out = [];
      let last = 0;
      const end = performance.now() + ${ms};
      const step = (t) => {
        if (last) out.push(t - last);
        last = t;
        if (${jump}) viewport.scrollTop += 120;
        if (t < end) requestAnimationFrame(step); else resolve(out);
      };
      requestAnimationFrame(step);
    })`);
    const viewportTop = () => page.evaluate<number>(`document.querySelector('[data-testid="document-grid"] .ag-body-viewport').scrollTop`);
    // Wheel: real input events over the grid, 100 px per notch, for 5 s.
    await page.mouse.move(800, 500);
    const topBefore = await viewportTop();
    const wheelFrames = frames(5000, false);
    for (const start = performance.now(); performance.now() - start < 4900;) {
      await page.mouse.wheel(0, 100);
      await page.waitForTimeout(30);
    }
    const wheel = await wheelFrames;
    const wheelScrollPx = (await viewportTop()) - topBefore;
    await appIdle();
    // Jump: 300 frames of scrollTop += 120 px.
    const jump = await frames(5000, true);

    const firstRenderMs = median(firstRuns);
    const sortMs = median(sortRuns);
    const filterMs = median(filterRuns);
    const wheelFrameP95Ms = percentile(wheel, 95);
    const runs = (xs: number[]) => xs.map((x) => Math.round(x)).join(' / ');
    const round1 = (x: number) => Number(x.toFixed(1));
    return {
      documents, seedMs: Math.round(seedMs),
      firstRenderMs: Math.round(firstRenderMs), firstRenderRuns: runs(firstRuns),
      sortMs: Math.round(sortMs), sortFirstMs: Math.round(sortRuns[0]!), sortRuns: runs(sortRuns),
      filterMs: Math.round(filterMs), filterFirstMs: Math.round(filterRuns[0]!), filterRuns: runs(filterRuns),
      searchMs: Math.round(searchMs),
      wheelScrollPx, wheelFrames: wheel.length, wheelFrameP50Ms: round1(percentile(wheel, 50)), wheelFrameP95Ms: round1(wheelFrameP95Ms),
      jumpFrames: jump.length, jumpFrameP50Ms: round1(percentile(jump, 50)), jumpFrameP95Ms: round1(percentile(jump, 95)),
      // Scroll: the p95 frame is one 60 Hz vsync. rAF deltas cannot be shorter than a vsync (16.67 ms) and carry
      // ~0.1 ms of timer jitter, so "≤ 16 ms" is read as ≤ 17 ms; a dropped frame shows as 33.3 ms.
      targets: { firstRender: firstRenderMs <= 1000, sort: sortMs <= 200, filter: filterMs <= 200, scrollP95: wheelFrameP95Ms <= 17 },
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
