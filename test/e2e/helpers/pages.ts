// Page objects for the review workspace: the grid, the quick filters and the detail panel.
import { expect, type Locator, type Page } from '@playwright/test';

export class GridPage {
  constructor(readonly page: Page) {}
  get root(): Locator { return this.page.getByTestId('document-grid'); }
  /** Rows of the (virtualised) grid body; pinned + centre parts share a row-id, we use the centre one. */
  get rows(): Locator { return this.root.locator('.ag-center-cols-container .ag-row'); }
  row(documentId: number): Locator { return this.root.locator(`.ag-center-cols-container .ag-row[row-id="${documentId}"]`); }
  rowByFile(fileName: string): Locator { return this.root.locator('.ag-pinned-left-cols-container .ag-row', { hasText: fileName }); }
  cell(documentId: number, colId: string): Locator { return this.root.locator(`.ag-row[row-id="${documentId}"] [col-id="${colId}"]`); }
  async waitForRows(min: number): Promise<void> {
    await expect.poll(async () => this.rows.count()).toBeGreaterThanOrEqual(min);
  }
  async open(documentId: number): Promise<void> {
    await this.cell(documentId, 'fileName').dblclick();
    await expect(this.page.getByTestId('detail-panel')).toHaveAttribute('data-document-id', String(documentId));
  }
  quick(filter: string): Locator { return this.page.locator(`[data-filter="${filter}"]`); }
  count(filter: string): Locator { return this.page.getByTestId(`count-${filter}`); }
}

export class DetailPage {
  constructor(readonly page: Page) {}
  get root(): Locator { return this.page.getByTestId('detail-panel'); }
  field(name: string): Locator { return this.root.locator(`.field[data-field="${name}"]`); }
  input(name: string): Locator { return this.field(name).locator('input'); }
  get currentField(): Locator { return this.root.locator('.field-current'); }
  async documentId(): Promise<number> { return Number(await this.root.getAttribute('data-document-id')); }
  async waitForDocument(id: number): Promise<void> { await expect(this.root).toHaveAttribute('data-document-id', String(id)); }
  /** Visible scan: an <img> or the pdfjs canvas with real pixels. */
  async waitForScan(): Promise<void> {
    const img = this.root.getByTestId('scan-image');
    const canvas = this.root.getByTestId('scan-canvas');
    await expect.poll(async () => {
      if (await img.count()) return img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
      if (await canvas.count()) return canvas.evaluate((el) => (el as unknown as { width: number }).width);
      return 0;
    }).toBeGreaterThan(0);
  }
}

export type Snapshot = { docId: number | null; current: string | null; states: string };
/** The detail panel in one DOM read (no auto-waiting locators: a clean document has no current field at all). */
export async function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null; querySelectorAll(s: string): ArrayLike<{ getAttribute(a: string): string | null }> } | null } }).document;
    const root = doc.querySelector('[data-testid="detail-panel"]');
    if (!root) return { docId: null, current: null, states: '' };
    const current = root.querySelectorAll('.field-current')[0];
    return {
      docId: Number(root.getAttribute('data-document-id')),
      current: current ? current.getAttribute('data-field') : null,
      states: Array.from(root.querySelectorAll('.field')).map((f) => f.getAttribute('data-state')).join(','),
    };
  });
}
