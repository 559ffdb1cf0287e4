// No English or internal codes in front of the clerk: every screen is walked in Russian and its visible text (plus
// placeholders, tooltips and accessible names) must hold no Latin-only word outside a short allow-list of names,
// formats and key names. Data (file names, paths, recognised values) is left out: it is the clerk's own. Dates are
// typed as дд.мм.гггг in the grid's date filters whatever the browser locale (the browser here runs in en-US).
import { test, expect, type Page } from '@playwright/test';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { seedLifecycle } from '../helpers/seed.ts';

// Browser globals used inside page.evaluate (this project type-checks without the DOM lib; kept file-local).
type DomBox = { left: number; right: number; top: number; width: number; height: number };
type DomEl = { getBoundingClientRect(): DomBox; parentElement: DomEl | null; contains(n: unknown): boolean; closest(s: string): DomEl | null; getAttribute(a: string): string | null };
declare const document: { body: unknown; createTreeWalker(root: unknown, what: number): { nextNode(): { textContent: string | null; parentElement: DomEl | null } | null }; querySelectorAll(s: string): ArrayLike<DomEl> };
declare const getComputedStyle: (el: DomEl) => { display: string; visibility: string };
declare const NodeFilter: { SHOW_TEXT: number };

test.use({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });

const ALLOWED = new Set([
  'ScanDesk', 'Beorg', 'API', 'CSV', 'XLSX', 'JSON', 'NDJSON', 'URL', 'MRZ', 'UTF', 'BOM', 'RFC', 'PDF', 'JPEG', 'PNG', 'TIFF', 'Excel',
  'English', 'machine_uid', 'project_id', 'Ctrl', 'Shift', 'Enter', 'Esc', 'PgUp', 'PgDn', 'R', 'F1', 'F4', 'F7', 'F8', 'F9',
  'npm', 'run', 'web', 'npx', 'scandesk', 'http', 't', 'mnt', 'media', 'OK', 'Z', 'PostgreSQL',
]);

/** Latin-only words in what the clerk sees, data cells and paths excluded. */
async function latinWords(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const skip = '.mono, .ag-cell, [data-folder], input[type="search"] , .field-original, .field-input, .scan, .toast-error';
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(skip) || el.closest('script, style')) continue;
      const st = getComputedStyle(el);
      if (st.display === 'none' || st.visibility === 'hidden' || el.closest('.hidden')) continue;
      out.push(n.textContent ?? '');
    }
    for (const el of Array.from(document.querySelectorAll('[placeholder], [title], [aria-label]'))) {
      if (el.closest(skip)) continue;
      for (const a of ['placeholder', 'title', 'aria-label']) out.push(el.getAttribute(a) ?? '');
    }
    return out;
  });
  const words = new Set<string>();
  for (const t of texts) {
    // Leave out file names and paths (the clerk's data), then take words.
    const clean = t.replace(/\S*[\\/]\S*/g, ' ').replace(/\S+\.(jpe?g|png|pdf|tiff?|xlsx|csv|json)\b/gi, ' ');
    for (const w of clean.match(/[A-Za-z][A-Za-z0-9_]*/g) ?? []) if (!ALLOWED.has(w)) words.add(w);
  }
  return [...words].sort();
}

async function expectRussian(page: Page, screen: string): Promise<void> {
  expect(await latinWords(page), `Latin words on «${screen}»`).toEqual([]);
}

let app: ScanDeskApp;
test.afterEach(async () => { await app?.close(); });

test('every screen in Russian: grid, detail, cases, statistics, settings, export, menu, help, folder picker', async ({ page }) => {
  test.setTimeout(300_000);
  app = await startScanDesk({ seed: 30 });
  seedLifecycle(app.engine.ctx.db, () => app.engine.ctx.db.prepare(`UPDATE documents SET status = 'failed', status_reason = 'Сервер Beorg ответил ошибкой 500' WHERE id IN (2, 3)`).run());
  await page.goto(app.url);
  await expect(page.getByTestId('document-grid').locator('.ag-row').first()).toBeVisible();
  await expect(page.getByTestId('count-all')).not.toHaveText('…');
  await expectRussian(page, 'Проверка');

  await page.getByTestId('column-chooser-toggle').click();
  const chooser = page.locator('.column-chooser');
  const names = await chooser.locator('label').allInnerTexts();
  expect(names.length, 'column chooser').toBe(new Set(names).size);
  await expectRussian(page, 'Столбцы');
  await page.getByTestId('column-chooser-toggle').click();

  await page.getByTestId('document-grid').locator('.ag-center-cols-container .ag-row').first().dblclick();
  await expect(page.getByTestId('detail-panel')).toBeVisible();
  await expectRussian(page, 'Карточка документа');
  await page.keyboard.press('Escape');

  for (const tab of ['По делам', 'Статистика', 'Настройки']) {
    await page.getByRole('button', { name: tab, exact: true }).click();
    await page.waitForTimeout(0);
    if (tab === 'Статистика') await expect(page.getByTestId('stats')).toBeVisible();
    if (tab === 'Настройки') await expect(page.getByTestId('settings')).toBeVisible();
    if (tab === 'По делам') await expect(page.locator('.ag-row').first()).toBeVisible();
    await expectRussian(page, tab);
  }
  await page.getByTestId('pick-folder').click();
  await expect(page.getByTestId('folder-picker')).toBeVisible();
  await expectRussian(page, 'Выбор папки');
  await page.getByRole('button', { name: 'Отмена' }).click();

  await page.getByTestId('open-export').click();
  await expectRussian(page, 'Экспорт');
  await page.keyboard.press('Escape');
  const cancel = page.getByRole('button', { name: 'Отмена', exact: true });
  if (await cancel.count()) await cancel.first().click();

  await page.getByTestId('header-more').click();
  await expectRussian(page, 'Ещё…');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await expectRussian(page, 'Клавиши');
});

test('first run in Russian; dates typed as дд.мм.гггг in an en-US browser', async ({ page }) => {
  app = await startScanDesk({ seed: 12 });
  await app.request('folders:list', {});
  app.engine.ctx.settings.setRaw('firstRunDone', false);
  await page.goto(app.url);
  await expect(page.getByTestId('first-run')).toBeVisible();
  await expectRussian(page, 'Первый запуск');
  app.engine.ctx.settings.setRaw('firstRunDone', true);

  await page.goto(app.url);
  const from = page.getByTestId('date-from');
  await expect(from).toHaveAttribute('placeholder', 'дд.мм.гггг');
  await from.pressSequentially('01012020');
  await expect(from).toHaveValue('01.01.2020');
  await from.press('Enter');
  await page.getByTestId('date-to').fill('31.02.2020');
  await page.getByTestId('date-to').press('Enter');
  await expect(page.getByTestId('date-to')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('date-to')).toHaveAttribute('title', /дд\.мм\.гггг/);
  await page.getByTestId('date-to').fill('1.1.2020');
  await page.getByTestId('date-to').press('Enter');
  await expect(page.getByTestId('date-to')).toHaveValue('01.01.2020');
  // Seeded documents are from the last 30 days: none in 2020, and the grid says so as «nothing found».
  await expect(page.getByTestId('grid-no-match')).toContainText('Ничего не найдено');
  await expect(page.getByTestId('count-all')).toHaveText('0');
});
