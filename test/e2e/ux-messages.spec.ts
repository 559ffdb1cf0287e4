// Messages that say what to do, and the clerk's missing features: thresholds typed as «0,85» or «85», short
// credentials, the page opened without `?t=`, a stale error toast, bulk retry with its quote, F1 help, desktop
// notifications in browser mode, the folder picker.
import { test, expect } from '@playwright/test';
import os from 'node:os';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { seedLifecycle } from '../helpers/seed.ts';

// Browser globals used inside page.addInitScript (this project type-checks without the DOM lib; kept file-local).
declare const window: Record<string, unknown>;
declare const Document: { prototype: { hasFocus: () => boolean } };

test.use({ viewport: { width: 1440, height: 900 } });

let app: ScanDeskApp;
test.beforeEach(async () => { app = await startScanDesk({ seed: 30 }); });
test.afterEach(async () => { await app?.close(); });

const setting = async <T,>(key: string): Promise<T> => ((await app.request<Record<string, T>>('settings:get'))[key])!;

test('settings: thresholds as «0,85» or «85» are accepted, nonsense says what to type; short credentials say which', async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Настройки', exact: true }).click();
  const threshold = page.locator('input[data-setting="confidenceThreshold"]');
  await threshold.fill('0,85');
  await threshold.press('Enter');
  await expect.poll(() => setting<number>('confidenceThreshold')).toBe(0.85);
  await expect(threshold).toHaveValue('0,85');
  await threshold.fill('80');
  await threshold.press('Enter');
  await expect.poll(() => setting<number>('confidenceThreshold')).toBe(0.8);
  await threshold.fill('много');
  await threshold.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'введите число от 0 до 1' })).toBeVisible();
  await expect(threshold).toHaveValue('0,8');
  await expect(page.getByText('Некорректные параметры запроса')).toHaveCount(0);

  const creds = page.getByTestId('credentials-form');
  await creds.locator('input').nth(0).fill('abc');
  await creds.locator('input').nth(1).fill('abc');
  await creds.locator('input').nth(2).fill('1');
  await creds.getByRole('button', { name: 'Сохранить учётные данные' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'не короче 8 символов' })).toBeVisible();
  await expect(page.getByText('Некорректные параметры запроса')).toHaveCount(0);
});

test('an error toast does not stay for minutes, and the action succeeding clears it', async ({ page }) => {
  await page.clock.install();
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Настройки', exact: true }).click();
  const add = async (p: string) => {
    await page.getByTestId('new-folder-path').fill(p);
    await page.getByRole('button', { name: 'Добавить', exact: true }).click();
  };
  const gone = page.getByRole('alert').filter({ hasText: 'Папка не найдена' });
  await add('/нет/такой/папки');
  await expect(gone).toBeVisible();
  await page.clock.fastForward(31_000);
  await expect(gone).toHaveCount(0);

  await add('/нет/такой/папки');
  await expect(gone).toBeVisible();
  await add(app.dataDir);
  await expect(gone).toHaveCount(0);
});

test('opening the address without ?t= explains how to open the app', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(app.url.replace(/\?t=.*$/, ''));
  const box = page.getByTestId('no-token');
  await expect(box).toContainText('Откройте ScanDesk по полной ссылке');
  await expect(box).toContainText('?t=');
  await expect(box).toContainText('npm run web');
  await expect(page.getByRole('button', { name: 'Перезагрузить' })).toHaveCount(0);
  await page.context().close();
});

test('a search with no match says nothing was found, not «no documents»', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId('document-grid').locator('.ag-row').first()).toBeVisible();
  await page.getByTestId('search').fill('ЩЩЩЩЩЩЩ');
  await expect(page.getByTestId('grid-no-match')).toContainText('Ничего не найдено');
  await expect(page.getByText('Положите сканы')).toBeHidden();
  await page.getByTestId('search').fill('');
  await expect(page.getByTestId('grid-no-match')).toHaveCount(0);
});

