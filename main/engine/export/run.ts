// The one export path (UI handler and `scandesk export` both call exportToFile). Streams pages of documents
// into a temp file beside the target and renames it only when complete, so a failed export never leaves a
// file that looks finished. Every export is logged (exports + export_documents + audit_events) — 152-ФЗ practice;
// document_exports keeps each document's latest export time for the grid.
import fs from 'node:fs';
import path from 'node:path';
import { exportOptionsSchema, type ExportOptions } from '../../../shared/api/export.ts';
import { DOC_TYPE_LABELS, FIELD_LABELS } from '../../../shared/fields.ts';
import { FINDING_SOURCE_LABELS, labelOf, SEVERITY_LABELS } from '../../../shared/labels.ts';
import { DOC_TYPES, assertNever, type DocType, type Language } from '../../../shared/types.ts';
import type { EngineContext } from '../context.ts';
import { startRun, type Db } from '../db/open.ts';
import { UserError } from '../dispatch.ts';
import { columnAppliesTo, isPerCase, readsOf, resolveColumns, type Column, type Unit } from './columns.ts';
import { createCsvWriter } from './csv.ts';
import { createJsonWriter } from './json.ts';
import { createRecordReader, groupByCase, type DocRecord, type RecordReader } from './records.ts';
import { buildExportWhere, type Where } from './scope.ts';
import { openSink, type Sink } from './sink.ts';
import { createTemplateStore } from './templates.ts';
import type { createXlsxWriter } from './xlsx.ts';

export type ExportResult = { exportId: number; rows: number; file: string };
export type ProgressFn = (done: number, total: number) => void;

export async function exportToFile(ctx: EngineContext, options: ExportOptions, outFile: string, onProgress?: ProgressFn, onStart?: (exportId: number) => void): Promise<ExportResult> {
  const opts = exportOptionsSchema.parse(options);
  const template = createTemplateStore(ctx.db).get(opts.templateId ?? 'default');
  const threshold = ctx.settings.get().confidenceThreshold;
  const where = buildExportWhere(opts, threshold);
  const file = path.resolve(outFile);
  const db = ctx.db;
  const exportId = Number(
    db.prepare(`INSERT INTO exports(at, actor, format, options, file_path, state) VALUES (?, ?, ?, ?, ?, 'running')`)
      .run(ctx.clock.now(), ctx.actor, opts.format, JSON.stringify(opts), file).lastInsertRowid,
  );
  onStart?.(exportId);
  const tmp = `${file}.${process.pid}.${exportId}.part`;
  const reader = createRecordReader(db, where);
  const links = linker(db, exportId, reader.count(), onProgress);
  let renamed = false;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const rows = await writeFile(ctx, tmp, { opts, template, reader, where, threshold, track: links.track });
    const unlinked = links.collect();
    if (unlinked) throw unlinked;
    fs.renameSync(tmp, file);
    renamed = true;
    const now = ctx.clock.now();
    const details = { exportId, format: opts.format, file, rows, documents: links.count(), scope: opts.scope.kind };
    db.transaction(() => {
      db.prepare(`UPDATE exports SET state = 'done', row_count = ? WHERE id = ?`).run(rows, exportId);
      markExported(db, exportId, now, links.linked());
      db.prepare(`INSERT INTO audit_events(at, actor, action, source, details) VALUES (?, ?, 'export', 'clerk', ?)`).run(now, ctx.actor, JSON.stringify(details));
    })();
    ctx.events.documentsChanged('all');
    ctx.log.info('export done', { exportId, format: opts.format, rows });
    return { exportId, rows, file };
  } catch (err) {
    links.collect(); // the export has failed already: its links only need to be answered
    // A file is only ever left behind by an export logged as done.
    fs.rmSync(renamed ? file : tmp, { force: true });
    db.prepare(`UPDATE exports SET state = 'failed' WHERE id = ?`).run(exportId);
    ctx.log.error('export failed', { exportId, err: String(err) });
    if (err instanceof UserError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new UserError('export.failed', `Не удалось выгрузить файл: ${reason}`, `Export failed: ${reason}`);
  }
}

/**
 * Sets the latest export time of every document the export linked: an update of the row each document has had since
 * it was inserted ([Note: a document's export mark row]). Fewer rows updated than documents linked means a row is
 * missing or a document was deleted meanwhile; the upsert settles both.
 */
