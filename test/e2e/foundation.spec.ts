// The first working slice end to end in real Chromium. Generated scans land in the watched
// folder → the engine sends them to the simulator → rows appear in the grid and reach «Распознан» with
// their fields; selecting a row shows its scan with real pixels.
import { test, expect } from '@playwright/test';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { generateSamples } from '../../main/engine/samples/index.ts';
import { ARTIFACTS_DIR, startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { DetailPage, GridPage } from './helpers/pages.ts';

test.use({ viewport: { width: 1440, height: 900 } });

let app: ScanDeskApp;
test.beforeEach(async () => { app = await startScanDesk(); });
test.afterEach(async () => { await app?.close(); });

test('dropped scans appear, get recognised with fields, and the scan shows', async ({ page }) => {
  await page.goto(app.url);
  const grid = new GridPage(page);
  await expect(grid.root).toBeVisible();

  // Generate outside the watched folder, then copy in (like a clerk dropping a batch into the share).
  const staging = path.join(app.dataDir, 'staging');
  const { files } = await generateSamples({ dir: staging, count: 2, layout: 'folders', include: { selfie: false } });
  expect(files.length).toBe(4);
  await mkdir(app.watchDir, { recursive: true });
  await cp(staging, app.watchDir, { recursive: true });

  await grid.waitForRows(files.length);
  const statuses = grid.root.locator('.ag-center-cols-container .ag-row [col-id="status"]');
  await expect.poll(async () => (await statuses.allTextContents()).filter((s) => s.startsWith('Распознан')).length, { timeout: 60_000 }).toBe(files.length);

  // Fields are visible in the grid: every passport row shows a surname.
  const rows = await app.request<{ rows: { id: number; type: string; fields: Record<string, { v: string | null }> }[] }>('documents:list', { offset: 0, limit: 50 });
  const passport = rows.rows.find((r) => r.type === 'PASSPORT');
  expect(passport).toBeDefined();
  const surname = passport!.fields.LastName?.v ?? '';
  expect(surname.length).toBeGreaterThan(0);
  await expect(grid.cell(passport!.id, 'field:LastName')).toHaveText(surname);

  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'foundation-grid.png') });

  await grid.open(passport!.id);
  const detail = new DetailPage(page);
  await detail.waitForScan();
  await expect(detail.input('LastName')).toHaveValue(surname);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'foundation-detail.png') });
});

test('start-up: the first page is asked for once, before the app script runs; a failed app script says so', async ({ page }) => {
  // The entry script sends the grid's first request itself (renderer/main.tsx); the grid must take that answer
  // rather than ask again, and the request must leave before the ~930 KB app chunk has even arrived.
  const events: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/assets/boot-')) events.push('boot-chunk');
    const body = r.postData();
    if (body?.includes('"documents:list"')) events.push('documents:list');
  });
  page.on('requestfinished', (r) => { if (r.url().includes('/assets/boot-')) events.push('boot-chunk-done'); });
  await page.goto(app.url);
  const grid = new GridPage(page);
  await expect(grid.root).toBeVisible();
  await expect(grid.root.locator('.ag-overlay-no-rows-center, .ag-row').first()).toBeVisible();
  expect(events.filter((e) => e === 'documents:list')).toEqual(['documents:list']);
  expect(events.indexOf('documents:list')).toBeLessThan(events.indexOf('boot-chunk-done'));

  // A broken install (the app chunk cannot load): a clear two-language message, not a blank window.
  const broken = await page.context().newPage();
  await broken.route('**/assets/boot-*.js', (route) => route.abort());
  await broken.goto(app.url);
  await expect(broken.getByRole('alert')).toContainText('Не удалось загрузить интерфейс ScanDesk');
  await expect(broken.getByRole('alert')).toContainText('Could not load the ScanDesk interface');
  await broken.close();
});
