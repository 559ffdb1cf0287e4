// Migration 6: several ScanDesk instances on one database. Each running instance keeps a row in `instances` with a
// heartbeat; a case being sent records the instance sending it (`cases.owner_id`), so another instance can tell a
// send in flight elsewhere (leave it alone) from one whose instance died (its lease ran out: recover it,
// see [Note: instances hold leases]).
import type { Migration } from './schema.ts';

export const TEAM_PROCESSING_MIGRATION: Migration = {
  sqlite: `
  CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    clerk        TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  ) STRICT;
  ALTER TABLE cases ADD COLUMN owner_id TEXT;
  CREATE INDEX cases_owner ON cases(state, owner_id);
  `,
  pg: `
  CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    clerk        TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
  );
  ALTER TABLE cases ADD COLUMN owner_id TEXT;
  CREATE INDEX cases_owner ON cases(state, owner_id);
  `,
};