function markExported(db: Db, exportId: number, now: number, linked: number): void {
  const updated = db.prepare(
    `UPDATE document_exports AS de SET exported_at = ? FROM export_documents ed WHERE ed.export_id = ? AND ed.document_id = de.document_id`,
  ).run(now, exportId).changes;
  if (updated === linked) return;
  db.prepare(
    // Joined with documents: a document deleted meanwhile (a case erased on another computer) gets no mark
    // ([Note: export bookkeeping on PostgreSQL]).
    `INSERT INTO document_exports(document_id, exported_at)
     SELECT ed.document_id, ? FROM export_documents ed JOIN documents d ON d.id = ed.document_id WHERE ed.export_id = ?
     ON CONFLICT(document_id) DO UPDATE SET exported_at = excluded.exported_at`,
  ).run(now, exportId);
}

/**
 * Links each written document to its export (152-ФЗ practice: which documents left, when, in which file) and reports
 * progress. One statement per page, not one per row: row by row, linking 100k documents cost over a second. Sent as a
 * page is handed out and not waited for ([Note: pipelined statements]), so the server links it while the page is being
 * written; collect() waits for them all. A document is linked once even if a change during the export shows it twice
 * (a case formed between the case-less and the by-case pages).
 */
function linker(db: Db, exportId: number, total: () => number, onProgress?: ProgressFn) {
  const link = db.prepare('INSERT INTO export_documents(export_id, document_id) SELECT ?, value FROM json_each(?)');
  const linked = new Set<number>();
  const answers: (() => void)[] = [];
  let done = 0;
  return {
    track(docs: readonly DocRecord[]) {
      const ids = docs.map((d) => d.id).filter((id) => !linked.has(id));
      ids.forEach((id) => linked.add(id));
      if (ids.length) answers.push(startRun(link, exportId, JSON.stringify(ids)));
      done += docs.length;
      onProgress?.(done, total());
    },
    count: () => done,
    /** Documents linked, each once. */
    linked: () => linked.size,
    /** Waits for every link sent (and the count); answers the first failure, if any. */
    collect(): unknown {
      let failure: unknown = null;
      for (const answer of [total, ...answers.splice(0)]) {
        try {
          answer();
        } catch (err) {
          failure ??= err;
        }
      }
      return failure;
    },
  };
}

type FileJob = {
  opts: ExportOptions;
  template: ReturnType<ReturnType<typeof createTemplateStore>['get']>;
  reader: RecordReader;
  where: Where;
  threshold: number;
  track: (docs: readonly DocRecord[]) => void;
};

/** Writes the export's file at `tmp`; answers the number of rows written. */
async function writeFile(ctx: EngineContext, tmp: string, job: FileJob): Promise<number> {
  const { opts, reader, track } = job;
  const lang = opts.headerLanguage;
  const columns = resolveColumns(job.template, lang);
  const perCase = isPerCase(job.template);
  let rows = 0;
  switch (opts.format) {
    case 'csv':
      await withSink(tmp, async (sink) => {
        const csv = createCsvWriter(sink, opts.csvPreset, columns);
        await csv.header();
        for (const units of unitsOf(reader.pages({ byCase: perCase, detail: { kind: 'values' }, ...readsOf(columns, false) }), perCase, columns)) {
          track(units.flat());
          await csv.rows(units);
          rows += units.length;
        }
      });
      return rows;
    case 'json':
    case 'ndjson': {
      const format = opts.format;
      await withSink(tmp, async (sink) => {
        const json = createJsonWriter(sink, format);
        await json.begin();
        for (const page of reader.pages({ detail: { kind: 'full' } })) {
          track(page);
          await json.records(page);
          rows += page.length;
        }
        await json.end();
      });
      return rows;
    }
    case 'xlsx':
      return writeXlsx(ctx, tmp, { reader, where: job.where, columns, perCase, lang, threshold: job.threshold, track });
    default:
      return assertNever(opts.format, 'export format');
  }
}

/** Streams into `file` and closes it; on any failure the half-written stream is destroyed (the caller removes it). */
async function withSink(file: string, write: (sink: Sink) => Promise<void>): Promise<void> {
  const sink = openSink(file);
  try {
    await write(sink);
    await sink.close();
  } catch (err) {
    sink.destroy();
    throw err;
  }
}

/**
 * Rows to write: one per document, or one per case. A case row whose every cell is empty (a failed file with no
 * case and no fields) is left out — an empty line in a 1C load is noise, not data.
 */
function* unitsOf(pages: Iterable<DocRecord[]>, perCase: boolean, columns: readonly Column[]): Generator<Unit[]> {
  if (!perCase) {
    for (const page of pages) yield page.map((d) => [d]);
    return;
  }
  for (const groups of groupByCase(pages)) {
    const kept = groups.filter((u) => columns.some((c) => c.value(u) !== null));
    if (kept.length) yield kept;
  }
}

