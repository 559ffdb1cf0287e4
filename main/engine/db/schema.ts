// Migrations, stamped with PRAGMA user_version and applied in one transaction.
// Additive after release. Times are epoch-ms integers. The raw API response is kept beside parsed fields.
// The database is the queue: job state, attempts, next-try time and last error are columns.

import type { Db } from './open.ts';
import { PG_FOUNDATION } from './pg/foundation.ts';
import { addLifecycleChecks } from './lifecycle-checks.ts';
import { REVIEW_TEAM_MIGRATION } from './migration-review-team.ts';
import { TEAM_PROCESSING_MIGRATION } from './migration-team-processing.ts';
import { SHARED_BUDGET_MIGRATION } from './migration-shared-budget.ts';
import { INTAKE_CLAIMS_MIGRATION } from './migration-intake-claims.ts';
import { MARK_ROWS_MIGRATION } from './migration-mark-rows.ts';

/** SQL, or a step that needs to read the schema first (a table rebuild). */
export type SqliteMigration = string | ((db: Db) => void);
/**
 * Every migration carries both dialects: team mode runs the same versions on PostgreSQL (db/pg/open-pg.ts).
 * PostgreSQL's version 1 creates the schema as it stood at version 4 (there were never PostgreSQL databases at 1–3),
 * so 2–4 have nothing to do there; from 5 on each gives its PostgreSQL text beside the SQLite one.
 */
export type Migration = { sqlite: SqliteMigration; pg: string };
const AT_FOUNDATION = '';

