// Hot-folder intake: every file picked up exactly once, settled, pre-flighted, grouped into cases.
// Watching uses chokidar 4: a well-kept library that normalises fs.watch/FSEvents/inotify quirks and offers
// polling for network shares; we add our own settle check (size AND mtime, pitfalls 1/2/14) and a periodic
// full rescan that catches whatever an event missed (pitfalls 3/4). The database is the source of truth.
import { execFileSync } from 'node:child_process';
import { constants as fsc, existsSync, readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { folderOptionsSchema, type Folder, type FolderOptions } from '../../../shared/settings.ts';
import type { DocType } from '../../../shared/types.ts';
import type { EngineContext, EngineModule, IntakeController } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { hashFile, preflight } from './preflight.ts';
import { DONE_DIR, FAILED_DIR, MANUAL_DIR, ignoreReason, isIgnoredDirName, isNetworkPath, parseNetUse, placeFile, pollingFor, sanitiseFileName, splitRel } from './rules.ts';

type FolderRow = { id: number; path: string; default_type: DocType; options: string; enabled: number };
type DocRow = {
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
  status: string;
  created_at: number;
};

/** A file being settled: size/mtime observed last, and its timer. docId null = a known path changed (hash decides). */
type Pending = {
  folderId: number;
  abs: string;
  docId: number | null;
  prevId: number | null;
  size: number;
  mtimeMs: number;
  since: number;
  timer: NodeJS.Timeout | null;
  /** settling: waiting for its settle timer; ready: settled, in the decode queue; processing: in a decode slot. */
  stage: 'settling' | 'ready' | 'processing';
  dirty: boolean;
  attempts: number;
};

const WRITING = 'Файл ещё записывается…';
const SUPERSEDED = 'Файл перезаписан до отправки: отправляется новая версия';
const VANISHED = 'Файл удалён или переименован до окончания записи';
const isWindows = process.platform === 'win32';
/** Files of one directory noted at once during a scan (stats in flight). */
const SCAN_WIDTH = 64;
/** [Note: intake writes are batched] */
const FLUSH_MS = 20;
const FLUSH_MAX = SCAN_WIDTH;
/** Files hashed and decoded at once ([Note: pre-flight memory]). */
const DECODE_WIDTH = 2;

function toFolder(r: FolderRow): Folder {
  let raw: unknown = {};
  try {
    raw = JSON.parse(r.options);
  } catch {
    /* a damaged options column falls back to defaults */
  }
  const parsed = folderOptionsSchema.safeParse(raw);
  return { id: r.id, path: r.path, defaultType: r.default_type, options: parsed.success ? parsed.data : folderOptionsSchema.parse({}), enabled: r.enabled === 1 };
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? '';
}

function readMounts(): string | null {
  try {
    return existsSync('/proc/mounts') ? readFileSync('/proc/mounts', 'utf8') : null;
  } catch {
    return null;
  }
}

/**
 * Windows: is this drive letter mapped to a share? Asked once per folder watch, never per file. The drive root's
 * final path (realpath.native = GetFinalPathNameByHandle) of a mapped drive is the share's UNC path; the trailing
 * backslash matters (`Z:` alone resolves the current directory on Z). A share that is offline fails that, and then
 * `net use` (the user's mapped drives, whatever their state) decides.
 */
function isRemoteDrive(letter: string): boolean {
  try {
    return realpathSync.native(`${letter}:\\`).startsWith('\\\\');
  } catch {
    /* share offline or no such drive: ask net use */
  }
  try {
    // The table is in the OEM code page (cp866 on Russian Windows): decoded as UTF-8 its non-ASCII bytes become U+FFFD,
    // never whitespace or a backslash, so the ASCII shape that parseNetUse matches survives.
    const out = execFileSync('net', ['use'], { encoding: 'utf8', timeout: 5000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
    return parseNetUse(out).has(letter);
  } catch {
    return false;
  }
}

export type IntakeOptions = {
  /** The watcher factory (chokidar's `watch`). Tests wrap it to drop events like a flaky network share does. */
  watch?: typeof watch;
};

export function createIntakeModule(ctx: EngineContext, opts: IntakeOptions = {}): EngineModule & { controller: IntakeController } {
  const watchFn = opts.watch ?? watch;
  const { db, clock, log } = ctx;
  const q = {
    folders: db.prepare<[], FolderRow>('SELECT id, path, default_type, options, enabled FROM folders ORDER BY id'),
    folder: db.prepare<[number], FolderRow>('SELECT id, path, default_type, options, enabled FROM folders WHERE id = ?'),
    folderByPath: db.prepare<[string], { id: number }>('SELECT id FROM folders WHERE path = ?'),
    insertFolder: db.prepare('INSERT INTO folders(path, default_type, options, enabled, created_at) VALUES (?, ?, ?, 1, ?)'),
    updateFolder: db.prepare('UPDATE folders SET default_type = ?, options = ?, enabled = ? WHERE id = ?'),
    deleteFolder: db.prepare('DELETE FROM folders WHERE id = ?'),
    latestByPath: db.prepare<[string], DocRow>('SELECT * FROM documents WHERE path = ? ORDER BY id DESC LIMIT 1'),
    doc: db.prepare<[number], DocRow>('SELECT * FROM documents WHERE id = ?'),
    insertDoc: db.prepare(
      `INSERT INTO documents(folder_id, case_id, path, rel_path, file_name, current_path, size, mtime_ms, doc_type, status,
         status_reason, status_code, search_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setStatus: db.prepare('UPDATE documents SET status = ?, status_reason = ?, status_code = ?, updated_at = ? WHERE id = ?'),
    setGone: db.prepare('UPDATE documents SET status = ?, status_reason = ?, status_code = ?, current_path = NULL, updated_at = ? WHERE id = ?'),
    setStat: db.prepare('UPDATE documents SET size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?'),
    decide: db.prepare(
      `UPDATE documents SET status = ?, status_reason = ?, status_code = ?, size = ?, mtime_ms = ?, sha256 = ?, mime = ?, width = ?,
         height = ?, pages = ?, upload_path = ?, duplicate_of = ?, updated_at = ? WHERE id = ?`,
    ),
    copyResult: db.prepare(
      `UPDATE documents SET values_json = (SELECT values_json FROM documents WHERE id = @src), broken = (SELECT broken FROM documents WHERE id = @src),
         broken_reasons = (SELECT broken_reasons FROM documents WHERE id = @src), broken_reasons_ru = (SELECT broken_reasons_ru FROM documents WHERE id = @src)
       WHERE id = @dst`,
    ),
    copyFields: db.prepare('INSERT OR IGNORE INTO fields(document_id, name, recognised, value, confidence, state) SELECT ?, name, recognised, value, confidence, state FROM fields WHERE document_id = ?'),
    // [Note: the same bytes are never paid twice] Any earlier copy that was or MAY have been billed counts: on its
    // way (queued/sending/processing), recognised, 'uncertain' (sent, no answer), or failed after Beorg gave it a
    // document_id (billed, then the result went wrong). Failed before any document_id = never billed = not a duplicate.
    // A recognised copy is preferred so 'warn' can copy its result.
    earlierSame: db.prepare<[string, number], { id: number; file_name: string; created_at: number; status: string }>(
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
    freeCase: db.prepare<[string, string], { id: number }>(
      `SELECT c.id FROM cases c WHERE c.case_key = ? AND c.state = 'collecting'
          AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id AND d.doc_type = ? AND d.status NOT IN ('ignored','rejected','duplicate'))
        ORDER BY c.id LIMIT 1`,
    ),
    countOpen: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM cases WHERE case_key = ? AND state = 'collecting'"),
    insertCase: db.prepare("INSERT INTO cases(folder_id, case_key, label, state, window_until, created_at, updated_at) VALUES (?, ?, ?, 'collecting', ?, ?, ?)"),
    bumpCase: db.prepare("UPDATE cases SET window_until = ?, updated_at = ? WHERE id = ? AND state = 'collecting'"),
    ripeCases: db.prepare<[number], { id: number }>(
      `SELECT c.id FROM cases c WHERE c.state = 'collecting' AND c.window_until <= ?
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id AND d.status IN ('seen','waiting'))`,
    ),
    caseDocs: db.prepare<[number], { id: number; doc_type: DocType; status: string }>('SELECT id, doc_type, status FROM documents WHERE case_id = ? ORDER BY id'),
    caseOfDoc: db.prepare<[number], { case_id: number | null }>('SELECT case_id FROM documents WHERE id = ?'),
    caseRipeness: db.prepare<[number], { w: number | null; busy: number }>(
      `SELECT c.window_until AS w, EXISTS (SELECT 1 FROM documents d WHERE d.case_id = c.id AND d.status IN ('seen','waiting')) AS busy
         FROM cases c WHERE c.id = ? AND c.state = 'collecting'`,
    ),
    futureWindows: db.prepare<[number], { id: number; w: number }>("SELECT id, window_until AS w FROM cases WHERE state = 'collecting' AND window_until > ?"),
    setApiKey: db.prepare('UPDATE documents SET api_key = ?, updated_at = ? WHERE id = ?'),
    setCaseState: db.prepare('UPDATE cases SET state = ?, updated_at = ? WHERE id = ?'),
    caseDocsFull: db.prepare<[number], DocRow>('SELECT * FROM documents WHERE case_id = ? ORDER BY id'),
    setCurrentPath: db.prepare('UPDATE documents SET current_path = ?, updated_at = ? WHERE id = ?'),
    unsettled: db.prepare<[], DocRow>("SELECT * FROM documents WHERE status IN ('seen','waiting') ORDER BY id"),
    countUnsettled: db.prepare<[], { n: number }>(
      "SELECT (SELECT COUNT(*) FROM documents WHERE status IN ('seen','waiting')) + (SELECT COUNT(*) FROM cases WHERE state = 'collecting') AS n",
    ),
  };

  const pending = new Map<string, Pending>();
  const inflightHashes = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  const watchers = new Map<number, { watcher: FSWatcher; rescan: NodeJS.Timeout }>();
  // [Note: closing cases without scanning them all] Which collecting cases may have become ripe: the cases of
  // documents changed since the last pass, and cases whose documents are all decided but whose window is still
  // open (id → window end). A full pass over every collecting case runs at start, on rescans and every
  // FULL_PASS_MS as a safety net; the old full pass on every call cost ~8 ms at 10,000 open cases, 20+ times a second.
  const dirtyDocs = new Set<number>();
  const windowWaits = new Map<number, number>();
  let lastFullPass = -Infinity;
  let running = false;
  let caseTicker: NodeJS.Timeout | null = null;
  let offFinished: (() => void) | null = null;
  let mounts: string | null | undefined;

  const uploadsDir = path.join(ctx.dataDir, 'cache', 'uploads');
  const getFolder = (id: number): Folder | null => {
    const r = q.folder.get(id);
    return r ? toFolder(r) : null;
  };
  const changed = (id: number) => {
    ctx.events.documentsChanged([id]);
    dirtyDocs.add(id);
  };
  const setStatus = (id: number, status: string, reason: string | null, code: string | null) => {
    q.setStatus.run(status, reason, code, clock.now(), id);
    changed(id);
  };
  const track = (p: Promise<void>) => {
    const guarded = p.catch((err: unknown) => log.error('intake: unexpected failure', { err: String(err) }));
    inflight.add(guarded);
    void guarded.finally(() => inflight.delete(guarded));
  };

  // [Note: intake writes are batched]
  // Intake's hot writes (a file noticed: its document and case rows; a file decided) share ONE transaction per
  // batch: queued as they come, committed FLUSH_MS after the first one or as soon as FLUSH_MAX are waiting. A commit
  // per file cost 0.5–3 ms (WAL append + index pages) and was most of an initial scan's time. "Within a tick" was
  // not enough: stats and decodes complete one or two per event-loop turn, so batches stayed at ~2 writes; a short
  // window gives ~FLUSH_MAX during a scan and 5–10 decisions per commit while decoding, and nobody waits on it
  // (the decode slot is free before the commit, see processFile). Only intake's own writes join: the queue's
  // "intent before the POST" commit must never wait for, or be rolled back with, ours.
  type Write = { run: () => void; resolve: () => void; reject: (err: unknown) => void; noticed: string | null };
  let writes: Write[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  let flushSoon: NodeJS.Immediate | null = null;
  /** Runs `run` inside the next batch's transaction; resolves once that is committed. `noticed` = the file whose
   *  pending entry `run` may create (forgotten again if the commit fails, so the next event or rescan re-notices it). */
  function batched(noticed: string | null, run: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      writes.push({ run, resolve, reject, noticed });
      if (writes.length >= FLUSH_MAX) flushSoon ??= setImmediate(flushWrites);
      else flushTimer ??= setTimeout(flushWrites, FLUSH_MS);
    });
  }
  function flushWrites() {
    if (flushTimer) clearTimeout(flushTimer);
    if (flushSoon) clearImmediate(flushSoon);
    flushTimer = null;
    flushSoon = null;
    const batch = writes;
    writes = [];
    if (batch.length === 0) return;
    const failed = new Map<Write, unknown>();
    try {
      db.transaction(() => {
        for (const w of batch) {
          try {
            w.run(); // a failing statement undoes only itself (or its savepoint); the others still commit
          } catch (err) {
            failed.set(w, err);
          }
        }
      })();
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of this turn is stored.
      for (const w of batch) {
        const p = w.noticed !== null ? pending.get(w.noticed) : undefined;
        if (p && p.stage !== 'processing') {
          if (p.timer) clearTimeout(p.timer);
          pending.delete(p.abs);
        }
        w.reject(err);
      }
      return;
    }
    for (const w of batch) {
      if (failed.has(w)) w.reject(failed.get(w));
      else w.resolve();
    }
  }

  /** `fn` over `items`, at most `width` at a time; one item's failure is logged and does not stop the others. */
  async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length && running) {
        const item = items[next++]!;
        try {
          await fn(item);
        } catch (err) {
          log.warn('intake: noting a file failed', { err: String(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  }

  // ---------- cases ----------

  /** One PASSPORT + one SELFIE + one INN per case: another document of a taken type opens "Label (2)". */
  function assignCase(folder: Folder, groupKey: string, label: string, type: DocType): number {
    const key = `${folder.id}|${groupKey}`;
    const now = clock.now();
    const free = q.freeCase.get(key, type);
    if (free) {
      q.bumpCase.run(now + folder.options.caseWindowMs, now, free.id);
      return free.id;
    }
    const open = q.countOpen.get(key)?.n ?? 0;
    const shown = open === 0 ? label : `${label} (${open + 1})`;
    return Number(q.insertCase.run(folder.id, key, shown, now + folder.options.caseWindowMs, now, now).lastInsertRowid);
  }

  function bumpCaseOf(docId: number | null, folder: Folder) {
    if (docId === null) return;
    const d = q.doc.get(docId);
    if (d?.case_id == null) return;
    const until = clock.now() + folder.options.caseWindowMs;
    q.bumpCase.run(until, clock.now(), d.case_id);
    windowWaits.set(d.case_id, until); // its documents may all be decided: then only the window holds it open
  }

  const closeCase = db.transaction((caseId: number): 'queued' | 'rejected' => {
    const docs = q.caseDocs.all(caseId);
    const queued = docs.filter((d) => d.status === 'queued');
    const now = clock.now();
    const counters: Record<string, number> = {};
    for (const d of queued) {
      counters[d.doc_type] = (counters[d.doc_type] ?? 0) + 1;
      q.setApiKey.run(`${d.doc_type}${counters[d.doc_type]}`, now, d.id);
    }
    const state = queued.length > 0 ? 'queued' : 'rejected';
    q.setCaseState.run(state, now, caseId);
    return state;
  });

  // Coalesced: thousands of files decided in a burst cost one case pass, not one per file.
  let evaluateTimer: NodeJS.Timeout | null = null;
  function requestEvaluate() {
    if (evaluateTimer) return;
    evaluateTimer = setTimeout(() => {
      evaluateTimer = null;
      evaluateCases();
    }, 50);
  }

  const FULL_PASS_MS = 10_000;

  /** Closes every ripe case: window over and no document still 'seen'/'waiting' ([Note: closing cases without
   *  scanning them all]). `full` = look at every collecting case (start, rescan, folder removed). */
  function evaluateCases(full = false) {
    const t = clock.now();
    const candidates = new Set<number>();
    if (full || t - lastFullPass >= FULL_PASS_MS) {
      lastFullPass = t;
      for (const c of q.ripeCases.all(t)) candidates.add(c.id);
      for (const c of q.futureWindows.all(t)) windowWaits.set(c.id, c.w);
    }
    for (const id of dirtyDocs) {
      const c = q.caseOfDoc.get(id)?.case_id;
      if (c != null) candidates.add(c);
    }
    dirtyDocs.clear();
    for (const [id, w] of windowWaits) {
      if (w > t) continue;
      windowWaits.delete(id);
      candidates.add(id);
    }
    const ripe: number[] = [];
    for (const id of candidates) {
      const r = q.caseRipeness.get(id);
      if (!r || r.busy || r.w === null) continue; // not collecting any more, or a document is still settling
      if (r.w <= t) ripe.push(id);
      else windowWaits.set(id, r.w);
    }
    if (ripe.length === 0) return;
    const closed = db.transaction(() => ripe.map((id) => [id, closeCase(id)] as const))();
    for (const [id, state] of closed) {
      windowWaits.delete(id);
      ctx.events.documentsChanged(q.caseDocs.all(id).map((d) => d.id));
      // A case of duplicates/rejections only has nothing to send: it is final now (its originals move too).
      if (state === 'queued') ctx.signals.emit('case:queued', { caseId: id });
      else ctx.signals.emit('case:finished', { caseId: id, state: 'rejected' });
    }
  }

  // ---------- files ----------

  function recordIgnored(folder: Folder, abs: string, rel: string, reason: string) {
    const latest = q.latestByPath.get(abs);
    if (latest?.status === 'ignored') return;
    const now = clock.now();
    const name = path.basename(abs);
    const id = Number(
      q.insertDoc.run(folder.id, null, abs, rel, name, abs, null, null, folder.defaultType, 'ignored', reason, 'intake.ignored', name.toLowerCase(), now, now).lastInsertRowid,
    );
    changed(id);
  }

  function insertSeen(folder: Folder, abs: string, rel: string, size: number, mtimeMs: number): number {
    const place = placeFile(rel, folder.defaultType);
    const now = clock.now();
    const name = path.basename(abs);
    const id = db.transaction(() => {
      const caseId = assignCase(folder, place.groupKey, place.label, place.type);
      return Number(q.insertDoc.run(folder.id, caseId, abs, rel, name, abs, size, mtimeMs, place.type, 'seen', null, null, name.toLowerCase(), now, now).lastInsertRowid);
    })();
    changed(id);
    return id;
  }

  /** Entry point for every watcher event and every rescan hit. Idempotent: a known, unchanged file is a no-op. */
  async function noteFile(folder: Folder, abs: string): Promise<void> {
    if (!running) return;
    const rel = path.relative(folder.path, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
    const ignored = ignoreReason(rel);
    if (ignored) return batched(null, () => recordIgnored(folder, abs, rel, ignored));
    let st;
    try {
      st = await fs.stat(abs);
    } catch (err) {
      if (pending.has(abs)) schedule(abs, 0);
      else if (errCode(err) !== 'ENOENT') log.warn('intake: stat failed', { code: errCode(err) });
      return;
    }
    if (!st.isFile()) return;
    const size = st.size;
    const mtimeMs = Math.trunc(st.mtimeMs);
    return batched(abs, () => noteStat(folder, abs, rel, size, mtimeMs));
  }

  /** The synchronous half of noteFile, run in a batch's transaction ([Note: intake writes are batched]). */
  function noteStat(folder: Folder, abs: string, rel: string, size: number, mtimeMs: number): void {
    if (!running) return;
    const p = pending.get(abs);
    if (p) {
      if (p.stage === 'processing') p.dirty = true;
      else if (p.size !== size || p.mtimeMs !== mtimeMs) markChanged(folder, p, size, mtimeMs);
      return;
    }
    const latest = q.latestByPath.get(abs);
    let docId: number | null = null;
    let prevId: number | null = null;
    if (latest && (latest.status === 'seen' || latest.status === 'waiting')) {
      docId = latest.id; // restart: re-check a file that was settling when we stopped
      bumpCaseOf(docId, folder);
    } else if (latest && latest.current_path === abs) {
      if (latest.size === size && latest.mtime_ms === mtimeMs) return; // known and unchanged
      prevId = latest.id; // same name, changed on disk: the hash decides whether it is a new document
      bumpCaseOf(prevId, folder); // its case keeps collecting while the new version settles
    } else {
      docId = insertSeen(folder, abs, rel, size, mtimeMs);
    }
    pending.set(abs, { folderId: folder.id, abs, docId, prevId, size, mtimeMs, since: clock.now(), timer: null, stage: 'settling', dirty: false, attempts: 0 });
    schedule(abs, folder.options.settleMs);
  }

  function markChanged(folder: Folder, p: Pending, size: number, mtimeMs: number) {
    p.size = size;
    p.mtimeMs = mtimeMs;
    if (p.docId !== null) {
      const since = new Date(p.since).toLocaleTimeString('ru-RU');
      q.setStat.run(size, mtimeMs, clock.now(), p.docId);
      setStatus(p.docId, 'waiting', `${WRITING} (с ${since})`, 'intake.writing');
      bumpCaseOf(p.docId, folder);
    }
    schedule(p.abs, folder.options.settleMs);
  }

  function schedule(abs: string, ms: number) {
    const p = pending.get(abs);
    if (!p || !running) return;
    if (p.timer) clearTimeout(p.timer);
    p.stage = 'settling'; // if it was in the decode queue, that entry is skipped now
    p.timer = setTimeout(() => {
      p.timer = null;
      track(checkSettled(abs));
    }, ms);
  }

  function vanish(p: Pending) {
    pending.delete(p.abs);
    if (p.docId !== null) {
      q.setGone.run('ignored', VANISHED, 'intake.vanished', clock.now(), p.docId);
      changed(p.docId);
    }
  }

  async function checkSettled(abs: string): Promise<void> {
    const p = pending.get(abs);
    const folder = p ? getFolder(p.folderId) : null;
    if (!p || !folder || !running) return;
    let st;
    try {
      st = await fs.stat(abs);
    } catch {
      return vanish(p);
    }
    const mtimeMs = Math.trunc(st.mtimeMs);
    // Stable = size AND mtime equal to the previous observation (mtime vs mtime, never vs now: clock skew on shares).
    if (st.size !== p.size || mtimeMs !== p.mtimeMs) return markChanged(folder, p, st.size, mtimeMs);
    try {
      const fh = await fs.open(abs, fsc.O_RDONLY);
      await fh.close();
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT') return vanish(p);
      if (isWindows && (code === 'EBUSY' || code === 'EPERM')) {
        // Windows: the writer still holds the file locked — keep waiting, visibly.
        if (p.docId !== null) setStatus(p.docId, 'waiting', `${WRITING} (файл занят другой программой)`, 'intake.locked');
        return schedule(abs, folder.options.settleMs);
      }
      if (code !== 'EACCES' && code !== 'EPERM') throw err;
    }
    // While we looked, the file may have changed again (a newer check is scheduled) or been removed: that one decides.
    if (p.timer !== null || p.stage !== 'settling' || pending.get(abs) !== p || !running) return;
    p.stage = 'ready';
    ready.push(p);
    pump();
  }

  // [Note: settled files wait as data] A settled file waits for one of DECODE_WIDTH decode slots as an entry in a
  // plain FIFO (its Pending record), not as a parked async call: 10,000 queued files used to hold 10,000 suspended
  // checkSettled frames, p-limit closures and promise chains (~6 KB of heap each, 60 MB at 10,000 files).
  const ready: (Pending | undefined)[] = [];
  let readyHead = 0;
  let decoding = 0;

  function pump() {
    while (running && decoding < DECODE_WIDTH && readyHead < ready.length) {
      const p = ready[readyHead];
      ready[readyHead++] = undefined;
      if (readyHead >= 1024 && readyHead * 2 >= ready.length) {
        ready.splice(0, readyHead);
        readyHead = 0;
      }
      // Changed since (back to settling), removed with its folder, vanished or already done: a stale entry.
      if (!p || p.stage !== 'ready' || pending.get(p.abs) !== p) continue;
      decoding++;
      p.stage = 'processing';
      track(runFile(p));
    }
  }

  async function runFile(p: Pending): Promise<void> {
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      decoding--;
      pump();
    };
    const folder = getFolder(p.folderId);
    if (!folder) {
      // Its folder was removed while it waited.
      pending.delete(p.abs);
      freeSlot();
      return;
    }
    try {
      const { committed } = await processFile(folder, p);
      freeSlot(); // the next file decodes while this decision waits for its batch's commit
      await committed;
    } catch (err) {
      // Unexpected (disk full, I/O error): retry later instead of deciding for good (pitfall 9), but never forever.
      p.attempts++;
      log.warn('intake: processing failed', { attempt: p.attempts, err: String(err) });
      if (p.attempts < 5) return schedule(p.abs, folder.options.settleMs * 2 ** p.attempts);
      pending.delete(p.abs);
      if (p.docId !== null) setStatus(p.docId, 'rejected', `Не удалось обработать файл: ${String(err).slice(0, 200)}`, 'intake.error');
      return;
    } finally {
      freeSlot();
    }
    if (pending.get(p.abs) === p) pending.delete(p.abs);
    if (p.dirty && running) await noteFile(folder, p.abs);
    requestEvaluate();
  }

  /** Hash, duplicate check and pre-flight: the heavy part, run in a decode slot. The decision is queued in a batch
   *  ([Note: intake writes are batched]); its commit is returned (not awaited) so the caller waits for it outside the
   *  slot. A later copy of the same bytes waits until this decision is committed (pitfall 5). */
  async function processFile(folder: Folder, p: Pending): Promise<{ committed: Promise<void> }> {
    const nothing = { committed: Promise.resolve() };
    if (!running) return nothing;
    let sha: string;
    let head: Buffer;
    try {
      ({ sha256: sha, head } = await hashFile(p.abs));
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT') {
        vanish(p);
        return nothing;
      }
      const id = p.docId ?? insertSeen(folder, p.abs, path.relative(folder.path, p.abs), p.size, p.mtimeMs);
      const reason = code === 'EACCES' || code === 'EPERM' ? 'Нет прав на чтение файла — проверьте права доступа' : `Файл не читается (${code || 'ошибка'})`;
      return { committed: batched(null, () => decide(id, 'rejected', reason, 'preflight.unreadable', p, null, emptyMeta, null)).then(() => moveRejected(folder, id)) };
    }
    if (p.docId === null) {
      const prev = p.prevId !== null ? q.doc.get(p.prevId) : undefined;
      if (prev && prev.sha256 === sha) {
        q.setStat.run(p.size, p.mtimeMs, clock.now(), prev.id); // touched, same bytes: not a new document
        return nothing;
      }
      // Rewritten before its case was sent (a scanner re-saving the page): the new version takes the old one's place
      // in the same case (whose window restarts); after sending, a changed file is a new scan with a case of its own.
      if (prev && prev.status === 'queued' && prev.case_id !== null && q.caseState.get(prev.case_id)?.state === 'collecting') {
        q.setStatus.run('ignored', SUPERSEDED, 'intake.superseded', clock.now(), prev.id);
        changed(prev.id);
      }
      p.docId = insertSeen(folder, p.abs, path.relative(folder.path, p.abs), p.size, p.mtimeMs);
    }
    const docId = p.docId;
    // Same bytes arriving twice at once: the second waits for the first's decision (pitfall 5).
    while (inflightHashes.has(sha)) await inflightHashes.get(sha);
    let release!: () => void;
    inflightHashes.set(sha, new Promise<void>((r) => (release = r)));
    let committed: Promise<void> = Promise.resolve();
    try {
      ({ committed } = await decideContent(folder, p, docId, sha, head));
    } finally {
      const free = () => {
        inflightHashes.delete(sha);
        release();
      };
      void committed.then(free, free);
    }
    return { committed };
  }

  /** The duplicate check and pre-flight of one file whose hash is `sha`. Its decision's commit comes back in an object:
   *  an async function returning the bare promise would wait for it. */
  async function decideContent(folder: Folder, p: Pending, docId: number, sha: string, head: Buffer): Promise<{ committed: Promise<void> }> {
    const earlier = q.earlierSame.get(sha, docId);
    const policy = folder.options.duplicatePolicy;
    if (earlier && policy !== 'allow') {
      const when = new Date(earlier.created_at).toLocaleString('ru-RU');
      const what =
        earlier.status === 'recognised' ? 'Тот же файл уже распознан'
        : earlier.status === 'uncertain' ? 'Тот же файл уже отправлялся без ответа API (возможно, оплачен)'
        : earlier.status === 'failed' ? 'Тот же файл уже отправлялся и оплачен (результат с ошибкой)'
        : 'Тот же файл уже в работе';
      const copied = policy === 'warn' && earlier.status === 'recognised';
      const reason = `${what}: ${earlier.file_name}, ${when}` + (copied ? ' — результат скопирован без повторной оплаты' : ' — повторно не отправляется');
      const committed = batched(null, () =>
        db.transaction(() => {
          decide(docId, 'duplicate', reason, `duplicate.${policy}`, p, sha, emptyMeta, earlier.id);
          if (copied) {
            q.copyResult.run({ src: earlier.id, dst: docId });
            q.copyFields.run(docId, earlier.id);
          }
        })(),
      );
      return { committed };
    }
    const settings = ctx.settings.get();
    let result;
    try {
      result = await preflight(p.abs, p.size, sha, settings, uploadsDir, head);
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT') {
        vanish(p);
        return { committed: Promise.resolve() };
      }
      result = { ok: false as const, code: code === 'EACCES' ? 'preflight.unreadable' : 'preflight.error', reason: `Не удалось проверить файл (${code || String(err)})` };
    }
    if (!running && !result.ok && result.code === 'preflight.error') return { committed: Promise.resolve() };
    if (result.ok) {
      const ok = result;
      const reason = earlier ? `Повторная отправка по настройке папки (уже был: ${earlier.file_name})` : ok.note;
      return { committed: batched(null, () => decide(docId, 'queued', reason, earlier ? 'duplicate.allow' : null, p, sha, ok, earlier?.id ?? null)) };
    }
    const bad = result;
    return { committed: batched(null, () => decide(docId, 'rejected', bad.reason, bad.code, p, sha, emptyMeta, null)).then(() => moveRejected(folder, docId)) };
  }

  type Meta = { mime: string | null; width: number | null; height: number | null; pages: number | null; uploadPath: string | null };
  const emptyMeta: Meta = { mime: null, width: null, height: null, pages: null, uploadPath: null };

  function decide(id: number, status: string, reason: string | null, code: string | null, p: Pending, sha: string | null, m: Meta, dupOf: number | null) {
    q.decide.run(status, reason, code, p.size, p.mtimeMs, sha, m.mime, m.width, m.height, m.pages, m.uploadPath, dupOf, clock.now(), id);
    changed(id);
  }

  // ---------- originals ----------

  async function uniqueTarget(dir: string, name: string): Promise<string> {
    const ext = path.extname(name);
    const stem = name.slice(0, name.length - ext.length);
    for (let n = 1; ; n++) {
      const candidate = path.join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
      try {
        await fs.access(candidate);
      } catch {
        return candidate;
      }
    }
  }

  // [Note: originals move after the commit]
  // Originals move (originals: 'move') only once the document's outcome is committed: on 'case:finished', for a
  // pre-flight rejection right after its decision, and — for a crash between that commit and the rename — on every
  // start (and when a folder is switched to 'move') for every final document still in place. Targets:
  //   recognised → Обработано/; failed, rejected → Ошибки/; duplicate → Обработано/ (its content was processed
  //   already and the row links to that result, whatever happened to the rest of its case); ignored, cancelled and
  //   uncertain (the clerk must decide) stay where they are.
  function targetDir(status: string): string | null {
    switch (status) {
      case 'recognised':
      case 'duplicate':
        return DONE_DIR;
      case 'failed':
      case 'rejected':
        return FAILED_DIR;
      default:
        return null;
    }
  }

  async function moveOriginal(folder: Folder, doc: DocRow, sub: string) {
    const src = doc.current_path;
    if (!src || src !== doc.path) return; // already moved or gone
    // The name may have been re-used for a new scan since: move only this document's own file.
    if (q.latestByPath.get(src)?.id !== doc.id) return;
    try {
      const st = await fs.stat(src);
      if ((doc.size !== null && st.size !== doc.size) || (doc.mtime_ms !== null && Math.trunc(st.mtimeMs) !== doc.mtime_ms)) return;
    } catch {
      return;
    }
    const relDir = path.dirname(doc.rel_path);
    const dir = path.join(folder.path, sub, relDir === '.' ? '' : relDir);
    try {
      await fs.mkdir(dir, { recursive: true });
      const target = await uniqueTarget(dir, doc.file_name);
      try {
        await fs.rename(src, target);
      } catch (err) {
        if (errCode(err) !== 'EXDEV') throw err;
        await fs.copyFile(src, target, fsc.COPYFILE_EXCL);
        await fs.rm(src);
      }
      q.setCurrentPath.run(target, clock.now(), doc.id);
      changed(doc.id);
    } catch (err) {
      log.warn('intake: moving original failed', { documentId: doc.id, code: errCode(err) });
    }
  }

  async function moveRejected(folder: Folder, docId: number) {
    const doc = q.doc.get(docId);
    if (folder.options.originals === 'move' && doc) await moveOriginal(folder, doc, FAILED_DIR);
  }

  function onCaseFinished({ caseId, state }: { caseId: number; state: string }) {
    if (state === 'cancelled') return;
    const docs = q.caseDocsFull.all(caseId);
    const folder = docs[0]?.folder_id != null ? getFolder(docs[0].folder_id) : null;
    if (!folder || folder.options.originals !== 'move') return;
    track(
      (async () => {
        for (const d of docs) {
          const dir = targetDir(d.status);
          if (dir) await moveOriginal(folder, d, dir);
        }
      })(),
    );
  }

  /** Crash recovery for moves: final documents of 'move' folders whose original is still in place. */
  async function moveFinishedOriginals(folderId?: number): Promise<void> {
    for (const d of q.unmoved.all()) {
      if (!running) return;
      if (d.folder_id === null || (folderId !== undefined && d.folder_id !== folderId)) continue;
      const folder = getFolder(d.folder_id);
      const dir = targetDir(d.status);
      if (folder?.enabled && folder.options.originals === 'move' && dir) await moveOriginal(folder, d, dir);
    }
  }

  // ---------- scanning and watching ----------

  async function scanFolder(folder: Folder): Promise<void> {
    const stack: string[] = [folder.path];
    while (stack.length > 0 && running) {
      const dir = stack.pop() as string;
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        log.warn('intake: cannot list directory', { code: errCode(err) });
        continue;
      }
      const files: string[] = [];
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (folder.options.recursive && !isIgnoredDirName(e.name)) stack.push(abs);
        } else if (e.isFile() || e.isSymbolicLink()) {
          // Symlinked directories are never followed (loops); a symlink to a file is stat'ed like a file.
          files.push(abs);
        }
      }
      // Many stats in flight keep the thread pool busy, and their inserts share a commit per turn.
      await eachLimited(files, SCAN_WIDTH, (abs) => noteFile(folder, abs));
    }
  }

  function usePolling(folder: Folder): boolean {
    return pollingFor(folder.options.polling, () => {
      if (mounts === undefined) mounts = readMounts();
      return isNetworkPath(folder.path, mounts, isWindows ? isRemoteDrive : undefined);
    });
  }

  /** Starts watching; resolves when the watcher is ready (or after 10 s if it never says so). A scan started
   *  after that misses nothing: files written before it are walked, files written after it raise events. */
  function watchFolder(folder: Folder): Promise<void> {
    unwatchFolder(folder.id);
    const polling = usePolling(folder);
    const watcher = watchFn(folder.path, {
      ignoreInitial: true, // our own scan does the initial walk (same code path as the periodic rescan)
      persistent: true,
      followSymlinks: false,
      usePolling: polling,
      interval: 1000,
      binaryInterval: 1000,
      ...(folder.options.recursive ? {} : { depth: 0 }),
      ignored: (p: string) => {
        const rel = path.relative(folder.path, p);
        return rel !== '' && splitRel(rel).some((s) => isIgnoredDirName(s) && !s.startsWith('.')) ;
      },
    });
    const onFile = (p: string) => track(noteFile(folder, p));
    watcher.on('add', onFile).on('change', onFile).on('unlink', (p: string) => {
      if (pending.has(p)) schedule(p, 0);
    });
    watcher.on('error', (err) => log.warn('intake: watcher error', { folderId: folder.id, err: String(err) }));
    const rescan = setInterval(() => track(scanFolder(folder)), folder.options.rescanMinutes * 60_000);
    rescan.unref();
    watchers.set(folder.id, { watcher, rescan });
    log.info('intake: watching', { folderId: folder.id, polling });
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 10_000);
      t.unref();
      watcher.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  function unwatchFolder(id: number) {
    const w = watchers.get(id);
    if (!w) return;
    watchers.delete(id);
    clearInterval(w.rescan);
    void w.watcher.close();
  }

  async function scanNow(folderId?: number): Promise<void> {
    const folders = q.folders.all().map(toFolder).filter((f) => f.enabled && (folderId === undefined || f.id === folderId));
    for (const f of folders) await scanFolder(f);
    // Rows left 'seen'/'waiting' (restart) whose file the walk didn't find are gone.
    const recheck: [Folder, string][] = [];
    for (const d of q.unsettled.all()) {
      if (pending.has(d.path) || (folderId !== undefined && d.folder_id !== folderId)) continue;
      const folder = d.folder_id !== null ? getFolder(d.folder_id) : null;
      if (folder?.enabled && existsSync(d.path)) recheck.push([folder, d.path]);
      else {
        q.setGone.run('ignored', folder?.enabled ? VANISHED : 'Папка больше не наблюдается', folder?.enabled ? 'intake.vanished' : 'intake.folder-removed', clock.now(), d.id);
        changed(d.id);
      }
    }
    await eachLimited(recheck, SCAN_WIDTH, ([folder, abs]) => noteFile(folder, abs));
    evaluateCases(true);
  }

  async function settled(opts?: { signal?: AbortSignal }): Promise<void> {
    for (;;) {
      opts?.signal?.throwIfAborted();
      evaluateCases();
      if (pending.size === 0 && inflight.size === 0 && (q.countUnsettled.get()?.n ?? 0) === 0) return;
      await clock.sleep(50, opts?.signal);
    }
  }

  // ---------- handlers ----------

  async function validateDir(p: string): Promise<string> {
    const isUnc = p.startsWith('\\\\');
    if (!isUnc && !path.isAbsolute(p)) throw new UserError('folder.not-absolute', `Укажите полный путь к папке (сейчас: «${p}»)`, 'The folder path must be absolute');
    const abs = isUnc ? p : path.resolve(p);
    let st;
    try {
      st = await fs.stat(abs);
    } catch {
      throw new UserError('folder.not-found', `Папка не найдена: ${abs}`, 'Folder not found');
    }
    if (!st.isDirectory()) throw new UserError('folder.not-directory', `Это не папка, а файл: ${abs}`, 'Not a directory');
    try {
      await fs.access(abs, fsc.R_OK | fsc.X_OK);
    } catch {
      throw new UserError('folder.not-readable', `Нет прав на чтение папки: ${abs}`, 'Folder is not readable');
    }
    return abs;
  }

  function mustFolder(id: number): Folder {
    const f = getFolder(id);
    if (!f) throw new UserError('folder.unknown', 'Папка не найдена в списке наблюдаемых', 'Unknown folder');
    return f;
  }

  const handlers: EngineModule['handlers'] = {
    'folders:list': async () => q.folders.all().map(toFolder),
    'folders:add': async ({ path: p, defaultType, options }) => {
      const abs = await validateDir(p);
      if (q.folderByPath.get(abs)) throw new UserError('folder.exists', `Папка уже наблюдается: ${abs}`, 'Folder already watched');
      const opts: FolderOptions = folderOptionsSchema.parse(options ?? {});
      const id = Number(q.insertFolder.run(abs, defaultType, JSON.stringify(opts), clock.now()).lastInsertRowid);
      const folder = mustFolder(id);
      if (running) {
        const ready = watchFolder(folder);
        track(ready.then(() => scanFolder(folder)));
      }
      return folder;
    },
    'folders:update': async ({ id, defaultType, options, enabled }) => {
      const f = mustFolder(id);
      const opts = folderOptionsSchema.parse({ ...f.options, ...(options ?? {}) });
      q.updateFolder.run(defaultType ?? f.defaultType, JSON.stringify(opts), (enabled ?? f.enabled) ? 1 : 0, id);
      const next = mustFolder(id);
      unwatchFolder(id);
      if (running && next.enabled) {
        // Scan once the new watcher is ready: a file written while it starts would otherwise wait for the rescan.
        const ready = watchFolder(next);
        track(ready.then(() => scanFolder(next)));
        if (next.options.originals === 'move' && f.options.originals !== 'move') track(moveFinishedOriginals(id));
      }
      return next;
    },
    'folders:remove': async ({ id }) => {
      mustFolder(id);
      unwatchFolder(id);
      for (const [abs, p] of pending) {
        if (p.folderId !== id) continue;
        if (p.timer) clearTimeout(p.timer);
        pending.delete(abs);
      }
      // Files still settling will never be decided now: say so, then drop the folder (documents keep their history).
      db.transaction(() => {
        for (const d of q.unsettled.all()) {
          if (d.folder_id === id) q.setStatus.run('ignored', 'Папка больше не наблюдается', 'intake.folder-removed', clock.now(), d.id);
        }
        q.deleteFolder.run(id);
      })();
      ctx.events.documentsChanged('all');
      evaluateCases(true);
    },
    'folders:rescan': async ({ id }) => {
      if (id !== undefined) mustFolder(id);
      await scanNow(id);
    },
    'intake:add-files': async ({ files }) => {
      const first = q.folders.all().map(toFolder).find((f) => f.enabled);
      if (!first) throw new UserError('intake.no-folder', 'Сначала добавьте наблюдаемую папку — файлам некуда лечь', 'Add a watched folder first');
      const dropDir = path.join(first.path, MANUAL_DIR);
      let written = 0;
      for (const f of files) {
        // A dropped folder keeps its sub-folders, so placeFile groups one case per person folder. The contract
        // (droppedDirSchema) already refused '..', absolute paths and control characters; each segment is still
        // sanitised like a file name, and the result must stay inside the drop folder.
        const dir = f.dir ? path.join(dropDir, ...splitRel(f.dir).map(sanitiseFileName)) : dropDir;
        if (dir !== dropDir && !dir.startsWith(dropDir + path.sep)) throw new UserError('intake.bad-name', `Недопустимая папка: ${f.dir}`, 'Bad folder name');
        await fs.mkdir(dir, { recursive: true });
        const target = await uniqueTarget(dir, sanitiseFileName(f.name));
        if (path.dirname(target) !== dir) throw new UserError('intake.bad-name', `Недопустимое имя файла: ${f.name}`, 'Bad file name');
        // Written under a dot-name (ignored by intake) and renamed, so intake never sees a half-written file.
        const tmp = path.join(dir, `.${path.basename(target)}.part`);
        await fs.writeFile(tmp, Buffer.from(f.dataBase64, 'base64'));
        await fs.rename(tmp, target);
        written++;
        // Don't rely on the watcher having caught up with a just-created sub-folder: note the file directly.
        if (running) track(noteFile(first, target));
      }
      return { written };
    },
    'documents:open-location': async ({ documentId }) => {
      const d = q.doc.get(documentId);
      if (!d) throw new UserError('document.unknown', 'Документ не найден', 'Document not found');
      const p = d.current_path ?? d.path;
      return { path: p, revealed: ctx.reveal(p) };
    },
  };

  return {
    name: 'intake',
    handlers,
    controller: { scanNow, settled },
    async start() {
      running = true;
      offFinished = ctx.signals.on('case:finished', onCaseFinished);
      caseTicker = setInterval(() => evaluateCases(), 200);
      caseTicker.unref();
      for (const f of q.folders.all().map(toFolder)) if (f.enabled) void watchFolder(f);
      track(
        (async () => {
          await moveFinishedOriginals();
          await scanNow();
        })(),
      );
    },
    async stop() {
      running = false;
      offFinished?.();
      if (caseTicker) clearInterval(caseTicker);
      if (evaluateTimer) clearTimeout(evaluateTimer);
      const closing = [...watchers.values()].map((w) => w.watcher.close());
      for (const id of [...watchers.keys()]) unwatchFolder(id);
      await Promise.allSettled(closing);
      for (const p of pending.values()) if (p.timer) clearTimeout(p.timer);
      await Promise.allSettled([...inflight]);
      if (writes.length > 0) flushWrites(); // anything queued by an untracked caller still commits before the DB closes
      pending.clear();
      ready.length = 0;
      readyHead = 0;
      dirtyDocs.clear();
      windowWaits.clear();
      lastFullPass = -Infinity;
    },
  };
}
