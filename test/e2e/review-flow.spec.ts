// The keyboard review flow a clerk can rely on, in Chromium against a real engine: the F9 walk visits every recognised
// document (clean ones and selfies too) at one keystroke per clean document and k+1 for k flagged-but-right fields;
// documents without recognised data are never reached and Enter on them only explains why; a duplicate shows its
// scan, its reason and a link to the earlier document.
import { test, expect } from '@playwright/test';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentDetail } from '../../shared/api.ts';
import { generateSamples } from '../../main/engine/samples/index.ts';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { DetailPage, GridPage, snapshot } from './helpers/pages.ts';

test.use({ viewport: { width: 1440, height: 900 } });

const ALL_LOW_CANDIDATES = ['BirthPlace', 'IssuedBy', 'MiddleName', 'IssueDate', 'Number', 'MRZ1', 'OrgName', 'RegDate', 'LastName', 'FirstName'];
/** People whose passport has k right-but-uncertain fields (their INN and selfie stay clean). */
const FLAGGED: Record<number, string[]> = { 1: ['IssuedBy'], 4: ['IssuedBy', 'BirthPlace'] };

let app: ScanDeskApp;
test.beforeEach(async () => { app = await startScanDesk(); });
test.afterEach(async () => { await app?.close(); });


async function recognisedCount(): Promise<number> {
  return (await app.request<{ counts: Record<string, number> }>('queue:state')).counts.recognised ?? 0;
}

test('F9 walk over 20 documents with selfies: a clean document costs exactly 1 key, k flagged-but-right fields k+1, all verified', async ({ page }) => {
  const staging = path.join(app.dataDir, 'staging');
  const scenarioFor = (i: number, type: string) => {
    const clean = { confidences: Object.fromEntries(ALL_LOW_CANDIDATES.map((f) => [f, 0.99])), similarity: 0.99, liveness: 0.99 };
    const flagged = FLAGGED[i];
    if (!flagged || type !== 'PASSPORT') return clean;
    return { ...clean, lowConfidence: flagged, confidences: { ...clean.confidences, ...Object.fromEntries(flagged.map((f) => [f, 0.61])) } };
  };
  // 6 people with passport, INN and selfie + 1 with passport and INN = 20 documents.
  const a = await generateSamples({ dir: path.join(staging, 'a'), count: 6, layout: 'folders', scenarioFor });
  const b = await generateSamples({ dir: path.join(staging, 'b'), count: 1, seed: 77, layout: 'folders', include: { selfie: false }, scenarioFor: (_i, type) => scenarioFor(0, type) });
  expect(a.files.length + b.files.length).toBe(20);
  expect(a.files.filter((f) => f.type === 'SELFIE')).toHaveLength(6);
  await cp(path.join(staging, 'a'), app.watchDir, { recursive: true });
  await cp(path.join(staging, 'b'), app.watchDir, { recursive: true });
  await expect.poll(recognisedCount, { timeout: 90_000 }).toBe(20);

  await page.goto(app.url);
  const detail = new DetailPage(page);
  await new GridPage(page).waitForRows(20);
  await page.keyboard.press('F9');
  await expect(detail.root).toBeVisible();

  const keysPerDoc = new Map<number, number>();
  const flaggedPerDoc = new Map<number, number>();
  for (let guard = 0; guard < 100; guard++) {
    const before = await snapshot(page);
    if (before.docId === null) break;
    if (!flaggedPerDoc.has(before.docId)) flaggedPerDoc.set(before.docId, await detail.root.locator('.field[data-attention="yes"]').count());
    await page.keyboard.press('Enter');
    keysPerDoc.set(before.docId, (keysPerDoc.get(before.docId) ?? 0) + 1);
    await expect.poll(async () => JSON.stringify(await snapshot(page)), { timeout: 15_000 }).not.toBe(JSON.stringify(before));
  }
  await expect(detail.root).toHaveCount(0);

  expect(keysPerDoc.size, 'every document visited, selfies included').toBe(20);
  const perDoc = [...flaggedPerDoc].map(([id, k]) => ({ id, k, keys: keysPerDoc.get(id) }));
  expect(perDoc.filter((d) => d.k === 0).length, JSON.stringify(perDoc)).toBe(18);
  expect(perDoc.filter((d) => d.k > 0).map((d) => d.k).sort()).toEqual([1, 2]);
  for (const d of perDoc) expect(d.keys, `document ${d.id} with ${d.k} flagged fields`).toBe(d.k + 1);
  for (const id of keysPerDoc.keys()) {
    expect((await app.request<DocumentDetail>('documents:get', { id })).row.review, `document ${id}`).toBe('verified');
  }
  // One plain confirmation per document, no "despite findings": every value was right.
  const confirms = app.engine.ctx.db.prepare(`SELECT action, count(*) AS n FROM audit_events WHERE action LIKE 'confirm%' GROUP BY action`).all();
  expect(confirms).toEqual([{ action: 'confirm', n: 20 }]);
});

