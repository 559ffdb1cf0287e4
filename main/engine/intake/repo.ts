// Intake's SQL, prepared once: folders, the documents intake writes, and the cases it assembles. Rows are typed
// here and nowhere else in intake.
import { folderOptionsSchema, type Folder } from '../../../shared/settings.ts';
import type { DocType } from '../../../shared/types.ts';
import type { Db } from '../db/open.ts';
import { createIntakeMoves } from '../state/intake-moves.ts';

export type FolderRow = { id: number; path: string; default_type: DocType; options: string; enabled: number };
export type DocRow = {
  id: number;
  folder_id: number | null;
  case_id: number | null;
  path: string;
  rel_path: string;
  file_name: string;
  current_path: string | null;
  size: number | null;
  mtime_ms: number | null;
  sha256: string | null;
  doc_type: DocType;
  status: string;
  status_reason: string | null;
  status_code: string | null;
  review_state: string;
  created_at: number;
};
export type CaseDoc = { id: number; doc_type: DocType; status: string };
export type EarlierCopy = { id: number; file_name: string; created_at: number; status: string };
/** What a decision writes besides its status (pre-flight's findings about the file). */
export type Meta = { mime: string | null; width: number | null; height: number | null; pages: number | null; uploadPath: string | null };
export const emptyMeta: Meta = { mime: null, width: null, height: null, pages: null, uploadPath: null };

export function toFolder(r: FolderRow): Folder {
  let raw: unknown = {};
  try {
    raw = JSON.parse(r.options);
  } catch {
    /* a damaged options column falls back to defaults */
  }
  const parsed = folderOptionsSchema.safeParse(raw);
  return { id: r.id, path: r.path, defaultType: r.default_type, options: parsed.success ? parsed.data : folderOptionsSchema.parse({}), enabled: r.enabled === 1 };
}

export type IntakeRepo = ReturnType<typeof createIntakeRepo>;

