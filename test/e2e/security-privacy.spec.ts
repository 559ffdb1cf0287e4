// Privacy controls in real Chromium against browser mode with a real engine: the Settings
// "Конфиденциальность" section (retention days, purge now with its result, masking) and the delete-case button
// with its confirmation (mounted through the component harness, as the detail panel mounts it), and the export folder.
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';

let app: ScanDeskApp;
test.beforeAll(async () => { app = await startScanDesk({ seed: 9, seedOptions: { seed: 3 } }); });
test.afterAll(async () => { await app?.close(); });

const count = (sql: string, ...params: unknown[]) => (app.engine.ctx.db.prepare(sql).get(...params) as { n: number }).n;

test('settings: retention days + purge now show what was purged, masking toggles, no key warning in browser mode', async ({ page }) => {
  const db = app.engine.ctx.db;
  db.prepare(`UPDATE documents SET raw_document = '{"Number":"123456"}' WHERE id IN (SELECT id FROM documents ORDER BY id LIMIT 3)`).run();
  db.prepare('UPDATE document_exports SET exported_at = ? WHERE document_id IN (SELECT id FROM documents ORDER BY id LIMIT 3)').run(Date.now() - 10 * 86_400_000);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Настройки' }).click();
  const privacy = page.getByTestId('privacy');
  await expect(privacy.getByRole('heading', { name: 'Конфиденциальность' })).toBeVisible();
  await expect(privacy.getByTestId('key-warning')).toHaveCount(0);

  await privacy.getByTestId('purge-now').click();
  await expect(privacy.getByTestId('purge-result')).toHaveText('Срок хранения не задан (0) — очищать нечего');
  expect(count('SELECT count(*) AS n FROM documents WHERE purged_at IS NOT NULL')).toBe(0);

  // Typed but not blurred: purge-now saves the period first.
  await privacy.locator('input[data-setting="retentionDays"]').fill('7');
  await privacy.getByTestId('purge-now').click();
  await expect(privacy.getByTestId('purge-result')).toHaveText('Очищено документов: 3');
  expect(((await app.request('settings:get')) as { retentionDays: number }).retentionDays).toBe(7);
  expect(count('SELECT count(*) AS n FROM documents WHERE purged_at IS NOT NULL AND raw_document IS NULL')).toBe(3);

  const mask = privacy.locator('input[data-setting="maskPassportNumbers"]');
  await mask.check();
  await expect.poll(async () => ((await app.request('settings:get')) as { maskPassportNumbers: boolean }).maskPassportNumbers).toBe(true);
  await mask.uncheck();
  await expect.poll(async () => ((await app.request('settings:get')) as { maskPassportNumbers: boolean }).maskPassportNumbers).toBe(false);
  await app.request('settings:set', { retentionDays: 0 });
});

test('delete case: a confirmation names the case (as text), cancel keeps it, confirm removes it and reports', async ({ page }) => {
  const c = app.engine.ctx.db.prepare('SELECT id, label FROM cases ORDER BY id DESC LIMIT 1').get() as { id: number; label: string };
  const docs = count('SELECT count(*) AS n FROM documents WHERE case_id = ?', c.id);
  expect(docs).toBeGreaterThan(0);
  const u = new URL(app.url);
  // The label arrives from the DB; here it carries markup to show it is rendered as text.
  const label = `${c.label} <img src=x onerror="window.__pwned=1">`;
  await page.goto(`${u.origin}/harness.html?c=delete-case&case=${c.id}&label=${encodeURIComponent(label)}&t=${encodeURIComponent(app.token)}`);

  await page.getByTestId('delete-case').click();
  const dialog = page.getByTestId('delete-case-dialog');
  await expect(dialog.getByRole('heading')).toHaveText(`Удалить дело «${label}»?`);
  await expect(dialog).toContainText('Оригиналы сканов в ваших папках останутся');
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  await expect(dialog).toHaveCount(0);
  expect(count('SELECT count(*) AS n FROM cases WHERE id = ?', c.id)).toBe(1);

  await page.getByTestId('delete-case').click();
  await page.getByTestId('delete-case-confirm').click();
  await expect(page.locator('.harness-toast')).toHaveText(`Дело удалено: документов ${docs}, файлов кэша 0`);
  await expect(page.getByTestId('deleted')).toHaveText('true');
  expect(count('SELECT count(*) AS n FROM cases WHERE id = ?', c.id)).toBe(0);
  expect(count('SELECT count(*) AS n FROM documents WHERE case_id = ?', c.id)).toBe(0);
  expect(await page.evaluate(() => (globalThis as Record<string, unknown>).__pwned ?? null)).toBeNull();

  // Deleting it again: the engine's Russian error shows in the dialog, no crash.
  await page.getByTestId('delete-case').click();
  await page.getByTestId('delete-case-confirm').click();
  await expect(page.getByTestId('delete-case-dialog').getByRole('alert')).toHaveText(`Дело №${c.id} не найдено`);
});

test('settings: the clerk chooses the export folder; what the screen shows is where the next export goes', async ({ page }) => {
  const defaultDir = ((await app.request('app:info')) as { exportDir: string }).exportDir;
  const chosen = path.join(app.dataDir, 'Выгрузки клерка');
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Настройки' }).click();
  const section = page.getByTestId('export-dir');
  await expect(section.getByTestId('export-dir-in-use')).toHaveText(`Файлы выгрузки сохраняются в: ${defaultDir}`);
  await section.getByTestId('export-dir-input').fill('относительная/папка');
  await section.getByTestId('export-dir-save').click();
  await expect(section.getByTestId('export-dir-input')).toHaveValue('');
  await section.getByTestId('export-dir-input').fill(chosen);
  await section.getByTestId('export-dir-save').click();
  await expect(section.getByTestId('export-dir-in-use')).toHaveText(`Файлы выгрузки сохраняются в: ${chosen}`);
  expect(((await app.request('app:info')) as { exportDir: string }).exportDir).toBe(chosen);
  await app.request('settings:set', { exportDir: '' });
});
