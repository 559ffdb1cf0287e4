// The export dialog's column editor in real Chromium against a real engine (browser mode): choose and order
// columns, save them as a named template, export with it (the CSV on disk has exactly those headers in that order),
// delete the template; the built-in 1C template stays read-only.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';

let app: ScanDeskApp;
let exportDir: string;
test.beforeAll(async () => {
  app = await startScanDesk({ seed: 9, seedOptions: { seed: 5 } });
  exportDir = path.join(app.dataDir, 'Экспорт');
  app.engine.ctx.settings.set({ exportDir });
});
test.afterAll(async () => { await app?.close(); });

test('column editor: reorder, remove, add, save as a named template, export with it, delete it', async ({ page }) => {
  await page.goto(app.url);
  await page.getByTestId('open-export').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByLabel('Формат').selectOption('csv');
  await dialog.getByLabel('Что выгрузить').selectOption('all');
  await dialog.getByTestId('export-template').selectOption('1c-persons');
  const editor = dialog.getByTestId('column-editor');
  await editor.locator('summary').click();
  await expect(editor).toContainText('Встроенный шаблон не меняется');
  await expect(editor.getByRole('button', { name: 'Удалить шаблон' })).toHaveCount(0);

  const item = (key: string) => editor.locator(`li[data-key="${key}"]`);
  await item('passport:IssuedBy').getByRole('button', { name: 'Убрать столбец' }).click();
  await item('inn:INN').getByRole('button', { name: 'Выше' }).click();
  await editor.getByTestId('column-add').selectOption('case');
  await editor.getByRole('button', { name: 'Добавить', exact: true }).click();
  const order = ['ФИО', 'Дата рождения', 'Паспорт серия', 'Паспорт номер', 'Дата выдачи', 'ИНН', 'Код подразделения', 'Дело'];
  await expect(editor.getByTestId('column-list').locator('li span')).toHaveText(order);
  // Unsaved columns hold the export back (an export always runs a saved template).
  await expect(dialog.getByTestId('export-unsaved')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Выгрузить' })).toBeDisabled();

  await editor.getByTestId('template-name').fill('Мой 1С');
  await editor.getByRole('button', { name: 'Сохранить как новый шаблон' }).click();
  const templates = await app.request<{ id: string; name: string; builtIn: boolean }[]>('export:templates', {});
  const mine = templates.find((t) => t.name === 'Мой 1С');
  expect(mine?.builtIn).toBe(false);
  await expect(dialog.getByTestId('export-template')).toHaveValue(mine!.id);
  await expect(dialog.getByRole('button', { name: 'Выгрузить' })).toBeEnabled();

  await dialog.getByRole('button', { name: 'Выгрузить' }).click();
  await expect(dialog.getByTestId('export-result')).toContainText('Готово');
  const [last] = await app.request<{ fileName: string }[]>('export:log', { limit: 1 });
  const rows = parse(fs.readFileSync(path.join(exportDir, last!.fileName), 'utf8'), { bom: true, delimiter: ';' }) as string[][];
  expect(rows[0]).toEqual(order);
  expect(rows).toHaveLength(1 + 3); // 9 seeded documents = 3 people, one row each
  for (const r of rows.slice(1)) expect(r[5]).toMatch(/^\d{12}$/);

  await expect(editor).toHaveAttribute('open', ''); // still open on the saved template
  await dialog.getByRole('button', { name: 'Удалить шаблон' }).click();
  await expect(dialog.getByTestId('export-template')).toHaveValue('default');
  await expect(dialog.getByTestId('export-template').locator('option', { hasText: 'Мой 1С' })).toHaveCount(0);
  expect((await app.request<{ id: string }[]>('export:templates', {})).some((t) => t.id === mine!.id)).toBe(false);
});
