// What the export dialog (and `scandesk export`) tells the clerk before the export runs: how many documents it writes, how many of the
// scope it leaves out for having no data, and whether the chosen rows hold an identifier with a leading zero.
// A spreadsheet opening a CSV by double-click types every cell itself and turns 0312 into 312 and the INN
// 021676515574 into 21676515574; XLSX keeps them (text cells), so the dialog offers XLSX when this says so.
import type { ExportPreview, ExportTemplate } from '../../../shared/api/export.ts';
import type { Db } from '../db/open.ts';
import { buildExportWhere, type ExportWhereOptions, type Where } from './scope.ts';

/** Identifier fields that are all digits and may start with 0 (dates and codes with a hyphen stay text anyway). */
export const LEADING_ZERO_FIELDS = ['Series', 'Number', 'INN', 'OGRN', 'KPP'] as const;

/** The leading-zero fields a template writes as their own cells ('passport:series-number' joins them with a space: text). */
export function leadingZeroFieldsOf(template: ExportTemplate): string[] {
  const names = new Set(template.columns.map((c) => /^(?:field|passport|inn):(.+)$/.exec(c.key)?.[1]).filter((n) => n !== undefined));
  return LEADING_ZERO_FIELDS.filter((f) => names.has(f));
}

/**
 * The first document of the scope with such a value, or null. The fields table's (name, value) index turns "starts
 * with 0" into a range scan per field, so only values that do start with 0 are looked at (none at all when the data has
 * no such identifier, the worst case for a table scan), and LIMIT 1 stops at the first one in scope.
 */
export function findLeadingZero(db: Db, where: Where, fields: readonly string[]): ExportPreview['leadingZero'] {
  if (fields.length === 0) return null;
  const row = db
    .prepare<unknown[], { field: string; value: string }>(`SELECT f.name AS field, f.value FROM fields f JOIN documents d ON d.id = f.document_id
      WHERE f.name IN (SELECT value FROM json_each(?)) AND f.value >= '0' AND f.value < '1' AND ltrim(f.value, '0123456789') = ''
        AND (${where.sql}) LIMIT 1`)
    .get(JSON.stringify(fields), ...where.params);
  return row ?? null;
}

/** One pass over the scope: every document of it, and those with data. */
export function previewExport(db: Db, options: ExportWhereOptions, template: ExportTemplate, threshold: number): ExportPreview {
  const scope = buildExportWhere({ ...options, includeUnrecognised: true }, threshold);
  const counts = db
    .prepare<unknown[], { total: number; withData: number }>(`SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN d.status = 'recognised' THEN 1 ELSE 0 END), 0) AS withData FROM documents d WHERE ${scope.sql}`)
    .get(...scope.params) ?? { total: 0, withData: 0 };
  const documents = options.includeUnrecognised ? counts.total : counts.withData;
  return {
    documents,
    withoutData: counts.total - documents,
    leadingZero: findLeadingZero(db, buildExportWhere(options, threshold), leadingZeroFieldsOf(template)),
  };
}
