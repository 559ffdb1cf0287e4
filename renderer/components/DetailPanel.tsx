// Detail panel: the scan beside the fields as a form, plus findings, history, case verdict and biometry.
// Keyboard-first: Enter accepts the current field and jumps to the next one needing attention (and to
// the next document when this one is done); Ctrl+Enter confirms the document; F4 accepts the fix
// suggestion; F7 postpones; F8 rejects with a reason; Ctrl+Z / Ctrl+Shift+Z undo field / document;
// Esc returns to the grid. Actions run one at a time in key order (a queue), so fast typing never races.
import { useEffect, useRef, useState } from 'react';
import type { DocumentDetail, DocumentFilter } from '../../shared/api.ts';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { formatScore } from '../format.ts';
import { caseStateLabel, docTypeLabel, reviewLabel, statusLabel } from '../i18n.ts';
import type { DocStatus } from '../../shared/types.ts';
import { fieldsOf } from '../../shared/fields.ts';
import { fixFor, needsAttention, nextAttentionIndex, orderFields } from '../review-logic.ts';
import { findNextDocument } from '../review-navigation.ts';
import { CaseActions } from './CaseActions.tsx';
import { DeleteCaseButton } from './DeleteCaseButton.tsx';
import type { SortSpec } from './DocumentGrid.tsx';
import { FieldEditor } from './FieldEditor.tsx';
import { HistoryTable } from './HistoryTable.tsx';
import { RejectDialog } from './RejectDialog.tsx';
import { ScanViewer } from './ScanViewer.tsx';

/** Statuses whose reason the clerk needs to read to decide what to do (the engine writes it in Russian). */
// A recognised or duplicate document carries a reason only when something needs the clerk (its original could not
// be moved, what it duplicates); a skipped one says why it was skipped.
const REASON_STATUSES = new Set<DocStatus>(['failed', 'rejected', 'uncertain', 'waiting', 'recognised', 'duplicate', 'ignored']);

type Props = {
  documentId: number;
  filter: DocumentFilter;
  sort: SortSpec;
  onNavigate: (id: number) => void;
  onClose: (lastId: number) => void;
};

/** Fields in catalogue order, so indexes mean the same thing everywhere in this panel. */
function normalise(raw: DocumentDetail): DocumentDetail {
  return { ...raw, fields: orderFields(raw.fields, fieldsOf(raw.row.type)) };
}