type XlsxJob = {
  reader: RecordReader;
  where: Where;
  columns: Column[];
  perCase: boolean;
  lang: Language;
  threshold: number;
  track: (docs: readonly DocRecord[]) => void;
};

async function writeXlsx(ctx: EngineContext, tmp: string, job: XlsxJob): Promise<number> {
  const { reader, where, columns, perCase, lang } = job;
  // Loaded on first use: exceljs costs ~0.5 s and tens of MB at engine start-up, and most sessions never write XLSX.
  const { createXlsxWriter } = await import('./xlsx.ts');
  const xlsx = createXlsxWriter(tmp, { threshold: job.threshold, lang });
  let rows = 0;
  const types = ctx.db.prepare<unknown[], { t: DocType }>(`SELECT DISTINCT d.doc_type AS t FROM documents d WHERE ${where.sql}`).all(...where.params)
    .map((r) => r.t)
    .sort((a, b) => DOC_TYPES.indexOf(a) - DOC_TYPES.indexOf(b));
  // A mixed per-document export gets one sheet per type, each with only that type's fields.
  const sheets: { name: string; type?: DocType; columns: Column[] }[] = perCase || types.length <= 1
    ? [{ name: perCase ? (lang === 'ru' ? 'Лица' : 'Persons') : (lang === 'ru' ? 'Документы' : 'Documents'), columns }]
    : types.map((t) => ({ name: DOC_TYPE_LABELS[t][lang], type: t, columns: columns.filter((c) => columnAppliesTo(c.key, t)) }));
  for (const spec of sheets) {
    const sheet = xlsx.addSheet(spec.name, spec.columns);
    for (const units of unitsOf(reader.pages({ byCase: perCase, detail: { kind: 'spreadsheet', threshold: job.threshold }, ...readsOf(spec.columns, true), ...(spec.type ? { type: spec.type } : {}) }), perCase, spec.columns)) {
      job.track(units.flat());
      await sheet.addUnits(units);
      rows += units.length;
    }
    await sheet.commit();
  }
  await writeFindingsSheet(ctx, xlsx, where, lang);
  await xlsx.commit();
  return rows;
}

/** "Замечания" sheet: every finding of the exported documents, paged by finding id. */
async function writeFindingsSheet(ctx: EngineContext, xlsx: ReturnType<typeof createXlsxWriter>, where: Where, lang: Language) {
  const ru = lang === 'ru';
  const stmt = ctx.db.prepare(
    `SELECT f.id, d.file_name AS file, c.label AS caseLabel, d.doc_type AS type, f.field, f.severity, f.code,
       f.message_ru AS messageRu, f.message_en AS messageEn, f.source
     FROM findings f JOIN documents d ON d.id = f.document_id LEFT JOIN cases c ON c.id = d.case_id
     WHERE (${where.sql}) AND f.id > ? ORDER BY f.id LIMIT 1000`,
  );
  type Row = { id: number; file: string; caseLabel: string | null; type: DocType; field: string | null; severity: string; code: string; messageRu: string; messageEn: string; source: string };
  const col = (key: string, ruH: string, enH: string, width: number, get: (r: Row) => string | null): Column => ({
    key, header: ru ? ruH : enH, text: false, width, reads: [], value: (u) => get(u[0] as unknown as Row), review: () => null,
  });
  const cols = [
    col('file', 'Файл', 'File', 28, (r) => r.file),
    col('case', 'Дело', 'Case', 26, (r) => r.caseLabel),
    col('type', 'Тип документа', 'Document type', 14, (r) => DOC_TYPE_LABELS[r.type][lang]),
    col('field', 'Поле', 'Field', 16, (r) => (r.field === null ? null : FIELD_LABELS[r.field]?.[lang] ?? r.field)),
    col('severity', 'Серьёзность', 'Severity', 12, (r) => labelOf(SEVERITY_LABELS, r.severity, lang)),
    col('code', 'Код', 'Code', 24, (r) => r.code),
    col('message', 'Сообщение', 'Message', 60, (r) => (ru ? r.messageRu : r.messageEn)),
    col('source', 'Источник', 'Source', 10, (r) => labelOf(FINDING_SOURCE_LABELS, r.source, lang)),
  ];
  const sheet = xlsx.addSheet(ru ? 'Замечания' : 'Findings', cols);
  let after = 0;
  for (;;) {
    const page = stmt.all(...where.params, after) as Row[];
    if (page.length === 0) break;
    // The findings columns read a Row where the document columns read a Unit; both are one-element arrays.
    await sheet.addUnits(page.map((r) => [r as unknown as DocRecord]));
    after = page[page.length - 1]!.id;
  }
  await sheet.commit();
}
