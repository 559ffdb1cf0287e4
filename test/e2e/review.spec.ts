// A clerk reviews a batch of 20 generated documents using ONLY the keyboard. Most documents
// are clean (one keystroke each: Enter); three people have low-confidence fields; the clerk corrects
// two values and accepts the rest. Then we check, through the engine and its database: review states,
// the stored values, the audit rows, the keystroke count, and that undo restores the recognised value.
import { test, expect } from '@playwright/test';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DocumentDetail } from '../../shared/api.ts';
import { generateSamples } from '../../main/engine/samples/index.ts';
import { ARTIFACTS_DIR, startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';
import { DetailPage, GridPage, snapshot } from './helpers/pages.ts';

const LOW_PEOPLE = new Set([1, 4, 7]);
const ALL_LOW_CANDIDATES = ['BirthPlace', 'IssuedBy', 'MiddleName', 'IssueDate', 'Number', 'MRZ1', 'OrgName', 'RegDate'];
/** Free-text fields a clerk may retype without breaking a checksum or a date. */
const CORRECTABLE = new Set(['IssuedBy', 'OrgName']);

test.use({ viewport: { width: 1440, height: 900 } });

let app: ScanDeskApp;
test.beforeEach(async () => { app = await startScanDesk(); });
test.afterEach(async () => { await app?.close(); });


test('keyboard-only review of 20 documents: one keystroke per clean document, corrections stored and audited, undo restores', async ({ page }) => {
  const startedAt = Date.now();
  const staging = path.join(app.dataDir, 'staging');
  const { files } = await generateSamples({
    dir: staging, count: 10, layout: 'folders', include: { selfie: false },
    // Clean people: every field the generator might make uncertain comes back at 0.99.
    // Low people: the issuer (passport) / tax office (INN) is uncertain on top of 1–2 random fields.
    scenarioFor: (i, type) => {
      if (!LOW_PEOPLE.has(i)) return { confidences: Object.fromEntries(ALL_LOW_CANDIDATES.map((f) => [f, 0.99])) };
      const field = type === 'PASSPORT' ? 'IssuedBy' : 'OrgName';
      return { lowConfidence: [field], confidences: { [field]: 0.61 } };
    },
  });
  expect(files.length).toBe(20);
  await cp(staging, app.watchDir, { recursive: true });
  await expect.poll(async () => (await app.request<{ counts: Record<string, number> }>('queue:state')).counts.recognised, { timeout: 90_000 }).toBe(20);

  await page.goto(app.url);
  const grid = new GridPage(page);
  const detail = new DetailPage(page);
  await grid.waitForRows(20);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'review-grid.png') });

  // Start reviewing from the grid (F9), then Enter / typing only.
  let commandKeys = 0;
  const press = async (key: string) => { commandKeys++; await page.keyboard.press(key); };
  await press('F9');
  await expect(detail.root).toBeVisible();

  const keysPerDoc = new Map<number, number>();
  const attentionPerDoc = new Map<number, number>();
  const corrected: { docId: number; field: string; value: string }[] = [];
  let screenshotTaken = false;
  for (let guard = 0; guard < 200; guard++) {
    const before = await snapshot(page);
    if (before.docId === null) break;
    const docId = before.docId;
    if (!attentionPerDoc.has(docId)) attentionPerDoc.set(docId, await detail.root.locator('.field[data-attention="yes"]').count());
    if (!screenshotTaken && (attentionPerDoc.get(docId) ?? 0) > 0) {
      await detail.waitForScan();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'review-detail.png') });
      screenshotTaken = true;
    }
    if (before.current && corrected.length < 2 && CORRECTABLE.has(before.current)) {
      const value = `ИСПРАВЛЕНО ${corrected.length + 1}`;
      await page.keyboard.type(value); // the field's text is selected on focus: typing replaces it
      corrected.push({ docId, field: before.current, value });
    }
    await press('Enter');
    keysPerDoc.set(docId, (keysPerDoc.get(docId) ?? 0) + 1);
    // Wait for the state to move on (field accepted, next document, or back to the grid) — no sleeps.
    await expect.poll(async () => JSON.stringify(await snapshot(page)), { timeout: 15_000 }).not.toBe(JSON.stringify(before));
  }
  await expect(detail.root).toHaveCount(0);

  // Every document was visited; clean ones took exactly one keystroke, others one per attention field.
  expect(keysPerDoc.size).toBe(20);
  const clean = [...attentionPerDoc].filter(([, n]) => n === 0).map(([id]) => id);
  expect(clean.length).toBeGreaterThanOrEqual(10);
  for (const id of clean) expect(keysPerDoc.get(id)).toBe(1);
  // One Enter per field needing attention (a correction may raise a new finding that also needs a look).
  for (const [id, n] of attentionPerDoc) if (n > 0) expect(keysPerDoc.get(id)).toBeGreaterThanOrEqual(n);
  expect(commandKeys).toBe(1 + [...keysPerDoc.values()].reduce((a, b) => a + b, 0));
  expect(corrected.length).toBe(2);

  // The engine's view: all verified; corrections stored with the recognised value kept; audit rows written.
  for (const id of keysPerDoc.keys()) {
    const d = await app.request<DocumentDetail>('documents:get', { id });
    expect(d.row.review, `document ${id}`).toBe('verified');
  }
  for (const c of corrected) {
    const d = await app.request<DocumentDetail>('documents:get', { id: c.docId });
    const f = d.fields.find((x) => x.name === c.field)!;
    expect(f.value).toBe(c.value);
    expect(f.state).toBe('corrected');
    expect(f.recognised).not.toBe(c.value);
    expect(d.history.some((h) => h.field === c.field && h.newValue === c.value && h.source === 'clerk')).toBe(true);
  }
  // Each correction's audit row: recognised value → clerk's value, by the OS user, stamped during this test.
  const finishedAt = Date.now();
  for (const c of corrected) {
    const recognisedValue = (await app.request<DocumentDetail>('documents:get', { id: c.docId })).fields.find((x) => x.name === c.field)!.recognised;
    const rows = app.engine.ctx.db
      .prepare(`SELECT at, actor, old_value AS oldValue, new_value AS newValue, source FROM audit_events WHERE document_id = ? AND field = ? AND action = 'set-field'`)
      .all(c.docId, c.field) as { at: number; actor: string; oldValue: string | null; newValue: string | null; source: string }[];
    expect(rows, `${c.field} of document ${c.docId}`).toHaveLength(1);
    const row = rows[0]!;
    expect(row.oldValue).toBe(recognisedValue);
    expect(row.newValue).toBe(c.value);
    expect(row.actor).toBe(os.userInfo().username);
    expect(row.source).toBe('clerk');
    expect(row.at).toBeGreaterThanOrEqual(startedAt);
    expect(row.at).toBeLessThanOrEqual(finishedAt);
  }
  const auditRows = app.engine.ctx.db.prepare(`SELECT COUNT(*) AS n FROM audit_events`).get() as { n: number };
  expect(auditRows.n).toBeGreaterThanOrEqual(22); // 20 confirmations + 2 corrections at least

  // Undo (Ctrl+Z) on a corrected field restores the recognised value.
  const first = corrected[0]!;
  const recognised = (await app.request<DocumentDetail>('documents:get', { id: first.docId })).fields.find((x) => x.name === first.field)!.recognised;
  await grid.open(first.docId);
  await detail.input(first.field).focus();
  await page.keyboard.press('Control+z');
  await expect(detail.input(first.field)).toHaveValue(recognised ?? '');
  const after = await app.request<DocumentDetail>('documents:get', { id: first.docId });
  const undone = after.fields.find((x) => x.name === first.field)!;
  expect(undone.value).toBe(recognised);
  expect(undone.state).toBe('pending');
  expect(after.history.some((h) => h.field === first.field && h.source === 'undo')).toBe(true);
});
