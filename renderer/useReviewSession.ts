// The review session behind the detail panel: the open document, the clerk's drafts, the current field, the open
// dialog, and the session's memory — documents left behind (Shift+Enter / PgUp go back to them) and the edits in
// the order they were made (Ctrl+Z takes the last one back, bringing its document into view).
// Actions run one at a time in key order (a queue), so fast typing never races.
import { useEffect, useRef, useState } from 'react';
import type { DocumentDetail, DocumentFilter, ListQuery } from '../shared/api.ts';
import { fieldsOf } from '../shared/fields.ts';
import { ApiCallError, call, errorText } from './api.ts';
import { useApp } from './app-context.ts';
import { nextAttentionIndex, orderFields, type AttentionOptions } from './review-logic.ts';
import { useDocumentClaim } from './useDocumentClaim.ts';

/** Where the current field goes when a fresh detail arrives; 'none' = no field (the next Enter confirms). */
export type Focus = 'first' | 'next' | 'keep' | 'none' | { field: string };
export type ReviewDialog = { kind: 'reject' } | { kind: 'findings'; reasons: string[] } | null;

export type SessionProps = {
  documentId: number;
  filter: DocumentFilter;
  sort: ListQuery['sort'];
  onNavigate: (id: number) => void;
  onClose: (lastId: number) => void;
};

/** Fields in catalogue order, so indexes mean the same thing everywhere in the panel. */
export function normalise(raw: DocumentDetail): DocumentDetail {
  return { ...raw, fields: orderFields(raw.fields, fieldsOf(raw.row.type)) };
}

function focusIndex(d: DocumentDetail, focus: Focus, prev: number, opts: AttentionOptions): number {
  if (focus === 'keep') return prev;
  if (focus === 'none') return -1;
  if (focus === 'first') return nextAttentionIndex(d.fields, d.findings, opts, -1);
  if (focus === 'next') return nextAttentionIndex(d.fields, d.findings, opts, prev);
  const i = d.fields.findIndex((f) => f.name === focus.field);
  return i >= 0 ? i : nextAttentionIndex(d.fields, d.findings, opts, -1);
}

export function useReviewSession({ documentId }: Pick<SessionProps, 'documentId'>) {
  const { lang, settings, toastError } = useApp();
  const opts: AttentionOptions = { threshold: settings.confidenceThreshold, onlyAttention: settings.onlyAttention };
  const [detail, setDetail] = useState<DocumentDetail | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState(-1);
  const [dialog, setDialog] = useState<ReviewDialog>(null);
  const [error, setError] = useState<string | null>(null);
  // Latest state for queued actions (they run after earlier ones finished, with fresh values).
  const state = useRef({ detail, drafts, current });
  state.current = { detail, drafts, current };
  const chain = useRef<Promise<void>>(Promise.resolve());
  const visited = useRef<number[]>([]);
  const edits = useRef<{ docId: number; field: string }[]>([]);
  /** The field to stand on when the next document loads (Ctrl+Z brought it back). */
  const focusOnLoad = useRef<string | null>(null);

  const adopt = (raw: DocumentDetail, focus: Focus) => {
    const d = normalise(raw);
    const dr = Object.fromEntries(d.fields.map((f) => [f.name, f.value ?? '']));
    const idx = focusIndex(d, focus, state.current.current, opts);
    setDetail(d);
    setDrafts(dr);
    setCurrent(idx);
    state.current = { detail: d, drafts: dr, current: idx };
  };
  const adoptRef = useRef(adopt);
  adoptRef.current = adopt;

  // The document's load runs on the action chain too: a key pressed after a move acts on the document it was pressed
  // for, never on the one still shown while the next loads.
  useEffect(() => {
    let cancelled = false;
    setError(null);
    chain.current = chain.current.then(async () => {
      try {
        const d = await call('documents:get', { id: documentId });
        if (cancelled) return;
        const field = focusOnLoad.current;
        focusOnLoad.current = null;
        adoptRef.current(d, field ? { field } : 'first');
      } catch (err: unknown) {
        if (!cancelled) setError(errorText(err, lang));
      }
    });
    return () => { cancelled = true; };
  }, [documentId, lang]);

  useDocumentClaim(documentId, toastError);

  // Another clerk changed or holds the document: the message says who, and the panel shows the fresh document so
  // the clerk decides again on what is stored now ([Note: one clerk's edit never overwrites another's]).
  const reloadAfter = async (err: unknown) => {
    if (!(err instanceof ApiCallError) || (err.code !== 'conflict' && err.code !== 'claimed')) return;
    adoptRef.current(await call('documents:get', { id: documentId }), 'keep');
  };
  const enqueue = (fn: () => Promise<void>) => {
    chain.current = chain.current.then(fn).catch(async (err: unknown) => {
      toastError(err);
      await reloadAfter(err).catch(toastError);
    });
  };

  return { detail, drafts, setDrafts, current, setCurrent, dialog, setDialog, error, state, adopt, enqueue, visited, edits, focusOnLoad, opts };
}
export type ReviewSession = ReturnType<typeof useReviewSession>;
