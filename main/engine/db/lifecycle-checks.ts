// Migration 4: `documents.status`, `documents.review_state` and `cases.state` only hold known values. SQLite adds a
// CHECK only by rebuilding the table, done here by its documented ALTER TABLE procedure (sqlite.org/lang_altertable.html,
// "Making Other Kinds Of Table Schema Changes"): create the new table, copy the rows, drop the old one, rename, then
// re-create the old table's indexes and triggers from the SQL saved before the drop. migrate() runs it inside the
// migration transaction with foreign keys off and checks every reference before commit. The value lists are frozen
// here on purpose (a migration must not change meaning when shared/types.ts later grows a status: that is a new
// migration); test/unit/db-migrations.test.ts checks they still equal DOC_STATUSES / CASE_STATES / REVIEW_STATES.
import type { Db } from './open.ts';

const CASES = `
  CREATE TABLE cases_new (
    id               INTEGER PRIMARY KEY,
    folder_id        INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    case_key         TEXT NOT NULL,              -- grouping key (sub-folder or name prefix), unique among open cases
    label            TEXT NOT NULL,              -- what the clerk sees ("Иванов И.И")
    state            TEXT NOT NULL DEFAULT 'collecting'
                     CHECK (state IN ('collecting','queued','sending','processing','done','failed','rejected','uncertain','cancelled')),
    window_until     INTEGER,                    -- collecting: submit when now >= window_until
    beorg_document_id TEXT,                      -- Beorg's document_id once known (never re-submit automatically)
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_try_at      INTEGER,
    last_error       TEXT,
    error_kind       TEXT,                       -- transient | final | offline | rate-limit | auth
    intent_at        INTEGER,                    -- committed BEFORE the POST (crash safety)
    submitted_at     INTEGER,                    -- document_id received (billable)
    polls            INTEGER NOT NULL DEFAULT 0,
    next_poll_at     INTEGER,
    poll_deadline_at INTEGER,
    overdue          INTEGER NOT NULL DEFAULT 0,
    completed_at     INTEGER,
    raw_result       TEXT,                       -- raw JSON body of document/result
    verdict          TEXT,                       -- ok | review | rejected (local checks)
    verdict_reasons  TEXT NOT NULL DEFAULT '[]', -- JSON string[]
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
  ) STRICT;`;

const DOCUMENTS = `
  CREATE TABLE documents_new (
    id             INTEGER PRIMARY KEY,
    folder_id      INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    case_id        INTEGER REFERENCES cases(id) ON DELETE CASCADE,
    path           TEXT NOT NULL,                -- absolute path at intake
    rel_path       TEXT NOT NULL,                -- relative to the watched folder
    file_name      TEXT NOT NULL,
    current_path   TEXT,                         -- where the original is now (after a move), NULL if gone
    size           INTEGER,
    mtime_ms       INTEGER,
    sha256         TEXT,
    mime           TEXT,
    width          INTEGER,
    height         INTEGER,
    pages          INTEGER,
    upload_path    TEXT,                         -- prepared upload (recompressed / converted), if any
    doc_type       TEXT NOT NULL CHECK (doc_type IN ('PASSPORT','INN','SELFIE')),
    api_key        TEXT,                         -- process_info key, e.g. PASSPORT1
    status         TEXT NOT NULL                 -- DocStatus
                   CHECK (status IN ('seen','waiting','queued','sending','processing','recognised','failed','rejected','ignored','duplicate','uncertain','cancelled')),
    status_reason  TEXT,                         -- Russian, for the clerk
    status_code    TEXT,                         -- machine code of the reason (e.g. preflight.too-small)
    duplicate_of   INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    broken         INTEGER,                      -- NULL / 0 / 1 as the API said
    broken_reasons    TEXT NOT NULL DEFAULT '[]',
    broken_reasons_ru TEXT NOT NULL DEFAULT '[]',
    api_verifications TEXT,                      -- JSON metadata.verifications
    match_score    REAL,
    liveness_score REAL,
    raw_document   TEXT,                         -- JSON of this documents[] entry
    review_state   TEXT NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending','verified','postponed','rejected')),
    review_reason  TEXT,
    reviewed_at    INTEGER,
    reviewed_by    TEXT,
    min_confidence REAL,                         -- denormalised for fast filters
    low_conf_count INTEGER NOT NULL DEFAULT 0,
    error_count    INTEGER NOT NULL DEFAULT 0,
    warning_count  INTEGER NOT NULL DEFAULT 0,
    search_text    TEXT NOT NULL DEFAULT '',     -- lower-cased file name + field values, for free-text search
    values_json    TEXT NOT NULL DEFAULT '{}',   -- {field: final value} for grid sort/read without a join
    purged_at      INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  ) STRICT;`;

function rebuild(db: Db, table: string, createNew: string): void {
  const dependents = db
    .prepare<[string], { sql: string }>(`SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
    .all(table);
  db.exec(createNew);
  db.exec(`INSERT INTO ${table}_new SELECT * FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${table}_new RENAME TO ${table}`);
  for (const d of dependents) db.exec(d.sql);
}

export function addLifecycleChecks(db: Db): void {
  rebuild(db, 'cases', CASES);
  rebuild(db, 'documents', DOCUMENTS);
}
