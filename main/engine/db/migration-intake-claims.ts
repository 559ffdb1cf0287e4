// Migration 8: the instance deciding a file ([Note: one instance decides a file]). `deciding_by` / `deciding_until`
// are a short claim on a row still being settled ('seen' / 'waiting'): set when an instance starts hashing and
// decoding the file, and left in place after (they only matter while the row is unsettled).
import type { Migration } from './schema.ts';

export const INTAKE_CLAIMS_MIGRATION: Migration = {
  sqlite: `
  ALTER TABLE documents ADD COLUMN deciding_by TEXT;
  ALTER TABLE documents ADD COLUMN deciding_until INTEGER;
  `,
  pg: `
  ALTER TABLE documents ADD COLUMN deciding_by TEXT;
  ALTER TABLE documents ADD COLUMN deciding_until BIGINT;
  `,
};
