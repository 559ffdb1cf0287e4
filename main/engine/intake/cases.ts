// Case assembly: which case a new document joins, the collecting window, and closing ripe cases.
import type { Folder } from '../../../shared/settings.ts';
import type { DocType } from '../../../shared/types.ts';
import { setTimer, type Timer } from '../clock.ts';
import type { Hub } from './hub.ts';

/** A full pass over every collecting case at most this often (besides start, rescans and folder removal). */
const FULL_PASS_MS = 10_000;
/** Decisions in a burst are closed in one pass this long after the first. */
const EVALUATE_DELAY_MS = 50;

export type CasesPart = {
  /** One PASSPORT + one SELFIE + one INN per case: another document of a taken type opens "Label (2)". */
  assignCase(folder: Folder, groupKey: string, label: string, type: DocType): number;
  /** The document's case keeps collecting: its window restarts now. */
  bumpCaseOf(docId: number | null, folder: Folder): void;
  /** A changed document re-enters case assembly ([Note: one path, one current document]); returns its case. */
  rejoinCase(folder: Folder, caseId: number | null, place: { groupKey: string; label: string; type: DocType }): number;
  /** Closes every ripe case ([Note: closing cases without scanning them all]). */
  evaluateCases(full?: boolean): void;
  /** Coalesced: thousands of files decided in a burst cost one case pass, not one per file. */
  requestEvaluate(): void;
  noteDirty(docId: number): void;
  reset(): void;
};

export function createCases(hub: Hub): CasesPart {
  const { ctx, q } = hub;
  const { db, clock } = ctx;
  // [Note: closing cases without scanning them all] Which collecting cases may have become ripe: the cases of
  // documents changed since the last pass, and cases whose documents are all decided but whose window is still
  // open (id → window end). A full pass over every collecting case runs at start, on rescans and every
  // FULL_PASS_MS as a safety net; the old full pass on every call cost ~8 ms at 10,000 open cases, 20+ times a second.
  const dirtyDocs = new Set<number>();
  const windowWaits = new Map<number, number>();
  let lastFullPass = -Infinity;
  let evaluateTimer: Timer | null = null;

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

  function rejoinCase(folder: Folder, caseId: number | null, place: { groupKey: string; label: string; type: DocType }): number {
    const now = clock.now();
    const until = now + folder.options.caseWindowMs;
    if (caseId !== null) {
      const state = q.caseState.get(caseId)?.state;
      if (state === 'collecting') {
        q.bumpCase.run(until, now, caseId);
        return caseId;
      }
      // Closed with nothing to send (all its documents were rejected or duplicates): it collects again, so the
      // clerk sees one case, not a stale «Не принято» one beside a new one.
      if (state === 'rejected' && q.reopenCase.run(until, now, caseId).changes > 0) return caseId;
    }
    // Its case went on to the queue without it: the new version joins an open case of its group, or opens one.
    return assignCase(folder, place.groupKey, place.label, place.type);
  }

  const closeCase = db.transaction((caseId: number): 'queued' | 'rejected' | 'empty' => {
    const docs = q.caseDocs.all(caseId);
    if (docs.length === 0) {
      // Its only file turned out not to be a document (a link out of the folder, a FIFO): no case to show.
      q.deleteCase.run(caseId);
      return 'empty';
    }
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

  function candidates(full: boolean, t: number): Set<number> {
    const out = new Set<number>();
    if (full || t - lastFullPass >= FULL_PASS_MS) {
      lastFullPass = t;
      for (const c of q.ripeCases.all(t)) out.add(c.id);
      for (const c of q.futureWindows.all(t)) windowWaits.set(c.id, c.w);
    }
    for (const id of dirtyDocs) {
      const c = q.caseOfDoc.get(id)?.case_id;
      if (c != null) out.add(c);
    }
    dirtyDocs.clear();
    for (const [id, w] of windowWaits) {
      if (w > t) continue;
      windowWaits.delete(id);
      out.add(id);
    }
    return out;
  }

  function evaluateCases(full = false) {
    const t = clock.now();
    const ripe: number[] = [];
    for (const id of candidates(full, t)) {
      const r = q.caseRipeness.get(id);
      if (!r || r.busy || r.w === null) continue; // not collecting any more, or a document is still settling
      if (r.w <= t) ripe.push(id);
      else windowWaits.set(id, r.w);
    }
    if (ripe.length === 0) return;
    const closed = db.transaction(() => ripe.map((id) => [id, closeCase(id)] as const))();
    for (const [id, state] of closed) {
      windowWaits.delete(id);
      if (state === 'empty') continue;
      ctx.events.documentsChanged(q.caseDocs.all(id).map((d) => d.id));
      // A case of duplicates/rejections only has nothing to send: it is final now (its originals move too).
      // A failing handler is reported to the clerk; the other closed cases still get their signal.
      try {
        if (state === 'queued') ctx.signals.emit('case:queued', { caseId: id });
        else ctx.signals.emit('case:finished', { caseId: id, state: 'rejected' });
      } catch (err) {
        ctx.events.emit('notify', { level: 'error', messageRu: `Внутренняя ошибка при закрытии дела ${id}: ${String(err)}`, messageEn: `Error closing case ${id}: ${String(err)}` });
      }
    }
  }

  return {
    assignCase,
    bumpCaseOf,
    rejoinCase,
    evaluateCases,
    requestEvaluate() {
      if (evaluateTimer) return;
      evaluateTimer = setTimer(clock, EVALUATE_DELAY_MS, () => {
        evaluateTimer = null;
        evaluateCases();
      });
    },
    noteDirty: (id) => dirtyDocs.add(id),
    reset() {
      evaluateTimer?.cancel();
      evaluateTimer = null;
      dirtyDocs.clear();
      windowWaits.clear();
      lastFullPass = -Infinity;
    },
  };
}
