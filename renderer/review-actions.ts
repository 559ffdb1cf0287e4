// The clerk's actions in the detail panel, over a review session (useReviewSession.ts). Keyboard-first:
// Enter accepts the current field and goes to the next one needing attention; when none is left the next Enter
// confirms the document and moves on (a clean document = one keystroke, k flagged fields = k + 1); an edited value
// with an error stays put with its finding shown (F4 offers the fix); Ctrl+Enter confirms at once; a document with
// error findings or low biometry is confirmed only after a second question; F7 postpones; F8 rejects with a reason;
// Shift+Enter / PgUp go back to the previous document; Ctrl+Z takes back the session's last edit (in whichever
// document it was made), Ctrl+Shift+Z the whole document; Esc returns to the grid.
// Documents without recognised data only explain why ([Note: only recognised data is verified]).
import type { DocumentDetail } from '../shared/api.ts';
import { confirmBlockers, isReviewable, notReviewableReason } from '../shared/review-rules.ts';
import { call } from './api.ts';
import type { AppContextValue } from './app-context.ts';
import { fixFor, nextAttentionIndex } from './review-logic.ts';
import { findNextDocument } from './review-navigation.ts';
import { normalise, type ReviewSession, type SessionProps } from './useReviewSession.ts';

/** Why confirming this document needs a second decision (the same rule the engine enforces). */
function confirmReasons(d: DocumentDetail, settings: AppContextValue['settings']) {
  return confirmBlockers({
    findings: d.findings, matchScore: d.row.matchScore, livenessScore: d.row.livenessScore,
    matchThreshold: settings.matchThreshold, livenessThreshold: settings.livenessThreshold,
  });
}

/** Ctrl+Z: the session's last edit, in whichever document it was made (brought back into view); with none, the
 *  current field. */
async function undoLastEdit(s: ReviewSession, props: SessionProps): Promise<void> {
  const { detail: d, current: idx } = s.state.current;
  if (!d) return;
  const last = s.edits.current.pop();
  const target = last ?? (d.fields[idx] ? { docId: d.row.id, field: d.fields[idx].name } : null);
  if (!target) return;
  const version = target.docId === d.row.id ? { version: d.version } : {};
  const undone = await call('documents:undo-field', { id: target.docId, field: target.field, ...version });
  if (target.docId === d.row.id) s.adopt(undone, { field: target.field });
  else {
    s.focusOnLoad.current = target.field;
    s.visited.current.push(d.row.id);
    props.onNavigate(target.docId);
  }
}

