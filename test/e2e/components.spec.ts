// Component tests in real Chromium: the built harness page (renderer/harness.html) mounts one component.
// The field editor gets fixture props (it is presentational); the quick filters talk to a real engine
// seeded with documents, served by the real web server.
import { test, expect } from '@playwright/test';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';

let app: ScanDeskApp;
test.beforeAll(async () => { app = await startScanDesk({ seed: 60, seedOptions: { lowConfidenceShare: 0.1, seed: 7 } }); });
test.afterAll(async () => { await app?.close(); });

const harnessUrl = (c: string, extra = '') => {
  const u = new URL(app.url);
  return `${u.origin}/harness.html?c=${c}&t=${encodeURIComponent(app.token)}${extra}`;
};

test('field editor: original beside value, tone, finding with source, typing replaces, fix button', async ({ page }) => {
  await page.goto(harnessUrl('field-editor'));
  const field = page.locator('.field[data-field="IssueId"]');
  await expect(field).toHaveClass(/field-error/); // the error finding wins over low confidence
  await expect(field).toHaveClass(/field-attention/);
  await expect(field.locator('.field-original')).toHaveText('77O-001');
  await expect(field.locator('.field-conf')).toHaveText('62%');
  await expect(field.locator('.source')).toHaveText('ScanDesk');
  await expect(field.locator('.finding-text')).toHaveText('Код подразделения должен быть вида 000-000');

  const input = field.locator('input');
  await input.focus();
  await page.keyboard.type('770-001');
  await expect(page.getByTestId('draft')).toHaveText('770-001'); // replaced, not appended
  await expect(input).toHaveClass(/field-changed/);
  await expect(field.locator('.field-original')).toHaveText('77O-001'); // the recognised value stays visible

  await field.getByRole('button', { name: /770-001/ }).click();
  await expect(page.getByTestId('log')).toHaveText('focus,fix:7');

  const accepted = page.locator('.field[data-field="LastName"]');
  await expect(accepted).not.toHaveClass(/field-attention/);
  await expect(accepted.locator('.field-state')).toHaveText('принято');
});

test('field editor speaks English when asked', async ({ page }) => {
  await page.goto(harnessUrl('field-editor', '&lang=en'));
  await expect(page.locator('.finding-text')).toHaveText('Department code must look like 000-000');
  await expect(page.locator('.field[data-field="IssueId"] .field-label')).toHaveText('Department code');
});

test('quick filters: counts come from the engine, clicking and searching change the filter', async ({ page }) => {
  const expected = await app.request<Record<string, number>>('documents:counts', { filter: { quick: 'all' } });
  expect(expected.all).toBe(60);
  await page.goto(harnessUrl('quick-filters'));
  for (const q of ['all', 'needs-review', 'low-confidence', 'verified']) {
    await expect(page.getByTestId(`count-${q}`)).toHaveText(String(expected[q]));
  }
  expect(expected['low-confidence']).toBeGreaterThan(0);

  await page.locator('[data-filter="low-confidence"]').click();
  await expect(page.locator('[data-filter="low-confidence"]')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('filter')).toHaveText(/"quick":"low-confidence"/);

  // Search narrows the counts (done in SQLite): the counts shown equal the engine's for that search.
  await page.getByTestId('search').fill('ИВАНОВ');
  await expect(page.getByTestId('filter')).toHaveText(/"search":"ИВАНОВ"/);
  const narrowed = await app.request<Record<string, number>>('documents:counts', { filter: { quick: 'all', search: 'ИВАНОВ' } });
  expect(narrowed.all).toBeLessThan(60);
  await expect(page.getByTestId('count-all')).toHaveText(String(narrowed.all));

  await page.getByTestId('filter-type').selectOption('INN');
  const inn = await app.request<Record<string, number>>('documents:counts', { filter: { quick: 'all', search: 'ИВАНОВ', types: ['INN'] } });
  await expect(page.getByTestId('count-all')).toHaveText(String(inn.all));
});
