// Keys that must never write where the clerk did not mean to, in Chromium against a seeded engine: F8 takes the
// focus into the reason box (Esc gives it back, Tab stays inside); an edited value is checked before moving on (the
// error keeps the clerk on the field, F4 offers the fix); Shift+Enter / PgUp go back; Ctrl+Z after moving on takes
// back the session's last edit and brings its document into view; confirming despite an error asks once more.
import { test, expect, type Page } from '@playwright/test';
import type { DocumentDetail } from '../../shared/api.ts';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { DetailPage, GridPage } from './helpers/pages.ts';

test.use({ viewport: { width: 1440, height: 900 } });

// 30 documents = 10 people (passport 3k-2, INN 3k-1, selfie 3k); the grid shows newest first.
const INN_DOC = 29;
const LOOK_ALIKE: Record<string, string> = { 0: 'О', 3: 'З', 8: 'В', 1: 'I', 5: 'S', 6: 'Б', 4: 'Ч' };

let app: ScanDeskApp;
test.beforeEach(async () => {
  app = await startScanDesk({ seed: 30, seedOptions: { seed: 3, lowConfidenceShare: 0 } });
  app.engine.ctx.db.prepare(`UPDATE documents SET match_score = CASE WHEN match_score IS NULL THEN NULL ELSE 0.99 END, liveness_score = CASE WHEN liveness_score IS NULL THEN NULL ELSE 0.99 END`).run();
});
test.afterEach(async () => { await app?.close(); });

const reviewOf = async (id: number) => (await app.request<DocumentDetail>('documents:get', { id })).row.review;

async function openInnDoc(page: Page): Promise<{ detail: DetailPage; inn: string; misread: string }> {
  const inn = (await app.request<DocumentDetail>('documents:get', { id: INN_DOC })).fields.find((f) => f.name === 'INN')!.recognised!;
  const at = [...inn].findIndex((c) => c in LOOK_ALIKE);
  expect(at).toBeGreaterThanOrEqual(0);
  const misread = inn.slice(0, at) + LOOK_ALIKE[inn[at]!]! + inn.slice(at + 1);
  await page.goto(app.url);
  const grid = new GridPage(page);
  await grid.waitForRows(10);
  await grid.open(INN_DOC);
  const detail = new DetailPage(page);
  await detail.input('INN').focus();
  return { detail, inn, misread };
}