export function createReviewActions(s: ReviewSession, props: SessionProps, app: Pick<AppContextValue, 'lang' | 't' | 'settings' | 'toast'>) {
  const { lang, t, settings, toast } = app;
  const { state, adopt, enqueue, opts } = s;

  /** False (with the reason told) when this document has no recognised data to act on. */
  const reviewable = (d: DocumentDetail): boolean => {
    if (isReviewable(d.row.status)) return true;
    toast('warning', notReviewableReason(d.row.status)[lang]);
    return false;
  };

  const goNext = async (fromId: number) => {
    s.visited.current.push(fromId);
    const next = await findNextDocument(props.filter, props.sort, fromId);
    if (next !== null) props.onNavigate(next);
    else {
      toast('info', t('detail.allDone'));
      props.onClose(fromId);
    }
  };

  /** Queued like every key, so it never overtakes an Enter pressed before it. */
  const goBack = () => enqueue(async () => {
    const prev = s.visited.current.pop();
    if (prev === undefined) toast('info', t('review.noPrevious'));
    else props.onNavigate(prev);
  });

  /** Saves the current field's typed value (set-field) or accepts it as is (accept-field); notes the edit. */
  const commitCurrent = async (): Promise<{ d: DocumentDetail; edited: string | null } | null> => {
    const { detail: d, drafts: dr, current: idx } = state.current;
    const f = d?.fields[idx];
    if (!d) return null;
    if (!f) return { d, edited: null };
    const draft = dr[f.name] ?? '';
    let next = d;
    let edited: string | null = null;
    if (draft !== (f.value ?? '')) {
      next = normalise(await call('documents:set-field', { id: d.row.id, field: f.name, value: draft, version: d.version }));
      edited = f.name;
    } else if (f.state === 'pending') next = normalise(await call('documents:accept-field', { id: d.row.id, field: f.name, version: d.version }));
    if (next !== d) s.edits.current.push({ docId: d.row.id, field: f.name });
    return { d: next, edited };
  };

  /** Confirms and moves on; with error findings or low biometry, asks once more first (unless `despite`). */
  const confirmAndMove = async (d: DocumentDetail, despite: boolean) => {
    const reasons = confirmReasons(d, settings);
    if (reasons.length > 0 && !despite) {
      s.setDialog({ kind: 'findings', reasons: reasons.map((r) => r[lang]) });
      return;
    }
    await call('documents:confirm', { id: d.row.id, version: d.version, ...(reasons.length > 0 ? { despiteFindings: true } : {}) });
    await goNext(d.row.id);
  };

  const onEnter = () => enqueue(async () => {
    const { detail: d0, current: cur } = state.current;
    if (!d0 || !reviewable(d0)) return;
    const res = await commitCurrent();
    if (!res) return;
    const { d, edited } = res;
    // An edited value is checked before moving on: an error keeps the clerk on the field, its finding shown.
    if (edited && d.findings.some((f) => f.field === edited && f.severity === 'error')) {
      adopt(d, 'keep');
      return;
    }
    if (nextAttentionIndex(d.fields, d.findings, opts, cur) >= 0) adopt(d, 'next');
    else if (cur >= 0) adopt(d, 'none'); // the last field needing a look is done: the next Enter confirms
    else if (d.row.review === 'verified') await goNext(d.row.id); // back on a checked document: just move on
    else await confirmAndMove(d, false);
  });

  const onConfirmDocument = () => enqueue(async () => {
    const d0 = state.current.detail;
    if (!d0 || !reviewable(d0)) return;
    const res = await commitCurrent();
    if (!res) return;
    if (res.d !== d0) adopt(res.d, 'keep');
    await confirmAndMove(res.d, false);
  });

  const onConfirmDespite = () => {
    s.setDialog(null);
    enqueue(async () => {
      const d = state.current.detail;
      if (d) await confirmAndMove(d, true);
    });
  };

  const onPostpone = () => enqueue(async () => {
    const d = state.current.detail;
    if (!d) return;
    await call('documents:postpone', { id: d.row.id, version: d.version });
    await goNext(d.row.id);
  });

  const startReject = () => {
    const d = state.current.detail;
    if (d && reviewable(d)) s.setDialog({ kind: 'reject' });
  };

  const onReject = (reason: string) => {
    s.setDialog(null);
    enqueue(async () => {
      const d = state.current.detail;
      if (!d) return;
      await call('documents:reject', { id: d.row.id, reason, version: d.version });
      await goNext(d.row.id);
    });
  };

  const onUndo = () => enqueue(() => undoLastEdit(s, props));

  const onUndoDocument = () => enqueue(async () => {
    const d = state.current.detail;
    if (!d) return;
    s.edits.current = s.edits.current.filter((e) => e.docId !== d.row.id);
    adopt(await call('documents:undo-document', { id: d.row.id, version: d.version }), 'first');
  });

  // After a queue action on the case: statuses changed, the fields did not — keep the clerk's place.
  const onCaseChanged = () => enqueue(async () => {
    const d = state.current.detail;
    if (!d) return;
    adopt(await call('documents:get', { id: d.row.id }), 'keep');
  });

  const onApplyFix = (findingId?: number) => enqueue(async () => {
    const { detail: d, current: idx } = state.current;
    const f = d?.fields[idx];
    if (!d) return;
    const finding = findingId !== undefined ? d.findings.find((x) => x.id === findingId) : f ? fixFor(f.name, d.findings) : null;
    if (!finding) return;
    adopt(await call('documents:apply-fix', { findingId: finding.id, version: d.version }), 'keep');
    if (finding.field) s.edits.current.push({ docId: d.row.id, field: finding.field });
  });

  return { onEnter, onConfirmDocument, onConfirmDespite, onPostpone, startReject, onReject, onUndo, onUndoDocument, onCaseChanged, onApplyFix, goBack };
}
export type ReviewActions = ReturnType<typeof createReviewActions>;

/** The panel's keys → actions. True when the key was one of them. */
export function handleReviewKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>, a: ReviewActions, s: ReviewSession, onEsc: () => void): boolean {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key;
  const fields = s.detail?.fields.length ?? 0;
  if (key === 'Enter' && ctrl) a.onConfirmDocument();
  else if ((key === 'Enter' && e.shiftKey) || key === 'PageUp') a.goBack();
  else if (key === 'Enter') a.onEnter();
  else if (key === 'Escape') onEsc();
  else if (key === 'F7' || (ctrl && (key === 'p' || key === 'з'))) a.onPostpone();
  else if (key === 'F8') a.startReject();
  else if (key === 'F4' || (ctrl && (key === 'f' || key === 'а'))) a.onApplyFix();
  else if (ctrl && e.shiftKey && (key === 'Z' || key === 'z' || key === 'Я' || key === 'я')) a.onUndoDocument();
  else if (ctrl && (key === 'z' || key === 'я')) a.onUndo();
  else if (key === 'ArrowDown') s.setCurrent((c) => Math.min(fields - 1, c + 1));
  else if (key === 'ArrowUp') s.setCurrent((c) => Math.max(0, c - 1));
  else return false;
  return true;
}

/**
 * Ctrl+Enter on a grid row: a clean recognised document (nothing needing attention, nothing to confirm despite) is
 * confirmed in that one keystroke; one needing a look opens instead; one without recognised data says why.
 */
export async function confirmFromGrid(id: number, app: Pick<AppContextValue, 'lang' | 'settings' | 'toast'>): Promise<'confirmed' | 'open' | 'refused'> {
  const { lang, settings, toast } = app;
  const d = normalise(await call('documents:get', { id }));
  if (!isReviewable(d.row.status)) {
    toast('warning', notReviewableReason(d.row.status)[lang]);
    return 'refused';
  }
  const opts = { threshold: settings.confidenceThreshold, onlyAttention: settings.onlyAttention };
  const blockers = confirmReasons(d, settings);
  if (nextAttentionIndex(d.fields, d.findings, opts, -1) >= 0 || blockers.length > 0) return 'open';
  if (d.row.review !== 'verified') await call('documents:confirm', { id, version: d.version }); // checked already: just move on
  return 'confirmed';
}
