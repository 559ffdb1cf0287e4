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

test('quick filters: clerk-rejected filter with its count; type and folder options show counts over the rest of the filter', async ({ page }) => {
  const first = await app.request<{ rows: { id: number; type: string }[] }>('documents:list', { offset: 0, limit: 1, sort: [{ key: 'id', dir: 'asc' }] });
  const rejected = first.rows[0]!;
  await app.request('documents:reject', { id: rejected.id, reason: 'Нечитаемый скан' });
  await page.goto(harnessUrl('quick-filters'));
  await expect(page.getByTestId('count-clerk-rejected')).toHaveText('1');
  await expect(page.locator('[data-filter="clerk-rejected"]')).toContainText('Отклонены оператором');

  const facets = await app.request<{ types: Record<string, number>; folders: { folderId: number; count: number }[] }>('documents:facets', { filter: { quick: 'all' } });
  const type = page.getByTestId('filter-type');
  await expect(type.locator('option[value="PASSPORT"]')).toHaveText(`Паспорт (${facets.types.PASSPORT})`);
  await expect(type.locator('option[value="INN"]')).toHaveText(`ИНН (${facets.types.INN})`);
  const folder = facets.folders[0]!;
  await expect(page.getByTestId('filter-folder').locator(`option[value="${folder.folderId}"]`)).toHaveText(`/seed/Входящие (${folder.count})`);

  // Choosing a type keeps the other types' counts (what switching to them would show).
  await type.selectOption('INN');
  await expect(type.locator('option[value="PASSPORT"]')).toHaveText(`Паспорт (${facets.types.PASSPORT})`);
  await type.selectOption('');

  // Within the clerk-rejected filter the counts are of rejected documents only.
  await page.locator('[data-filter="clerk-rejected"]').click();
  await expect(page.getByTestId('filter')).toHaveText(/"quick":"clerk-rejected"/);
  const typeLabel = rejected.type === 'PASSPORT' ? 'Паспорт' : rejected.type === 'INN' ? 'ИНН' : 'Селфи';
  await expect(type.locator(`option[value="${rejected.type}"]`)).toHaveText(`${typeLabel} (1)`);
  await expect(page.getByTestId('filter-folder').locator(`option[value="${folder.folderId}"]`)).toHaveText('/seed/Входящие (1)');
});

// A folder drop as Chromium delivers it: DataTransferItem.webkitGetAsEntry() → directory entries whose
// readers return batches, then an empty one. Built in the page (plain JS: the test has no DOM types).
const DROP_FOLDER_SCRIPT = `(() => {
  let n = 0; // distinct bytes per file, so none is taken for a duplicate
  const file = (path) => {
    const name = path.split('/').pop();
    const f = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n++])], name, { type: 'image/jpeg' });
    return { isFile: true, isDirectory: false, name, fullPath: path, file: (ok) => ok(f) };
  };
  const dir = (path, children) => ({
    isFile: false, isDirectory: true, name: path.split('/').pop(), fullPath: path,
    createReader: () => { let read = false; return { readEntries: (ok) => { ok(read ? [] : children); read = true; } }; },
  });
  const root = dir('/Пакет', [
    dir('/Пакет/Иванов И.И.', [file('/Пакет/Иванов И.И./паспорт.jpg'), file('/Пакет/Иванов И.И./инн.jpg')]),
    dir('/Пакет/Петров П.П.', [file('/Пакет/Петров П.П./паспорт.jpg'), file('/Пакет/Петров П.П./заявление.docx')]),
  ]);
  const ev = new Event('drop', { cancelable: true });
  Object.defineProperty(ev, 'dataTransfer', { value: { types: ['Files'], items: [{ kind: 'file', webkitGetAsEntry: () => root }], files: [] } });
  window.dispatchEvent(ev);
})()`;

test('drop zone: a dropped folder is walked, files go to the engine with their sub-folder, unsupported ones are named', async ({ page }) => {
  const watched = await startScanDesk(); // a real watched folder: dropped files need somewhere to land
  try {
    await watched.request('queue:pause');
    const u = new URL(watched.url);
    await page.goto(`${u.origin}/harness.html?c=drop-zone&t=${encodeURIComponent(watched.token)}`);
    const sent = page.waitForRequest((r) => r.url().includes('/api/call') && (r.postData() ?? '').includes('intake:add-files'));
    await page.evaluate(DROP_FOLDER_SCRIPT);
    const body = JSON.parse((await sent).postData() ?? '{}') as { args: { files: { name: string; dir?: string }[] } };
    expect(body.args.files.map((f) => [f.dir, f.name])).toEqual([
      ['Пакет/Иванов И.И.', 'паспорт.jpg'], ['Пакет/Иванов И.И.', 'инн.jpg'], ['Пакет/Петров П.П.', 'паспорт.jpg'],
    ]);
    await expect(page.locator('.harness-toast.toast-warning')).toContainText('заявление.docx');
    await expect(page.locator('.harness-toast.toast-info')).toHaveText('Добавлено файлов: 3');
    await expect.poll(async () => (await watched.request<{ total: number }>('documents:list', { offset: 0, limit: 10 })).total).toBe(3);
  } finally {
    await watched.close();
  }
});
