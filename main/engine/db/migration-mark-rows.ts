// Migration 10: every document has its row in document_exports from the moment it is inserted ([Note: a document's
// export mark row]).
import type { Migration } from './schema.ts';

// [Note: a document's export mark row] document_exports keeps each document's latest export time for the grid, and
// a finished export sets it for every document it wrote, in the transaction that marks the export done. Inserting
// those rows (the first export of 100,000 documents) cost ~0.4 s on PostgreSQL, most of it one new index entry per
// row, all of it at the end of the export where nothing else runs beside it; updating rows that already exist costs
// ~0.15 s, in place (migration 9 leaves them room). So each document gets its row, exported_at NULL ("never
// exported"), when it is inserted — by a trigger, so every way a document is inserted makes one — and an export only
// updates. A row missing anyway (deleted by hand) is inserted by the export's second statement
// (export/run.ts markExported). A new document's row starts NULL even if a row with its id was left behind.
export const MARK_ROWS_MIGRATION: Migration = {
  sqlite: `
  CREATE TABLE document_exports_new (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    exported_at INTEGER                          -- the latest finished export that included the document; NULL: none yet
  ) STRICT;
  INSERT INTO document_exports_new(document_id, exported_at) SELECT document_id, exported_at FROM document_exports;
  DROP TABLE document_exports;
  ALTER TABLE document_exports_new RENAME TO document_exports;
  INSERT INTO document_exports(document_id) SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM document_exports);
  CREATE TRIGGER documents_mark_row AFTER INSERT ON documents BEGIN
    INSERT INTO document_exports(document_id) VALUES (NEW.id) ON CONFLICT(document_id) DO UPDATE SET exported_at = NULL;
  END;
  `,
  // One statement per inserted batch (a transition table), not one per row: a copy into the team database inserts
  // documents thousands at a time.
  pg: `
  ALTER TABLE document_exports ALTER COLUMN exported_at DROP NOT NULL;
  INSERT INTO document_exports(document_id) SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM document_exports de WHERE de.document_id = d.id);
  CREATE OR REPLACE FUNCTION scandesk_mark_rows() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO document_exports(document_id) SELECT id FROM added ON CONFLICT (document_id) DO UPDATE SET exported_at = NULL;
    RETURN NULL;
  END $$;
  CREATE TRIGGER documents_mark_rows AFTER INSERT ON documents REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION scandesk_mark_rows();
  `,
};