export function createIntakeRepo(db: Db) {
  return {
    ...createIntakeMoves(db),
    folders: db.prepare<[], FolderRow>('SELECT id, path, default_type, options, enabled FROM folders ORDER BY id'),
    folder: db.prepare<[number], FolderRow>('SELECT id, path, default_type, options, enabled FROM folders WHERE id = ?'),
    folderByPath: db.prepare<[string], { id: number }>('SELECT id FROM folders WHERE path = ?'),
    insertFolder: db.prepare<[string, DocType, string, number]>('INSERT INTO folders(path, default_type, options, enabled, created_at) VALUES (?, ?, ?, 1, ?)'),
    updateFolder: db.prepare<[DocType, string, number, number]>('UPDATE folders SET default_type = ?, options = ?, enabled = ? WHERE id = ?'),
    deleteFolder: db.prepare<[number]>('DELETE FROM folders WHERE id = ?'),
    latestByPath: db.prepare<[string], DocRow>('SELECT * FROM documents WHERE path = ? ORDER BY id DESC LIMIT 1'),
    doc: db.prepare<[number], DocRow>('SELECT * FROM documents WHERE id = ?'),
    // Taken, or renewed, by this instance unless a live other one holds it ([Note: one instance decides a file]).
    claimDecision: db.prepare<{ id: number; me: string; now: number; until: number }>(
      `UPDATE documents SET deciding_by = @me, deciding_until = @until
       WHERE id = @id AND status IN ('seen','waiting')
         AND (deciding_by IS NULL OR deciding_by = @me OR deciding_until < @now OR deciding_by NOT IN (SELECT id FROM instances))`,
    ),
    setStat: db.prepare<[number, number, number, number]>('UPDATE documents SET size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?'),
    dropFields: db.prepare<[number]>('DELETE FROM fields WHERE document_id = ?'),
    dropFindings: db.prepare<[number]>('DELETE FROM findings WHERE document_id = ?'),
    audit: db.prepare<{ at: number; actor: string; caseId: number | null; documentId: number; action: string; oldValue: string | null; newValue: string | null; details: string }>(
      `INSERT INTO audit_events(at, actor, case_id, document_id, field, action, old_value, new_value, source, details)
       VALUES (@at, @actor, @caseId, @documentId, NULL, @action, @oldValue, @newValue, 'engine', @details)`,
    ),
    copyResult: db.prepare<{ src: number; dst: number }>(
      `UPDATE documents SET values_json = (SELECT values_json FROM documents WHERE id = @src), broken = (SELECT broken FROM documents WHERE id = @src),
         broken_reasons = (SELECT broken_reasons FROM documents WHERE id = @src), broken_reasons_ru = (SELECT broken_reasons_ru FROM documents WHERE id = @src)
       WHERE id = @dst`,
    ),
    copyFields: db.prepare<[number, number]>(
      'INSERT OR IGNORE INTO fields(document_id, name, recognised, value, confidence, state) SELECT ?, name, recognised, value, confidence, state FROM fields WHERE document_id = ?',
    ),
    // [Note: the same bytes are never paid twice] Any earlier copy that was or MAY have been billed counts: on its
    // way (queued/sending/processing), recognised, 'uncertain' (sent, no answer), or failed after Beorg gave it a
    // document_id (billed, then the result went wrong). Failed before any document_id = never billed = not a duplicate.
    // A recognised copy is preferred so 'warn' can copy its result.
    earlierSame: db.prepare<[string, number], EarlierCopy>(
      `SELECT d.id, d.file_name, d.created_at, d.status FROM documents d LEFT JOIN cases c ON c.id = d.case_id
        WHERE d.sha256 = ? AND d.id != ?
          AND (d.status IN ('queued','sending','processing','recognised','uncertain') OR (d.status = 'failed' AND c.beorg_document_id IS NOT NULL))
        ORDER BY d.status = 'recognised' DESC, d.id LIMIT 1`,
    ),
    caseState: db.prepare<[number], { state: string }>('SELECT state FROM cases WHERE id = ?'),
    // Final documents whose original is still in place ([Note: originals move after the commit]).
    unmoved: db.prepare<[], DocRow>(
      `SELECT d.* FROM documents d LEFT JOIN cases c ON c.id = d.case_id
        WHERE d.current_path = d.path AND d.folder_id IS NOT NULL
          AND (d.status = 'rejected' OR (d.status IN ('recognised','duplicate','failed') AND c.state IN ('done','failed','rejected')))
        ORDER BY d.id`,
    ),
    // The first open case of this key without a live document of this type — one statement, not one query per open
    // case: a sub-folder of 500 passports has 500 open cases "Label (n)", and the per-case loop made a scan quadratic.
    freeCase: db.prepare<[string, DocType], { id: number }>(
      `SELECT c.id FROM cases c WHERE c.case_key = ? AND c.state = 'collecting'
          AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id AND d.doc_type = ? AND d.status NOT IN ('ignored','rejected','duplicate'))
        ORDER BY c.id LIMIT 1`,
    ),
    countOpen: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM cases WHERE case_key = ? AND state = 'collecting'"),
    deleteCase: db.prepare<[number]>("DELETE FROM cases WHERE id = ? AND state = 'collecting'"),
    detachDoc: db.prepare<[number, number]>('UPDATE documents SET case_id = NULL, updated_at = ? WHERE id = ?'),
    bumpCase: db.prepare<[number, number, number]>("UPDATE cases SET window_until = ?, updated_at = ? WHERE id = ? AND state = 'collecting'"),
    ripeCases: db.prepare<[number], { id: number }>(
      `SELECT c.id FROM cases c WHERE c.state = 'collecting' AND c.window_until <= ?
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id AND d.status IN ('seen','waiting'))`,
    ),
    caseDocs: db.prepare<[number], CaseDoc>('SELECT id, doc_type, status FROM documents WHERE case_id = ? ORDER BY id'),
    caseOfDoc: db.prepare<[number], { case_id: number | null }>('SELECT case_id FROM documents WHERE id = ?'),
    caseRipeness: db.prepare<[number], { w: number | null; busy: number }>(
      `SELECT c.window_until AS w, EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id AND d.status IN ('seen','waiting')) AS busy
         FROM cases c WHERE c.id = ? AND c.state = 'collecting'`,
    ),
    futureWindows: db.prepare<[number], { id: number; w: number }>("SELECT id, window_until AS w FROM cases WHERE state = 'collecting' AND window_until > ?"),
    setApiKey: db.prepare<[string, number, number]>('UPDATE documents SET api_key = ?, updated_at = ? WHERE id = ?'),
    caseDocsFull: db.prepare<[number], DocRow>('SELECT * FROM documents WHERE case_id = ? ORDER BY id'),
    setCurrentPath: db.prepare<[string, number, number]>('UPDATE documents SET current_path = ?, updated_at = ? WHERE id = ?'),
    setReason: db.prepare<[string, string | null, number, number]>('UPDATE documents SET status_reason = ?, status_code = ?, updated_at = ? WHERE id = ?'),
    // Originals still in place after a failed move ([Note: originals move after the commit]); the note is MOVE_NOTE.
    countMoveFailures: db.prepare<[string], { n: number }>(
      "SELECT COUNT(*) AS n FROM documents WHERE current_path = path AND instr(coalesce(status_reason, ''), ?) > 0",
    ),
    unsettled: db.prepare<[], DocRow>("SELECT * FROM documents WHERE status IN ('seen','waiting') ORDER BY id"),
    countUnsettled: db.prepare<[], { n: number }>(
      "SELECT (SELECT COUNT(*) FROM documents WHERE status IN ('seen','waiting')) + (SELECT COUNT(*) FROM cases WHERE state = 'collecting') AS n",
    ),
  };
}
