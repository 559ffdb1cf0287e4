// Two clerks on one database, in Chromium: the clerk in the browser works beside «Иванова» (a second engine on the
// same SQLite file, as a second desktop would be). A document she is verifying shows «Проверяет: Иванова» and refuses
// the edit; a value she changed after this clerk opened the document is not overwritten: the clerk's Enter gets the
// conflict message with her name, and the panel shows her value.
import { test, expect } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DocumentDetail } from '../../shared/api.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { dataPaths } from '../../main/engine/paths.ts';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { DetailPage, GridPage } from './helpers/pages.ts';

test.use({ viewport: { width: 1440, height: 900 } });

let app: ScanDeskApp;
let ivanova: Engine;
let ivanovaDir: string;
test.beforeEach(async () => {
  app = await startScanDesk({ seed: 9, seedOptions: { seed: 5, lowConfidenceShare: 0 } });
  ivanovaDir = await mkdtemp(path.join(tmpdir(), 'scandesk-e2e-clerk2-'));
  ivanova = await createEngine({
    dataDir: ivanovaDir, dbFile: dataPaths(app.dataDir).db, dbKey: null, mode: 'test', autoStart: false, log: silentLogger, actor: 'Иванова',
  });
});
test.afterEach(async () => {
  await ivanova?.stop();
  await app?.close();
  await rm(ivanovaDir, { recursive: true, force: true });
});

const lastNameOf = async (id: number) => (await app.request<DocumentDetail>('documents:get', { id })).fields.find((f) => f.name === 'LastName')!.value;

test('a document another clerk is verifying says who, and refuses the edit', async ({ page }) => {
  await ivanova.request('documents:claim', { id: 1 });
  const before = await lastNameOf(1);
  await page.goto(app.url);
  const grid = new GridPage(page);
  await grid.waitForRows(9);
  await grid.open(1);
  const detail = new DetailPage(page);
  await expect(page.getByTestId('claimed-by')).toContainText('Проверяет: Иванова');
  await detail.input('LastName').focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('ПЕТРОВ');
  await page.keyboard.press('Enter');
  await expect(page.locator('.toast', { hasText: 'Проверяет: Иванова' })).toBeVisible();
  expect(await lastNameOf(1)).toBe(before);
});

test('an edit made against a value another clerk has since changed is refused with her name; her value is shown', async ({ page }) => {
  await page.goto(app.url);
  const grid = new GridPage(page);
  await grid.waitForRows(9);
  await grid.open(4);
  const detail = new DetailPage(page);
  await expect(detail.input('LastName')).not.toHaveValue('');
  // This clerk's claim lapsed (a long pause), and Иванова corrected the surname meanwhile.
  await expect.poll(() => ivanova.ctx.db.prepare('SELECT COUNT(*) AS n FROM doc_claims WHERE document_id = 4').get()).toEqual({ n: 1 });
  ivanova.ctx.db.prepare('DELETE FROM doc_claims WHERE document_id = 4').run();
  const seen = await ivanova.request('documents:get', { id: 4 });
  await ivanova.request('documents:set-field', { id: 4, field: 'LastName', value: 'СИДОРОВА', version: seen.version });

  await detail.input('LastName').focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('СЕМЁНОВА');
  await page.keyboard.press('Enter');
  await expect(page.locator('.toast', { hasText: 'Документ изменил другой сотрудник (Иванова)' })).toBeVisible();
  await expect(detail.input('LastName')).toHaveValue('СИДОРОВА');
  expect(await lastNameOf(4)).toBe('СИДОРОВА');
});