export const MIGRATIONS: readonly Migration[] = [
  /* 1: foundation */ { pg: PG_FOUNDATION, sqlite: `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
  ) STRICT;

  CREATE TABLE folders (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    default_type TEXT NOT NULL DEFAULT 'PASSPORT' CHECK (default_type IN ('PASSPORT','INN','SELFIE')),
    options      TEXT NOT NULL DEFAULT '{}',   -- JSON FolderOptions
    enabled      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL
  ) STRICT;

  -- One case = one person's documents = ONE add_document request.
  CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    folder_id        INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    case_key         TEXT NOT NULL,              -- grouping key (sub-folder or name prefix), unique among open cases
    label            TEXT NOT NULL,              -- what the clerk sees ("Иванов И.И")
    state            TEXT NOT NULL DEFAULT 'collecting',
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
  ) STRICT;
  CREATE INDEX cases_state_next ON cases(state, next_try_at);
  CREATE INDEX cases_key ON cases(case_key, state);
  CREATE INDEX cases_submitted ON cases(submitted_at);

  -- One source file = one document = one grid row.
  CREATE TABLE documents (
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
    status         TEXT NOT NULL,                -- DocStatus
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
    review_state   TEXT NOT NULL DEFAULT 'pending',
    review_reason  TEXT,
    reviewed_at    INTEGER,
    reviewed_by    TEXT,
    min_confidence REAL,                         -- denormalised for fast filters
    low_conf_count INTEGER NOT NULL DEFAULT 0,
    error_count    INTEGER NOT NULL DEFAULT 0,
    warning_count  INTEGER NOT NULL DEFAULT 0,
    search_text    TEXT NOT NULL DEFAULT '',     -- lower-cased file name + field values, for free-text search
    values_json    TEXT NOT NULL DEFAULT '{}',   -- {field: final value} for grid sort/read without a join
    exported_at    INTEGER,                      -- moved to document_exports in 2
    purged_at      INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX documents_case ON documents(case_id);
  CREATE INDEX documents_sha ON documents(sha256);
  CREATE INDEX documents_path ON documents(path);
  CREATE INDEX documents_status ON documents(status, id);
  CREATE INDEX documents_review ON documents(review_state, id);
  CREATE INDEX documents_type ON documents(doc_type, id);
  CREATE INDEX documents_created ON documents(created_at);
  CREATE INDEX documents_folder ON documents(folder_id, id);
  -- Grid sort by the most-sorted fields without a sort step (review/query.ts inlines the same literal paths).
  CREATE INDEX documents_sort_lastname ON documents(json_extract(values_json, '$.LastName'), id);
  CREATE INDEX documents_sort_number ON documents(json_extract(values_json, '$.Number'), id);
  CREATE INDEX documents_sort_inn ON documents(json_extract(values_json, '$.INN'), id);
  -- Rare-row quick filters (review/query.ts uses the identical WHERE terms): page and count without a scan.
  CREATE INDEX documents_has_errors ON documents(id) WHERE error_count > 0;
  CREATE INDEX documents_exported ON documents(id) WHERE exported_at IS NOT NULL;    -- dropped in 2
  CREATE INDEX documents_duplicates ON documents(id) WHERE status = 'duplicate' OR duplicate_of IS NOT NULL;

  CREATE TABLE fields (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    recognised  TEXT,                            -- value the API returned
    value       TEXT,                            -- final value (clerk or rule fix)
    confidence  REAL,
    state       TEXT NOT NULL DEFAULT 'pending', -- pending | accepted | corrected
    PRIMARY KEY (document_id, name)
  ) STRICT, WITHOUT ROWID;
  -- Duplicate-person lookup (same passport number / INN on another case) without a full scan.
  CREATE INDEX fields_name_value ON fields(name, value);

  CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    field       TEXT,
    severity    TEXT NOT NULL CHECK (severity IN ('error','warning','info')),
    code        TEXT NOT NULL,
    message_ru  TEXT NOT NULL,
    message_en  TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('api','local')),
    fix_value   TEXT,
    fix_note_ru TEXT,
    fix_note_en TEXT,
    related_document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX findings_document ON findings(document_id, field);
  CREATE INDEX findings_case ON findings(case_id);

  -- Full before/after per field with actor and source.
  CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    case_id     INTEGER,
    document_id INTEGER,
    field       TEXT,
    action      TEXT NOT NULL,                   -- set-field | accept-field | confirm | postpone | reject | undo | rule-fix | reprocess | export | delete-case ...
    old_value   TEXT,
    new_value   TEXT,
    source      TEXT NOT NULL CHECK (source IN ('clerk','rule-fix','undo','engine')),
    details     TEXT                             -- JSON
  ) STRICT;
  CREATE INDEX audit_document ON audit_events(document_id, id);
  CREATE INDEX audit_at ON audit_events(at);

  -- Every HTTP request to Beorg: cost meter, rate evidence, debugging (no credentials, no bodies).
  CREATE TABLE api_requests (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    case_id     INTEGER,
    kind        TEXT NOT NULL,                   -- upload | poll
    http_status INTEGER,                         -- NULL on network error
    outcome     TEXT NOT NULL,                   -- ok | not-ready | rate-limited | transient | final | offline
    duration_ms INTEGER,
    billable    INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX api_requests_at ON api_requests(at);

  CREATE TABLE exports (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    format     TEXT NOT NULL,
    options    TEXT NOT NULL,                    -- JSON ExportOptions
    file_path  TEXT NOT NULL,
    row_count  INTEGER NOT NULL DEFAULT 0,
    state      TEXT NOT NULL DEFAULT 'running'   -- running | done | failed
  ) STRICT;
  CREATE TABLE export_documents (
    export_id   INTEGER NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (export_id, document_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX export_documents_doc ON export_documents(document_id);

  CREATE TABLE export_templates (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    columns TEXT NOT NULL                        -- JSON [{key, header?}]
  ) STRICT;
  ` },
  /* 2: "exported" moves out of the wide documents row. Marking 100k rows exported rewrote every documents row
     (values, search text and raw API JSON with it, zero-filled by secure_delete): ~0.8 s of a CSV export whose
     budget is 2 s. The narrow table takes the same marks in ~30 ms. */ { pg: AT_FOUNDATION, sqlite: `
  CREATE TABLE document_exports (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    exported_at INTEGER NOT NULL                 -- the latest finished export that included the document
  ) STRICT;
  INSERT INTO document_exports(document_id, exported_at) SELECT id, exported_at FROM documents WHERE exported_at IS NOT NULL;
  DROP INDEX documents_exported;
  ALTER TABLE documents DROP COLUMN exported_at;
  -- The header's docs/min counts the last 5 minutes of completed cases (queue/repo.ts recentDone).
  CREATE INDEX cases_completed ON cases(completed_at);
  -- Covers every column of the attention / low-confidence filters, so their counts (review/read.ts counts) scan
  -- this narrow index instead of the wide rows: 124 → 19 ms for all quick-filter counts at 100k documents.
  CREATE INDEX documents_attention ON documents(review_state, min_confidence, error_count, warning_count, broken, status);
  ` },
  /* 3: the columns the grid shows by default sort through an index (review/query.ts SORT_COLUMNS and
     fieldSortExpr; the expressions must stay identical). Unindexed, a sort by birth date or confidence at 100k
     documents took 100–280 ms in SQLite alone; through an index the first page takes under 1 ms. Dates sort as
     ГГГГММДД (chronological). Not error count: validation rewrites it for every document it checks, and the
     has-errors filter is the clerk's way to those documents. */ { pg: AT_FOUNDATION, sqlite: `
  CREATE INDEX documents_sort_file ON documents(file_name, id);
  CREATE INDEX documents_sort_confidence ON documents(min_confidence, id);
  CREATE INDEX documents_sort_firstname ON documents(json_extract(values_json, '$.FirstName'), id);
  CREATE INDEX documents_sort_middlename ON documents(json_extract(values_json, '$.MiddleName'), id);
  CREATE INDEX documents_sort_gender ON documents(json_extract(values_json, '$.Gender'), id);
  CREATE INDEX documents_sort_series ON documents(json_extract(values_json, '$.Series'), id);
  CREATE INDEX documents_sort_issuedby ON documents(json_extract(values_json, '$.IssuedBy'), id);
  CREATE INDEX documents_sort_issueid ON documents(json_extract(values_json, '$.IssueId'), id);
  CREATE INDEX documents_sort_birthdate ON documents((substr(json_extract(values_json, '$.BirthDate'), 7, 4) || substr(json_extract(values_json, '$.BirthDate'), 4, 2) || substr(json_extract(values_json, '$.BirthDate'), 1, 2)), id);
  CREATE INDEX documents_sort_issuedate ON documents((substr(json_extract(values_json, '$.IssueDate'), 7, 4) || substr(json_extract(values_json, '$.IssueDate'), 4, 2) || substr(json_extract(values_json, '$.IssueDate'), 1, 2)), id);
  ` },
  /* 4: status / state / review_state hold only known values (a CHECK each; rebuilds two tables). */ { pg: AT_FOUNDATION, sqlite: addLifecycleChecks },
  /* 5: document versions and review claims (several clerks on one database). */ REVIEW_TEAM_MIGRATION,
  /* 6: instances with heartbeats, and the instance sending each case. */ TEAM_PROCESSING_MIGRATION,
  /* 7: one request budget and one 429 pause per Beorg token, across instances. */ SHARED_BUDGET_MIGRATION,
  /* 8: the instance deciding a file, so one file is hashed and decided by one instance. */ INTAKE_CLAIMS_MIGRATION,
  // [Note: export bookkeeping on PostgreSQL] An export writes a link per document and then a mark per document. On
  // PostgreSQL a foreign-key check locks the row it points at, so each link and each new mark also wrote to its
  // document: linking an export of 100,000 documents cost 1.6 s of the CSV's 2 s budget (0.2 s without the checks),
  // and marking them for the first time another 0.4 s. SQLite's checks lock nothing, so it keeps them. Nothing
  // depends on them: export/run.ts links only documents it has just read and marks only linked documents that still
  // exist, under the write lock; erasing a case deletes its links and marks explicitly (privacy.ts), under the same
  // lock; exports are never deleted. The marks table keeps half of each page free, so re-marking a document updates it
  // in place (a "HOT" update, no new index entry): re-marking 100,000 documents took 0.45 s, and 0.14 s with the room.
  /* 9: export links and marks without foreign keys, marks that change in place (PostgreSQL only). */
  { sqlite: '', pg: `ALTER TABLE export_documents DROP CONSTRAINT IF EXISTS export_documents_export_id_fkey,
    DROP CONSTRAINT IF EXISTS export_documents_document_id_fkey;
    ALTER TABLE document_exports DROP CONSTRAINT IF EXISTS document_exports_document_id_fkey;
    ALTER TABLE document_exports SET (fillfactor = 50)` },
  /* 10: a document's export mark row exists from its insert, NULL until it is exported. */ MARK_ROWS_MIGRATION,
  // [Note: search text in an index of its own] A grid search is a LIKE '%word%' test of documents.search_text, which
  // no ordered index can seek; the page stops at its 100th match, but its total and the quick filters' counts test
  // every row. Reading search_text out of whole ~1 KB rows was most of that (a count of «иван» over 100,000 documents
  // took 117 ms, and as long with length(search_text) > 0); from an index holding only search_text and the row id,
  // SQLite scans ~6× fewer pages for the count: 52 ms. PostgreSQL has its trigram index (migration 1) instead.
  /* 11: search_text indexed, so a search's count reads it alone (SQLite only). */
  { sqlite: 'CREATE INDEX documents_search ON documents(search_text)', pg: '' },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
