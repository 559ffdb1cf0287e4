// Every header control is reachable from 1280×720 up: visible, inside the window and not covered by another element
// (the element at its centre is itself), with the header at its fullest (paused with a reason, savings, uncertain
// cases, a daily cap); the grid's filter controls stay on one row at 1366×768 and wider. Screenshots per width.
import { test, expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS_DIR, startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { seedLifecycle } from '../helpers/seed.ts';

// Browser globals used inside page.evaluate (this project type-checks without the DOM lib; kept file-local).
type DomBox = { left: number; right: number; top: number; width: number; height: number };
type DomEl = { getBoundingClientRect(): DomBox; parentElement: DomEl | null; contains(n: unknown): boolean; closest(s: string): DomEl | null; getAttribute(a: string): string | null };
declare const document: { elementFromPoint(x: number, y: number): DomEl | null };
declare const getComputedStyle: (el: DomEl) => { overflowX: string; overflowY: string };

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

let app: ScanDeskApp;
test.beforeEach(async () => {
  app = await startScanDesk({ seed: 60, settings: { dailyCap: 500 } });
  const db = app.engine.ctx.db;
  // Savings (duplicates and pre-flight rejections) and an uncertain case make the cost meter as long as it gets.
  seedLifecycle(db, () => {
    db.prepare(`UPDATE documents SET status = 'duplicate' WHERE id IN (1, 4, 7) AND doc_type != 'SELFIE'`).run();
    db.prepare(`UPDATE documents SET status = 'rejected', status_reason = 'Изображение меньше 600 пикселей' WHERE id IN (10, 13)`).run();
    db.prepare(`UPDATE cases SET state = 'uncertain' WHERE id = 9`).run();
    db.prepare(`UPDATE documents SET status = 'uncertain' WHERE case_id = 9`).run();
  });
  await app.request('queue:pause', {});
});
test.afterEach(async () => { await app?.close(); });

/** Visible, inside the viewport, and the topmost element at its centre (itself or a child). */
async function expectReachable(page: Page, el: Locator, what: string): Promise<void> {
  await expect(el, what).toBeVisible();
  const box = await el.boundingBox();
  expect(box, what).not.toBeNull();
  const vp = page.viewportSize()!;
  expect(box!.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what}: right edge`).toBeLessThanOrEqual(vp.width + 0.5);
  expect(box!.width, `${what}: width`).toBeGreaterThan(8);
  const hit = await el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top !== null && (top === node || node.contains(top));
  });
  expect(hit, `${what}: covered by another element`).toBe(true);
  // Not clipped by an ancestor that hides overflow (the old header cut «Готово» to «Гс» this way).
  const clipped = await el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    for (let p = node.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const q = p.getBoundingClientRect();
      if (r.left < q.left - 0.5 || r.right > q.right + 0.5) return true;
    }
    return false;
  });
  expect(clipped, `${what}: clipped`).toBe(false);
}

for (const size of SIZES) {
  test(`header controls reachable and filters on one row at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto(app.url);
    await expect(page.getByTestId('cost-meter')).toBeVisible();
    await expect(page.getByTestId('paused-reason').first()).toBeAttached();
    const controls = page.locator('header button, header select');
    const n = await controls.count();
    expect(n).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < n; i++) {
      const c = controls.nth(i);
      await expectReachable(page, c, `header control «${(await c.textContent())?.trim() || (await c.getAttribute('aria-label'))}»`);
    }
    // The overflow menu (when there is one) holds the rest; each of its controls is reachable too.
    const more = page.getByTestId('header-more');
    if (await more.count()) {
      await more.click();
      const items = page.locator('[data-testid="header-menu"] button, [data-testid="header-menu"] select');
      const m = await items.count();
      expect(m).toBeGreaterThan(0);
      for (let i = 0; i < m; i++) await expectReachable(page, items.nth(i), `menu item «${(await items.nth(i).textContent())?.trim()}»`);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `layout-${size.width}-menu.png`) });
      await page.keyboard.press('Escape');
    }
    if (size.width >= 1366) {
      const tops = await page.locator('.filter-row > *').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
      expect(Math.max(...tops) - Math.min(...tops), `filter controls on one row at ${size.width}: tops ${tops.join(',')}`).toBeLessThan(10);
      const actions = await page.locator('.toolbar-actions').boundingBox();
      const filters = await page.locator('.filter-row').boundingBox();
      expect(Math.abs(actions!.y - filters!.y), 'the toolbar actions share the filters\' row').toBeLessThan(10);
    }
    for (const c of await page.locator('.toolbar button, .toolbar select, .toolbar input, [data-testid="column-chooser-toggle"]').all()) {
      await expectReachable(page, c, `toolbar control «${(await c.textContent())?.trim() || (await c.getAttribute('aria-label')) || (await c.getAttribute('type'))}»`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `layout-${size.width}.png`) });
  });
}