test('«Повторить все с ошибками» shows the count and cost first, then retries; F1 shows every shortcut', async ({ page }) => {
  const db = app.engine.ctx.db;
  seedLifecycle(db, () => {
    db.prepare(`UPDATE cases SET state = 'failed', beorg_document_id = NULL WHERE id IN (1, 2)`).run();
    db.prepare(`UPDATE documents SET status = 'failed' WHERE case_id IN (1, 2)`).run();
  });
  await page.goto(app.url);
  await page.getByTestId('header-more').click();
  await expect(page.getByTestId('retry-failed')).toHaveText('Повторить все с ошибками (6)');
  await page.getByTestId('retry-failed').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('Дел с ошибками: 2, документов: 6. Отправятся заново: 2 (≈16 ₽)');
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  expect((db.prepare(`SELECT count(*) AS n FROM cases WHERE state = 'failed'`).get() as { n: number }).n).toBe(2);

  await page.getByTestId('header-more').click();
  await page.getByTestId('retry-failed').click();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByText('Поставлено в очередь дел: 2')).toBeVisible();
  expect((db.prepare(`SELECT count(*) AS n FROM cases WHERE state = 'failed'`).get() as { n: number }).n).toBe(0);

  await page.keyboard.press('F1');
  const help = page.getByTestId('help-overlay');
  for (const k of ['F9', 'Ctrl+Enter', 'F4', 'F7', 'F8', 'Ctrl+Shift+Z', 'PgUp / PgDn', 'F1']) await expect(help.locator('kbd', { hasText: k }).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('browser mode: a desktop notification when a batch finishes while the clerk looks elsewhere', async ({ page, context }) => {
  await context.grantPermissions(['notifications']);
  // Headless Chromium shows no OS notifications: record what the page asks for, and make the page look unfocused.
  await page.addInitScript(() => {
    const shown: string[] = [];
    window.shownNotifications = shown;
    class Recorder { static permission = 'granted'; static requestPermission = () => Promise.resolve('granted'); constructor(_title: string, o?: { body?: string }) { shown.push(o?.body ?? ''); } }
    Object.defineProperty(window, 'Notification', { value: Recorder });
    Document.prototype.hasFocus = () => false;
  });
  await page.goto(app.url);
  await expect(page.getByTestId('document-grid')).toBeVisible();
  app.engine.ctx.events.emit('notify', { level: 'info', messageRu: 'Пакет обработан: дел 3', messageEn: 'Batch finished: 3 cases' });
  await expect.poll(() => page.evaluate(() => window.shownNotifications as string[])).toContain('Пакет обработан: дел 3');
});

test('folder picker: browse from the home folder and take its path', async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Настройки', exact: true }).click();
  await page.getByTestId('pick-folder').click();
  const picker = page.getByTestId('folder-picker');
  await picker.locator('[data-folder]').first().click();
  await expect(page.getByTestId('picker-path')).toHaveText(os.homedir());
  await page.getByTestId('picker-choose').click();
  await expect(page.getByTestId('new-folder-path')).toHaveValue(os.homedir());
});

test('settings › team server: a server that does not answer is said in Russian, without its password; nothing is saved', async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Настройки', exact: true }).click();
  const form = page.getByTestId('team-server-form');
  await expect(form.getByTestId('team-server-status')).toHaveText('Сейчас база на этом компьютере (для одного сотрудника)');
  await form.getByTestId('team-server-url').fill('postgres://clerk:s3cret-Pa55@127.0.0.1:1/scandesk');
  await form.getByRole('button', { name: 'Проверить и сохранить' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Сервер базы данных postgres://clerk@127.0.0.1:1/scandesk недоступен' });
  await expect(alert).toBeVisible();
  await expect(page.getByText(/s3cret-Pa55/)).toHaveCount(0);
  await expect(form.getByTestId('team-server-status')).toHaveText('Сейчас база на этом компьютере (для одного сотрудника)');
  expect(await app.request<{ configured: boolean }>('settings:team-server-status')).toMatchObject({ configured: false });
});