test('documents without recognised data: never in the F9 walk, Enter explains, confirm disabled; a duplicate shows its scan and the earlier document', async ({ page }) => {
  const staging = path.join(app.dataDir, 'staging');
  const { files } = await generateSamples({ dir: staging, count: 1, layout: 'folders', include: { selfie: false } });
  await cp(staging, app.watchDir, { recursive: true });
  await expect.poll(recognisedCount, { timeout: 90_000 }).toBe(2);
  const passport = files.find((f) => f.type === 'PASSPORT')!;
  await cp(passport.path, path.join(app.watchDir, 'копия_скана.jpg'));
  await writeFile(path.join(app.watchDir, 'заявление.docx'), 'PK\u0003\u0004 not a scan');
  const find = (status: string) => app.engine.ctx.db.prepare('SELECT id, duplicate_of AS dup, status_reason AS reason FROM documents WHERE status = ?').get(status) as { id: number; dup: number | null; reason: string } | undefined;
  await expect.poll(() => Boolean(find('duplicate') && find('rejected')), { timeout: 30_000 }).toBe(true);
  const dup = find('duplicate')!;
  const rejected = find('rejected')!;
  expect(dup.dup).not.toBeNull();

  await page.goto(app.url);
  const grid = new GridPage(page);
  const detail = new DetailPage(page);
  await grid.waitForRows(4);

  // The walk: only the two recognised documents are reached (whatever the list order), then back to the grid.
  const recognised = (app.engine.ctx.db.prepare(`SELECT id FROM documents WHERE status = 'recognised' ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
  expect(recognised).toHaveLength(2);
  expect(recognised).toContain(dup.dup);
  await page.keyboard.press('F9');
  await expect(detail.root).toBeVisible();
  const reached: number[] = [];
  for (let guard = 0; guard < 20; guard++) {
    const before = await snapshot(page);
    if (before.docId === null) break;
    if (!reached.includes(before.docId)) reached.push(before.docId);
    await page.keyboard.press('Enter');
    await expect.poll(async () => JSON.stringify(await snapshot(page)), { timeout: 15_000 }).not.toBe(JSON.stringify(before));
  }
  expect(reached.sort((x, y) => x - y)).toEqual(recognised);

  // The duplicate: its scan (the same readable bytes), the reason in full, the link to the earlier document.
  await grid.open(dup.id);
  await detail.waitForScan();
  await expect(detail.root.getByTestId('status-reason')).toHaveText(`Причина: ${dup.reason}`);
  await expect(detail.root.getByTestId('confirm-document')).toBeDisabled();
  await page.keyboard.press('Enter');
  await expect(page.locator('.toast', { hasText: 'Это дубликат' })).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await page.keyboard.press('F8');
  await expect(page.getByTestId('reject-dialog')).toHaveCount(0);
  expect((await app.request<DocumentDetail>('documents:get', { id: dup.id })).row.review).toBe('pending');
  await detail.root.getByTestId('open-earlier').click();
  await detail.waitForDocument(dup.dup!);

  // The rejected .docx: nothing to show, the reason, and Enter changes nothing.
  await page.keyboard.press('Escape');
  await grid.open(rejected.id);
  await expect(detail.root.getByTestId('status-reason')).toContainText(rejected.reason);
  await expect(detail.root.getByTestId('confirm-document')).toBeDisabled();
  await page.keyboard.press('Enter');
  await expect(page.locator('.toast', { hasText: 'отклонён до отправки' })).toBeVisible();
  expect((await app.request<DocumentDetail>('documents:get', { id: rejected.id })).row.review).toBe('pending');
});
