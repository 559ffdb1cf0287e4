// Exports a clerk can hand over, in real Chromium against a real engine (browser mode): the dialog opens on the grid's
// filter after a single row click (the selection only when several rows were chosen), says how many documents go out
// and how many without data stay out, warns that a CSV loses leading zeros and switches to XLSX in one click; the
// grid shows Пол and the department code in one form. Screenshots land in test/artifacts.
import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ARTIFACTS_DIR, startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { GridPage } from './helpers/pages.ts';

test.use({ viewport: { width: 1440, height: 900 } });

let app: ScanDeskApp;
let ids: { passport1: number; passport2: number; inn1: number; thumbs: number };
test.beforeAll(async () => {
  app = await startScanDesk({ seed: 9, seedOptions: { seed: 5 } });
  app.engine.ctx.settings.set({ exportDir: path.join(app.dataDir, 'Экспорт') });
  const db = app.engine.ctx.db;
  const byType = (t: string) => (db.prepare('SELECT id FROM documents WHERE doc_type = ? ORDER BY id').all(t) as { id: number }[]).map((r) => r.id);
  const [passport1, passport2] = byType('PASSPORT') as [number, number];
  const [inn1] = byType('INN') as [number];
  // What the API may send: a department code without its hyphen, a series with a leading zero.
  const setValue = (id: number, name: string, value: string) => {
    db.prepare('UPDATE fields SET value = ?, recognised = ? WHERE document_id = ? AND name = ?').run(value, value, id, name);
    db.prepare(`UPDATE documents SET values_json = json_set(values_json, '$.' || ?, ?) WHERE id = ?`).run(name, value, id);
  };
  setValue(passport1, 'IssueId', '770001');
  setValue(passport2, 'Series', '0312');
  // A scanner's Thumbs.db: skipped, no data.
  const folder = (db.prepare('SELECT folder_id AS f FROM documents WHERE id = ?').get(passport1) as { f: number }).f;
  const thumbs = Number(db.prepare(`INSERT INTO documents(folder_id, path, rel_path, file_name, doc_type, status, status_reason, created_at, updated_at)
    VALUES (?, '/seed/Входящие/Thumbs.db', 'Thumbs.db', 'Thumbs.db', 'PASSPORT', 'ignored', 'Системный файл', 1, 1)`).run(folder).lastInsertRowid);
  ids = { passport1, passport2, inn1, thumbs };
});
test.afterAll(async () => { await app?.close(); });

async function openExport(page: Page) {
  await page.getByTestId('open-export').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

test.describe('grid', () => {
  // Wide enough that AG Grid renders the department code column (columns out of view are not in the DOM).
  test.use({ viewport: { width: 2560, height: 900 } });
  test('the grid shows Пол М/Ж for the INN\'s Latin M/F and the department code as NNN-NNN', async ({ page }) => {
    await page.goto(app.url);
    const grid = new GridPage(page);
    await grid.waitForRows(10);
    await expect(grid.cell(ids.passport1, 'field:IssueId')).toHaveText('770-001');
    const raw = (app.engine.ctx.db.prepare(`SELECT value FROM fields WHERE document_id = ? AND name = 'Gender'`).get(ids.inn1) as { value: string }).value;
    expect(['M', 'F']).toContain(raw);
    await expect(grid.cell(ids.inn1, 'field:Gender')).toHaveText(raw === 'M' ? 'М' : 'Ж');
    await expect(grid.cell(ids.thumbs, 'status')).toContainText('Пропущен');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'export-grid-shown-forms.png') });
  });
});

test('a single row click leaves the scope on the current filter; several rows chosen on purpose are the selection', async ({ page }) => {
  await page.goto(app.url);
  const grid = new GridPage(page);
  await grid.waitForRows(10);
  await grid.cell(ids.passport1, 'fileName').click();
  let dialog = await openExport(page);
  await expect(dialog.getByLabel('Что выгрузить')).toHaveValue('filter');
  await expect(dialog.getByLabel('Что выгрузить').locator('option[value="selection"]')).toHaveText('Выделенные строки (1)');
  await dialog.getByRole('button', { name: 'Закрыть' }).click();

  await grid.cell(ids.passport2, 'fileName').click({ modifiers: ['Control'] });
  dialog = await openExport(page);
  await expect(dialog.getByLabel('Что выгрузить')).toHaveValue('selection');
  await expect(dialog.getByTestId('export-preview')).toContainText('Войдёт документов: 2');
  await dialog.getByRole('button', { name: 'Закрыть' }).click();
});

test('CSV: rows without data stay out unless asked; leading zeros are pointed out and XLSX is one click away', async ({ page }) => {
  await page.goto(app.url);
  const dialog = await openExport(page);
  await dialog.getByLabel('Формат').selectOption('csv');
  const preview = dialog.getByTestId('export-preview');
  await expect(preview).toContainText('Войдёт документов: 9');
  await expect(preview).toContainText('Не войдут файлы без данных: 1');
  const warning = dialog.getByTestId('export-leading-zeros');
  await expect(warning).toContainText('Серия 0312');
  await expect(warning).toContainText('0312 → 312');
  await expect(dialog.getByTestId('export-template').locator('option:checked')).toHaveText('Все столбцы');
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'export-dialog-leading-zeros.png') });

  // The CSV as it is: nine documents with data, states in words.
  await dialog.getByRole('button', { name: 'Выгрузить', exact: true }).click();
  await expect(dialog.getByTestId('export-result')).toContainText('строк: 9');
  const [last] = await app.request<{ fileName: string }[]>('export:log', { limit: 1 });
  const rows = parse(fs.readFileSync(path.join(app.dataDir, 'Экспорт', last!.fileName), 'utf8'), { bom: true, delimiter: ';' }) as string[][];
  const col = (h: string) => rows[0]!.indexOf(h);
  expect(new Set(rows.slice(1).map((r) => r[col('Статус')]))).toEqual(new Set(['Распознан']));
  expect(new Set(rows.slice(1).map((r) => r[col('Проверка')]))).toEqual(new Set(['Не проверен']));

  await dialog.getByTestId('export-include-unrecognised').check();
  await expect(preview).toContainText('Войдёт документов: 10');
  await expect(preview).not.toContainText('без данных');

  await warning.getByRole('button', { name: 'Выгрузить в XLSX' }).click();
  await expect(dialog.getByLabel('Формат')).toHaveValue('xlsx');
  await expect(dialog.getByTestId('export-leading-zeros')).toHaveCount(0);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'export-dialog-xlsx.png') });
});
