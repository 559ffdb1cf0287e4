// The one place that writes a document's fields and the denormalised columns the grid reads
// (values_json, search_text, min_confidence, low_conf_count). Used by the queue when a result arrives,
// by the review module after a clerk edit, and by test/bench seeders — so the three never disagree.
import type { Db } from '../db/open.ts';
import { isAbsentField } from '../../../shared/fields.ts';
import { searchTextOf } from './search-text.ts';

export type RecognisedField = { name: string; value: string | null; confidence: number | null };

export function createDocumentFieldsWriter(db: Db) {
  const del = db.prepare('DELETE FROM fields WHERE document_id = ?');
  const ins = db.prepare(
    `INSERT INTO fields(document_id, name, recognised, value, confidence, state) VALUES (?, ?, ?, ?, ?, 'pending')`,
  );
  const read = db.prepare<[number], { name: string; recognised: string | null; value: string | null; confidence: number | null }>(
    'SELECT name, recognised, value, confidence FROM fields WHERE document_id = ?',
  );
  const meta = db.prepare<[number], { file_name: string; label: string | null }>(
    'SELECT d.file_name, c.label FROM documents d LEFT JOIN cases c ON c.id = d.case_id WHERE d.id = ?',
  );
  const upd = db.prepare(
    `UPDATE documents SET values_json = ?, search_text = ?, min_confidence = ?, low_conf_count = ?, updated_at = ? WHERE id = ?`,
  );

  /** Recompute the grid's denormalised columns from the fields rows. */
  function refresh(documentId: number, threshold: number, now: number): void {
    const rows = read.all(documentId);
    const values: Record<string, string | null> = {};
    let min: number | null = null;
    let low = 0;
    for (const r of rows) {
      values[r.name] = r.value;
      // A field the document does not have (empty, confidence 0) says nothing about recognition quality.
      if (r.confidence !== null && !isAbsentField(r.recognised, r.confidence)) {
        min = min === null ? r.confidence : Math.min(min, r.confidence);
        if (r.confidence < threshold) low++;
      }
    }
    const m = meta.get(documentId);
    const search = searchTextOf([m?.file_name ?? '', m?.label ?? '', ...Object.values(values).filter((v): v is string => !!v)]);
    upd.run(JSON.stringify(values), search, min, low, now, documentId);
  }

  /** Replace all fields of a document with a fresh recognition result (value = recognised, state pending). */
  function replace(documentId: number, fields: RecognisedField[], threshold: number, now: number): void {
    del.run(documentId);
    for (const f of fields) ins.run(documentId, f.name, f.value, f.value, f.confidence);
    refresh(documentId, threshold, now);
  }

  return { replace, refresh };
}
export type DocumentFieldsWriter = ReturnType<typeof createDocumentFieldsWriter>;