export function DetailPanel({ documentId, filter, sort, onNavigate, onClose }: Props) {
  const { lang, t, settings, toast } = useApp();
  const opts = { threshold: settings.confidenceThreshold, onlyAttention: settings.onlyAttention };
  const [detail, setDetail] = useState<DocumentDetail | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState(-1);
  const [rejecting, setRejecting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputs = useRef<Map<string, HTMLInputElement>>(new Map());
  const panelRef = useRef<HTMLDivElement | null>(null);
  // Latest state for queued actions (they run after earlier ones finished, with fresh values).
  const state = useRef({ detail, drafts, current });
  state.current = { detail, drafts, current };
  const chain = useRef<Promise<void>>(Promise.resolve());

  const adopt = (raw: DocumentDetail, focus: 'first' | 'next' | 'keep') => {
    const d = normalise(raw);
    setDetail(d);
    setDrafts(Object.fromEntries(d.fields.map((f) => [f.name, f.value ?? ''])));
    const prev = state.current.current;
    let idx: number;
    if (focus === 'keep') idx = prev;
    else if (focus === 'first') idx = nextAttentionIndex(d.fields, d.findings, opts, -1);
    else idx = nextAttentionIndex(d.fields, d.findings, opts, prev);
    setCurrent(idx);
    state.current = { detail: d, drafts: Object.fromEntries(d.fields.map((f) => [f.name, f.value ?? ''])), current: idx };
  };
  const adoptRef = useRef(adopt);
  adoptRef.current = adopt;

  useEffect(() => {
    let cancelled = false;
    setError(null);
    call('documents:get', { id: documentId })
      .then((d) => { if (!cancelled) adoptRef.current(d, 'first'); })
      .catch((err: unknown) => { if (!cancelled) setError(errorText(err, lang)); });
    return () => { cancelled = true; };
  }, [documentId, lang]);

  // Keep keyboard focus where the work is: the current field's input, or the panel itself.
  useEffect(() => {
    if (!detail) return;
    const f = detail.fields[current];
    const el = f ? inputs.current.get(f.name) : null;
    if (el) {
      if (document.activeElement !== el) el.focus();
    } else if (!rejecting) panelRef.current?.focus();
  }, [detail, current, rejecting]);

  const enqueue = (fn: () => Promise<void>) => {
    chain.current = chain.current.then(fn).catch((err: unknown) => {
      toast('error', errorText(err, lang));
    });
  };

  const goNext = async (fromId: number) => {
    const next = await findNextDocument(filter, sort, fromId);
    if (next !== null) onNavigate(next);
    else {
      toast('info', t('detail.allDone'));
      onClose(fromId);
    }
  };

  /** Saves the current field's typed value (set-field) or accepts it as is (accept-field). */
  const commitCurrent = async (): Promise<DocumentDetail | null> => {
    const { detail: d, drafts: dr, current: idx } = state.current;
    const f = d?.fields[idx];
    if (!d || !f) return d;
    const draft = dr[f.name] ?? '';
    if (draft !== (f.value ?? '')) return normalise(await call('documents:set-field', { id: d.row.id, field: f.name, value: draft }));
    if (f.state === 'pending') return normalise(await call('documents:accept-field', { id: d.row.id, field: f.name }));
    return d;
  };

  const onEnter = () => enqueue(async () => {
    const d0 = state.current.detail;
    if (!d0) return;
    const d = await commitCurrent();
    if (!d) return;
    const idx = nextAttentionIndex(d.fields, d.findings, opts, state.current.current);
    if (idx >= 0) {
      adopt(d, 'next');
      return;
    }
    // Nothing left needing attention: the document is done — confirm it and move on.
    await call('documents:confirm', { id: d.row.id });
    await goNext(d.row.id);
  });

  const onConfirmDocument = () => enqueue(async () => {
    const d = await commitCurrent();
    if (!d) return;
    await call('documents:confirm', { id: d.row.id });
    await goNext(d.row.id);
  });

  const onPostpone = () => enqueue(async () => {
    const d = state.current.detail;
    if (!d) return;
    await call('documents:postpone', { id: d.row.id });
    await goNext(d.row.id);
  });

  const onReject = (reason: string) => enqueue(async () => {
    const d = state.current.detail;
    setRejecting(false);
    if (!d) return;
    await call('documents:reject', { id: d.row.id, reason });
    await goNext(d.row.id);
  });

  const onUndoField = () => enqueue(async () => {
    const { detail: d, current: idx } = state.current;
    const f = d?.fields[idx];
    if (!d || !f) return;
    adopt(await call('documents:undo-field', { id: d.row.id, field: f.name }), 'keep');
  });

  const onUndoDocument = () => enqueue(async () => {
    const d = state.current.detail;
    if (!d) return;
    adopt(await call('documents:undo-document', { id: d.row.id }), 'first');
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
    adopt(await call('documents:apply-fix', { findingId: finding.id }), 'keep');
  });

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (rejecting) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const key = e.key;
    let handled = true;
    if (key === 'Enter' && ctrl) onConfirmDocument();
    else if (key === 'Enter') onEnter();
    else if (key === 'Escape') onClose(documentId);
    else if (key === 'F7' || (ctrl && (key === 'p' || key === 'з'))) onPostpone();
    else if (key === 'F8') setRejecting(true);
    else if (key === 'F4' || (ctrl && (key === 'f' || key === 'а'))) onApplyFix();
    else if (ctrl && e.shiftKey && (key === 'Z' || key === 'z' || key === 'Я' || key === 'я')) onUndoDocument();
    else if (ctrl && (key === 'z' || key === 'я')) onUndoField();
    else if (key === 'ArrowDown' && detail) setCurrent((c) => Math.min(detail.fields.length - 1, c + 1));
    else if (key === 'ArrowUp') setCurrent((c) => Math.max(0, c - 1));
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  if (error) return <div className="detail detail-error" role="alert">{error} <button type="button" className="btn" onClick={() => onClose(documentId)}>{t('detail.close')}</button></div>;
  if (!detail) return <div className="detail detail-loading">{t('app.loading')}</div>;

  const { row } = detail;
  const docFindings = detail.findings.filter((f) => f.field === null);
  return (
    <div className="detail" ref={panelRef} tabIndex={-1} onKeyDown={onKeyDown} data-testid="detail-panel" data-document-id={row.id} data-review={row.review}>
      <div className="detail-head">
        <button type="button" className="btn" onClick={() => onClose(row.id)}>← {t('detail.close')}</button>
        <h2 className="detail-title">{row.fileName}</h2>
        <span className="muted">{docTypeLabel(lang, row.type)} · {row.caseLabel}</span>
        <span className={`status status-${row.status}`} data-testid="detail-status">{statusLabel(lang, row.status)}</span>
        {row.statusReason && REASON_STATUSES.has(row.status) ? (
          <span className="status-reason" data-testid="status-reason">{t('detail.statusReason', { reason: row.statusReason })}</span>
        ) : null}
        <span className={`review review-${row.review}`} data-testid="detail-review">{reviewLabel(lang, row.review)}</span>
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={onConfirmDocument}>{t('detail.confirm')}</button>
        <button type="button" className="btn" onClick={onPostpone}>{t('detail.postpone')}</button>
        <button type="button" className="btn btn-danger" onClick={() => setRejecting(true)}>{t('detail.reject')}</button>
        <button type="button" className="btn" onClick={onUndoDocument}>{t('detail.undoDoc')}</button>
      </div>
      <div className="detail-body">
        {detail.image ? <ScanViewer documentId={row.id} mime={detail.image.mime} pages={detail.image.pages} /> : <div className="viewer viewer-empty">{t('detail.noImage')}</div>}
        <div className="detail-side">
          <section className="fields" aria-label={t('detail.fields')}>
            {detail.fields.length === 0 ? <p className="muted">{t('detail.noFields')}</p> : null}
            {detail.fields.map((f, i) => (
              <FieldEditor
                key={f.name}
                ref={(el) => { if (el) inputs.current.set(f.name, el); else inputs.current.delete(f.name); }}
                field={f}
                findings={detail.findings.filter((x) => x.field === f.name)}
                draft={drafts[f.name] ?? ''}
                current={i === current}
                attention={needsAttention(f, detail.findings, opts)}
                threshold={opts.threshold}
                onDraft={(v) => setDrafts((d) => ({ ...d, [f.name]: v }))}
                onFocus={() => setCurrent(i)}
                onApplyFix={(id) => onApplyFix(id)}
              />
            ))}
          </section>
          {docFindings.length > 0 || detail.rawBroken ? (
            <section className="panel-section">
              <h3>{t('detail.findings')}</h3>
              <ul className="field-findings">
                {docFindings.map((f) => (
                  <li key={f.id} className={`finding finding-${f.severity}`}>
                    <span className={`source source-${f.source}`}>{t(`detail.source.${f.source}`)}</span>
                    <span className="finding-text">{lang === 'en' ? f.messageEn : f.messageRu}</span>
                  </li>
                ))}
                {detail.rawBroken ? (lang === 'en' ? detail.rawBroken.reasons : detail.rawBroken.reasonsRu).map((r) => (
                  <li key={r} className="finding finding-warning"><span className="source source-api">{t('detail.brokenScan')}</span><span className="finding-text">{r}</span></li>
                )) : null}
              </ul>
            </section>
          ) : null}
          {detail.case ? (
            <section className="panel-section">
              <h3>{t('detail.case')}: {detail.case.label}</h3>
              <div className="row">
                <span className={`case-state-${detail.case.state}`} data-testid="case-state">{t('detail.caseState', { state: caseStateLabel(lang, detail.case.state) })}</span>
                <CaseActions caseId={detail.case.id} state={detail.case.state} onChanged={onCaseChanged} />
                <DeleteCaseButton caseId={detail.case.id} caseLabel={detail.case.label} onDeleted={() => onClose(documentId)} />
              </div>
              <p>
                {detail.case.verdict ? <span className={`verdict verdict-${detail.case.verdict}`}>{t(`verdict.${detail.case.verdict}`)}</span> : null}
                {detail.case.verdictReasons.map((r) => <span key={r} className="muted"> · {r}</span>)}
              </p>
              {row.matchScore !== null || row.livenessScore !== null ? (
                <p className="biometry">
                  {row.matchScore !== null ? <span className={row.matchScore < settings.matchThreshold ? 'bad' : 'good'}>{t('detail.matchVs', { v: formatScore(row.matchScore), t: formatScore(settings.matchThreshold) })}</span> : null}
                  {row.livenessScore !== null ? <span className={row.livenessScore < settings.livenessThreshold ? 'bad' : 'good'}>{t('detail.livenessVs', { v: formatScore(row.livenessScore), t: formatScore(settings.livenessThreshold) })}</span> : null}
                </p>
              ) : null}
            </section>
          ) : null}
          <section className="panel-section">
            <h3>{t('detail.history')}</h3>
            <HistoryTable history={detail.history} fields={detail.fields} />
          </section>
        </div>
      </div>
      <div className="key-legend" data-testid="key-legend">{t('keys.legend')}</div>
      {rejecting ? <RejectDialog onCancel={() => { setRejecting(false); }} onReject={onReject} /> : null}
    </div>
  );
}
