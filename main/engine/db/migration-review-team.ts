// Migration 5: several clerks on one database. `documents.version` counts the clerks' writes to a document and
// `edited_by` names who made the latest, so an edit made against an older version by another clerk is refused
// instead of silently overwriting theirs ([Note: one clerk's edit never overwrites another's]). `doc_claims` holds
// who is verifying a document right now, until when.
import type { Migration } from './schema.ts';

export const REVIEW_TEAM_MIGRATION: Migration = {
  sqlite: `
  ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE documents ADD COLUMN edited_by TEXT;
  CREATE TABLE doc_claims (
    document_id   INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    clerk         TEXT NOT NULL,
    claimed_until INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX doc_claims_clerk ON doc_claims(clerk);
  `,
  pg: `
  ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE documents ADD COLUMN edited_by TEXT;
  CREATE TABLE doc_claims (
    document_id   BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    clerk         TEXT NOT NULL,
    claimed_until BIGINT NOT NULL
  );
  CREATE INDEX doc_claims_clerk ON doc_claims(clerk);
  `,
};
