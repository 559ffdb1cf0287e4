// Column templates: built-ins (code) + saved ones (export_templates table).
import { exportTemplateSchema, type ExportTemplate } from '../../../shared/api/export.ts';
import type { Db } from '../db/open.ts';
import { UserError } from '../dispatch.ts';
import { isKnownColumn } from '../../../shared/export-columns.ts';
import { BUILT_IN_TEMPLATES } from './columns.ts';

type Row = { id: string; name: string; columns: string };

export function createTemplateStore(db: Db) {
  const all = db.prepare<[], Row>('SELECT id, name, columns FROM export_templates ORDER BY name');
  const one = db.prepare<[string], Row>('SELECT id, name, columns FROM export_templates WHERE id = ?');
  const put = db.prepare('INSERT INTO export_templates(id, name, columns) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, columns = excluded.columns');
  const del = db.prepare('DELETE FROM export_templates WHERE id = ?');
  // Saved JSON is re-validated: a template saved by an older version must not crash an export.
  const fromRow = (r: Row): ExportTemplate | null => {
    try {
      const parsed = exportTemplateSchema.safeParse({ id: r.id, name: r.name, columns: JSON.parse(r.columns) as unknown, builtIn: false });
      return parsed.success && parsed.data.columns.every((c) => isKnownColumn(c.key)) ? parsed.data : null;
    } catch {
      return null;
    }
  };
  const builtIn = (id: string) => BUILT_IN_TEMPLATES.find((t) => t.id === id);
  return {
    list: (): ExportTemplate[] => [...BUILT_IN_TEMPLATES, ...all.all().map(fromRow).filter((t): t is ExportTemplate => t !== null)],
    get(id: string): ExportTemplate {
      const t = builtIn(id) ?? (() => { const r = one.get(id); return r ? fromRow(r) : null; })();
      if (!t) throw new UserError('export.template-not-found', `Шаблон выгрузки «${id}» не найден`, `Export template "${id}" not found`);
      return t;
    },
    save(t: ExportTemplate): ExportTemplate {
      if (builtIn(t.id)) throw new UserError('export.template-built-in', 'Встроенный шаблон нельзя изменить — сохраните под другим именем', 'Built-in templates cannot be changed');
      const unknown = t.columns.filter((c) => !isKnownColumn(c.key)).map((c) => c.key);
      if (unknown.length) throw new UserError('export.unknown-column', `Неизвестные столбцы: ${unknown.join(', ')}`, `Unknown columns: ${unknown.join(', ')}`);
      put.run(t.id, t.name, JSON.stringify(t.columns.map((c) => (c.header ? { key: c.key, header: c.header } : { key: c.key }))));
      return { ...t, builtIn: false };
    },
    remove(id: string): void {
      if (builtIn(id)) throw new UserError('export.template-built-in', 'Встроенный шаблон нельзя удалить', 'Built-in templates cannot be deleted');
      if (del.run(id).changes === 0) throw new UserError('export.template-not-found', `Шаблон выгрузки «${id}» не найден`, `Export template "${id}" not found`);
    },
  };
}