test('F8 takes the focus into the reason box: typing goes there, Tab stays inside, Esc gives the focus back', async ({ page }) => {
  const { detail, inn } = await openInnDoc(page);
  const innInput = detail.input('INN');
  await page.keyboard.press('F8');
  await expect(page.getByTestId('reject-reason')).toBeFocused();
  await page.keyboard.type('Нечитаемый');
  await expect(page.getByTestId('reject-reason')).toHaveValue('Нечитаемый');
  await expect(innInput).toHaveValue(inn);
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  expect(await page.evaluate(() => Boolean((globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('[data-testid="reject-dialog"]')))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('reject-dialog')).toHaveCount(0);
  await expect(innInput).toBeFocused();
  expect(await reviewOf(INN_DOC)).toBe('pending');
  // Enter submits the reason.
  await page.keyboard.press('F8');
  await page.keyboard.type('Нечитаемый скан');
  await page.keyboard.press('Enter');
  await expect(detail.root).not.toHaveAttribute('data-document-id', String(INN_DOC));
  expect(await reviewOf(INN_DOC)).toBe('rejected');
  // The focus is back in the panel (the next document's field or the panel itself), not lost on the page.
  await expect.poll(() => page.evaluate(() => Boolean((globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('[data-testid="detail-panel"]')))).toBe(true);
});

test('edit, then Enter: the checksum error keeps the clerk on the field with its finding, F4 offers the fix', async ({ page }) => {
  const { detail, inn, misread } = await openInnDoc(page);
  const innInput = detail.input('INN');
  await page.keyboard.type(misread);
  await page.keyboard.press('Enter');
  await expect(detail.field('INN').locator('.finding-error')).toBeVisible();
  await expect(innInput).toBeFocused();
  await expect(detail.root).toHaveAttribute('data-document-id', String(INN_DOC));
  expect(await reviewOf(INN_DOC)).toBe('pending');
  await page.keyboard.press('F4');
  await expect(innInput).toHaveValue(inn);
  await expect(detail.field('INN').locator('.finding-error')).toHaveCount(0);
  await page.keyboard.press('Enter'); // the field is done
  await page.keyboard.press('Enter'); // the document is confirmed, the next one opens
  await expect(detail.root).not.toHaveAttribute('data-document-id', String(INN_DOC));
  expect(await reviewOf(INN_DOC)).toBe('verified');
});

test('confirm despite an error asks once more and is audited; Shift+Enter / PgUp go back; Ctrl+Z after moving on undoes the last edit', async ({ page }) => {
  const { detail, inn, misread } = await openInnDoc(page);
  const innInput = detail.input('INN');
  await page.keyboard.type(misread);
  // Ctrl+Enter with the error: the reasons are listed, a reflex Enter goes back, Ctrl+Enter confirms, audited.
  await page.keyboard.press('Control+Enter');
  const ask = page.getByTestId('confirm-findings-dialog');
  await expect(ask).toBeVisible();
  await expect(ask.getByTestId('confirm-findings-reasons')).toContainText(misread);
  await expect(ask.getByRole('button', { name: 'Вернуться к полям' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ask).toHaveCount(0);
  expect(await reviewOf(INN_DOC)).toBe('pending');
  await page.keyboard.press('Control+Enter');
  await expect(ask).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await expect(detail.root).not.toHaveAttribute('data-document-id', String(INN_DOC));
  const nextId = await detail.documentId();
  expect(await reviewOf(INN_DOC)).toBe('verified');
  const audit = app.engine.ctx.db.prepare(`SELECT action, details FROM audit_events WHERE document_id = ? AND action LIKE 'confirm%' ORDER BY id DESC LIMIT 1`).get(INN_DOC) as { action: string; details: string };
  expect(audit.action).toBe('confirm-despite-findings');
  expect((JSON.parse(audit.details) as { reasons: string[] }).reasons.join(' ')).toContain(misread);

  // Shift+Enter goes back; Enter on a checked document just moves on again; PgUp goes back too.
  await page.keyboard.press('Shift+Enter');
  await detail.waitForDocument(INN_DOC);
  await page.keyboard.press('Enter');
  await detail.waitForDocument(nextId);
  await page.keyboard.press('PageUp');
  await detail.waitForDocument(INN_DOC);
  await page.keyboard.press('Enter');
  await detail.waitForDocument(nextId);

  // Ctrl+Z after moving on: the last edit is taken back in its own document, brought into view, no longer verified.
  await page.keyboard.press('Control+z');
  await detail.waitForDocument(INN_DOC);
  await expect(innInput).toHaveValue(inn);
  await expect(innInput).toBeFocused();
  expect(await reviewOf(INN_DOC)).toBe('pending');
});

test('from the grid, Ctrl+Enter confirms a clean document in one keystroke and moves down; one needing a look opens', async ({ page }) => {
  app.engine.ctx.db.prepare(`UPDATE fields SET confidence = 0.5 WHERE document_id = 28 AND name = 'IssuedBy'`).run();
  await page.goto(app.url);
  const grid = new GridPage(page);
  await grid.waitForRows(10);
  await grid.cell(INN_DOC, 'fileName').click();
  await page.keyboard.press('Control+Enter');
  await expect.poll(() => reviewOf(INN_DOC)).toBe('verified');
  await expect(page.getByTestId('detail-panel')).toHaveCount(0);
  await expect(grid.root.locator('.ag-cell-focus')).not.toHaveCount(0);
  await expect(grid.root.locator(`.ag-row[row-id="${INN_DOC}"] .ag-cell-focus`)).toHaveCount(0);

  await grid.cell(28, 'fileName').click();
  await page.keyboard.press('Control+Enter');
  await new DetailPage(page).waitForDocument(28);
  expect(await reviewOf(28)).toBe('pending');
});
