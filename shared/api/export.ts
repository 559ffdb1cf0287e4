// Contract: exports (CSV/XLSX/JSON/NDJSON), column templates, export log. Implemented in main/engine/export.
import { z } from 'zod';
import { req } from './define.ts';
import { id } from './queue.ts';
import { documentFilterSchema } from './documents.ts';

// The lists live in ../types.ts (no zod there: the renderer bundle imports them).
import { CSV_PRESETS, EXPORT_FORMATS } from '../types.ts';
export { CSV_PRESETS, EXPORT_FORMATS };

export const exportScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('filter'), filter: documentFilterSchema }),
  z.object({ kind: z.literal('selection'), ids: z.array(id).min(1).max(200_000) }),
  z.object({ kind: z.literal('case'), caseId: id }),
]);
export type ExportScope = z.infer<typeof exportScopeSchema>;

export const exportOptionsSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  csvPreset: z.enum(CSV_PRESETS).default('excel-ru'),
  scope: exportScopeSchema.default({ kind: 'all' }),
  onlyVerified: z.boolean().default(false),
  /** Also rows without data: failed, rejected, skipped (temp/system files), duplicate, not yet recognised. */
  includeUnrecognised: z.boolean().optional(),
  templateId: z.string().max(64).optional(), // built-in ('default', '1c-persons') or saved
  headerLanguage: z.enum(['ru', 'en']).default('ru'),
});
export type ExportOptions = z.infer<typeof exportOptionsSchema>;

export const exportColumnSchema = z.object({ key: z.string().max(80), header: z.string().max(120).optional() });
export const exportTemplateSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  columns: z.array(exportColumnSchema).min(1).max(200),
  builtIn: z.boolean().default(false),
});
export type ExportTemplate = z.infer<typeof exportTemplateSchema>;

/** What the export dialog shows before the clerk presses «Выгрузить» (see main/engine/export/preview.ts). */
export const exportPreviewSchema = exportOptionsSchema.pick({ scope: true, onlyVerified: true, includeUnrecognised: true, templateId: true });
export type ExportPreview = {
  /** Documents the export will write. */
  documents: number;
  /** Documents of the same scope left out because they have no data (only counted while includeUnrecognised is off). */
  withoutData: number;
  /** An identifier with a leading zero among the template's columns, which a spreadsheet drops from a CSV ('0312' → 312). */
  leadingZero: { field: string; value: string } | null;
};

export type ExportLogEntry = { id: number; at: number; actor: string; format: string; fileName: string; rows: number; scope: string };

export const exportApi = {
  /** Writes into the export folder (setting), never to a path chosen by the renderer. */
  'export:run': req<{ exportId: number; fileName: string; rows: number }>()(exportOptionsSchema),
  'export:preview': req<ExportPreview>()(exportPreviewSchema),
  'export:templates': req<ExportTemplate[]>()(z.object({})),
  'export:save-template': req<ExportTemplate>()(exportTemplateSchema),
  'export:delete-template': req<void>()(z.object({ id: z.string().min(1).max(64) })),
  'export:log': req<ExportLogEntry[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(100) })),
  'export:open-folder': req<{ path: string; revealed: boolean }>()(z.object({ exportId: id })),
} as const;
