// Статистика with demo data: a real demo run on the built-in simulator (labelled as demo: banner, «демо» in the cost
// meter, the simulator's address in Settings without a reload) plus a week of seeded history; the charts draw on a real
// time axis with Russian labels and dates as дд.мм. Screenshots: test/artifacts/stats-*.png.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS_DIR, startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { seedActivity } from '../helpers/activity.ts';

test.use({ viewport: { width: 1440, height: 1000 } });

let app: ScanDeskApp;
test.beforeEach(async () => { app = await startScanDesk({ watch: false, seed: 0, settings: { dailyCap: 60 } }); });
test.afterEach(async () => { await app?.close(); });

test('demo mode is labelled, Settings shows the simulator at once, and Статистика draws the demo run and its history', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(app.url);
  await expect(page.getByTestId('document-grid')).toBeVisible();
  await expect(page.getByTestId('demo-banner')).toHaveCount(0);

  // Demo chosen in Settings: the API address shows the simulator without a reload.
  await page.getByRole('button', { name: 'Настройки' }).click();
  const apiUrl = page.locator('label', { hasText: 'Адрес API' }).locator('input');
  await expect(apiUrl).toHaveValue('https://api.beorg.ru');
  await page.getByTestId('settings-demo').click();
  // Generating the sample scans takes a while on a busy machine; no reload is needed for the address to show.
  await expect(apiUrl).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+/, { timeout: 120_000 });
  await expect(page.getByTestId('demo-note')).toBeVisible();
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await expect(page.getByTestId('demo-badge')).toHaveText('ДЕМО');

  // The demo run finishes on the simulator; the cost meter says «демо», not roubles.
  await expect.poll(async () => (app.engine.ctx.db.prepare(`SELECT count(*) AS n FROM documents WHERE status = 'recognised'`).get() as { n: number }).n, { timeout: 90_000 }).toBeGreaterThan(10);
  await expect(page.getByTestId('cost-today')).toContainText('демо');
  await expect(page.getByTestId('cost-today')).not.toContainText('₽');

  // The clerk confirms and corrects a few documents for real (audit rows), and there is a week of history.
  const rows = await app.request<{ rows: { id: number; type: string }[] }>('documents:list', { offset: 0, limit: 50, filter: { quick: 'all', types: ['PASSPORT'], statuses: ['recognised'] } });
  for (const r of rows.rows.slice(0, 4)) {
    await app.request('documents:set-field', { id: r.id, field: 'IssuedBy', value: 'ГУ МВД РОССИИ ПО Г. МОСКВЕ' });
    // Demo documents carry planted defects: confirming them anyway is the clerk's deliberate second decision.
    await app.request('documents:confirm', { id: r.id, despiteFindings: true });
  }
  seedActivity(app.engine.ctx.db, { now: Date.now() });

  await page.getByRole('button', { name: 'Статистика' }).click();
  for (const id of ['chart-per-hour', 'chart-cost', 'chart-api', 'chart-review', 'chart-corrections']) await expect(page.getByTestId(id)).toBeVisible();
  await expect(page.getByTestId('chart-per-hour').locator('canvas')).toBeVisible();
  // Russian legend and date ticks (дд.мм), no ISO dates anywhere on the screen.
  const stats = page.getByTestId('stats');
  await expect(page.getByTestId('chart-api')).toContainText('429 (лимит)');
  await expect(page.getByTestId('chart-per-hour')).toContainText('распознано');
  await expect(page.getByTestId('chart-corrections')).toContainText('Кем выдан');
  // Ticks are drawn on the canvas; the legend under the cursor shows the time in the same form: дд.мм.гггг чч:мм.
  await page.getByTestId('chart-per-hour').locator('.u-over').hover();
  await expect(page.getByTestId('chart-per-hour').locator('.u-legend')).toContainText(/\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}/);
  expect(await stats.innerText()).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'stats-ru.png'), fullPage: true });

  await stats.getByRole('radio', { name: '30 дней' }).click();
  await expect(stats.getByRole('radio', { name: '30 дней' })).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('header-more').click();
  await page.getByTestId('language').selectOption('en');
  await expect(page.getByTestId('chart-api')).toContainText('429 (rate limit)');
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'stats-en.png'), fullPage: true });
});
