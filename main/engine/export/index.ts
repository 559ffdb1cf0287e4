// Export module: handlers for the UI. The file always goes into the export folder (exportDirOf: the clerk's
// 'exportDir' setting or the default) under a generated name — the renderer never supplies a path.
import fs from 'node:fs';
import path from 'node:path';
import type { ExportLogEntry, ExportOptions } from '../../../shared/api/export.ts';
import type { EngineContext, EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { dataPaths } from '../paths.ts';
import { describeScope } from './scope.ts';
import { exportToFile } from './run.ts';
import { createTemplateStore } from './templates.ts';
import { previewExport } from './preview.ts';

export { exportToFile } from './run.ts';
export { createTemplateStore } from './templates.ts';
export { buildExportWhere } from './scope.ts';
export { BUILT_IN_TEMPLATES, neutraliseFormula } from './columns.ts';
export { jsonRecordSchema } from './json.ts';
export { previewExport } from './preview.ts';

const EXTENSIONS: Record<ExportOptions['format'], string> = { xlsx: 'xlsx', csv: 'csv', json: 'json', ndjson: 'ndjson' };

/** The one answer to "where do exports go": the clerk's `exportDir` setting, else the default under the data folder
 *  (app:info shows the same). */
export function exportDirOf(ctx: EngineContext): string {
  return ctx.settings.get().exportDir || dataPaths(ctx.dataDir).exports;
}

/** ScanDesk_2026-11-22_1532.xlsx in local time; _2, _3… when that minute already has a file. */
export function exportFileName(dir: string, at: number, format: ExportOptions['format']): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  const base = `ScanDesk_${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}`;
  const ext = EXTENSIONS[format];
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}.${ext}` : `${base}_${i}.${ext}`;
    if (!fs.existsSync(path.join(dir, name))) return name;
  }
}

export function createExportModule(ctx: EngineContext): EngineModule {
  const templates = createTemplateStore(ctx.db);
  return {
    name: 'export',
    handlers: {
      'export:run': async (options) => {
        const dir = exportDirOf(ctx);
        try {
          fs.mkdirSync(dir, { recursive: true });
        } catch (err) {
          throw new UserError('export.dir', `Папка выгрузки недоступна: ${dir}`, `Export folder is not writable: ${dir} (${String(err)})`);
        }
        const fileName = exportFileName(dir, ctx.clock.now(), options.format);
        let lastEmit = 0;
        let exportId = 0;
        try {
          const result = await exportToFile(ctx, options, path.join(dir, fileName), (done, total) => {
            const now = ctx.clock.now();
            // ≤ ~10 events/s, like every push event; the final one always goes out below.
            if (now - lastEmit < 100) return;
            lastEmit = now;
            ctx.events.emit('export:progress', { exportId, done, total, finished: false, fileName: null, error: null });
          }, (id) => { exportId = id; });
          ctx.events.emit('export:progress', { exportId, done: result.rows, total: result.rows, finished: true, fileName, error: null });
          return { exportId: result.exportId, fileName, rows: result.rows };
        } catch (err) {
          const message = err instanceof UserError ? err.messageRu : String(err);
          ctx.events.emit('export:progress', { exportId, done: 0, total: 0, finished: true, fileName: null, error: message });
          throw err;
        }
      },
      'export:preview': (o) => previewExport(ctx.db, o, templates.get(o.templateId ?? 'default'), ctx.settings.get().confidenceThreshold),
      'export:templates': () => templates.list(),
      'export:save-template': (t) => templates.save(t),
      'export:delete-template': ({ id }) => templates.remove(id),
      'export:log': ({ limit }): ExportLogEntry[] => {
        const rows = ctx.db
          .prepare<[number], { id: number; at: number; actor: string; format: string; file_path: string; row_count: number; options: string; state: string }>(
            'SELECT id, at, actor, format, file_path, row_count, options, state FROM exports ORDER BY id DESC LIMIT ?',
          )
          .all(limit);
        return rows.map((r) => ({
          id: r.id, at: r.at, actor: r.actor, format: r.format, fileName: path.basename(r.file_path), rows: r.row_count,
          scope: scopeText(r.options) + (r.state === 'done' ? '' : ` (${r.state})`),
        }));
      },
      'export:open-folder': ({ exportId }) => {
        const row = ctx.db.prepare<[number], { file_path: string }>('SELECT file_path FROM exports WHERE id = ?').get(exportId);
        if (!row) throw new UserError('export.not-found', 'Выгрузка не найдена', 'Export not found');
        // The file may have been moved away since: reveal the folder instead.
        const target = fs.existsSync(row.file_path) ? row.file_path : path.dirname(row.file_path);
        return { path: row.file_path, revealed: ctx.reveal(target) };
      },
    },
  };
}

function scopeText(optionsJson: string): string {
  try {
    const o = JSON.parse(optionsJson) as Partial<ExportOptions>;
    return o.scope ? describeScope(o.scope) + (o.onlyVerified ? '+verified' : '') + (o.includeUnrecognised ? '+unrecognised' : '') : 'all';
  } catch {
    return 'unknown';
  }
}
