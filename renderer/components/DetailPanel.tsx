// Detail panel: the scan beside the fields as a form, plus findings, history, case verdict and biometry. The keys and
// actions live in review-actions.ts, the session's state in useReviewSession.ts; this file draws them.
// A document without recognised data (duplicate, rejected, failed…) shows its scan when the file is a readable image,
// its reason in full, a duplicate's link to the earlier document, and no way to verify it.
import { useLayoutEffect, useRef } from 'react';
import type { DocumentDetail } from '../../shared/api.ts';
import { isReviewable, notReviewableReason } from '../../shared/review-rules.ts';
import { useApp } from '../app-context.ts';
import { formatScore } from '../format.ts';
import { caseStateLabel, docTypeLabel, reviewLabel, statusLabel } from '../i18n.ts';
import type { DocStatus } from '../../shared/types.ts';
import { needsAttention } from '../review-logic.ts';
import { createReviewActions, handleReviewKey, type ReviewActions } from '../review-actions.ts';
import { useReviewSession, type SessionProps } from '../useReviewSession.ts';
import { CaseActions } from './CaseActions.tsx';
import { ConfirmFindingsDialog } from './ConfirmFindingsDialog.tsx';
import { DeleteCaseButton } from './DeleteCaseButton.tsx';
import { FieldEditor } from './FieldEditor.tsx';
import { HistoryTable } from './HistoryTable.tsx';
import { RejectDialog } from './RejectDialog.tsx';
import { ScanViewer } from './ScanViewer.tsx';

/** Statuses whose reason the clerk needs to read to decide what to do (the engine writes it in Russian). */
// A recognised document carries a reason only when something needs the clerk (its original could not be moved).
const REASON_STATUSES = new Set<DocStatus>(['failed', 'rejected', 'uncertain', 'waiting', 'duplicate', 'ignored', 'cancelled', 'recognised']);

export function DetailPanel(props: SessionProps) {
  const { documentId, onClose, onNavigate } = props;
  const app = useApp();
  const { lang, t } = app;
  const s = useReviewSession({ documentId });
  const a = createReviewActions(s, props, app);
  const { detail, drafts, current, dialog, error, opts } = s;
  const inputs = useRef<Map<string, HTMLInputElement>>(new Map());
  const panelRef = useRef<HTMLDivElement | null>(null);

  // Keep keyboard focus where the work is: the current field's input, or the panel itself — never while a dialog
  // is open (the dialog holds the focus; it hands it back when it closes). A layout effect: the focus moves in the same
  // commit that shows the next document, so a key pressed the moment it appears is never lost on <body>.
  useLayoutEffect(() => {
    if (!detail || dialog) return;
    const f = detail.fields[current];
    const el = f ? inputs.current.get(f.name) : null;
    if (el) {
      if (document.activeElement !== el) el.focus();
    } else panelRef.current?.focus();
  }, [detail, current, dialog]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (dialog) return;
    if (handleReviewKey(e, a, s, () => onClose(documentId))) {
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
      <DetailHead detail={detail} actions={a} onClose={() => onClose(row.id)} onOpenEarlier={onNavigate} />
      {detail.claimedBy ? <div className="detail-claimed" role="status" data-testid="claimed-by">{t('detail.claimedBy', { name: detail.claimedBy })}</div> : null}
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
                onDraft={(v) => s.setDrafts((d) => ({ ...d, [f.name]: v }))}
                onFocus={() => s.setCurrent(i)}
                onApplyFix={(id) => a.onApplyFix(id)}
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
          {detail.case ? <CaseSection detail={detail} onChanged={a.onCaseChanged} onDeleted={() => onClose(documentId)} /> : null}
          <section className="panel-section">
            <h3>{t('detail.history')}</h3>
            <HistoryTable history={detail.history} fields={detail.fields} />
          </section>
        </div>
      </div>
      <div className="key-legend" data-testid="key-legend">{t('keys.legend')}</div>
      {dialog?.kind === 'reject' ? <RejectDialog onCancel={() => s.setDialog(null)} onReject={a.onReject} /> : null}
      {dialog?.kind === 'findings' ? <ConfirmFindingsDialog reasons={dialog.reasons} onConfirm={a.onConfirmDespite} onCancel={() => s.setDialog(null)} /> : null}
    </div>
  );
}

/** Title, status with its full reason (a duplicate links to the earlier document), review state and the actions;
 *  confirm and reject are disabled, with the reason as their hint, for a document without recognised data. */
function DetailHead({ detail, actions: a, onClose, onOpenEarlier }: { detail: DocumentDetail; actions: ReviewActions; onClose: () => void; onOpenEarlier: (id: number) => void }) {
  const { lang, t } = useApp();
  const { row } = detail;
  const reviewable = isReviewable(row.status);
  const why = reviewable ? undefined : notReviewableReason(row.status)[lang];
  return (
    <div className="detail-head">
      <button type="button" className="btn" onClick={onClose}>← {t('detail.close')}</button>
      <h2 className="detail-title">{row.fileName}</h2>
      <span className="muted">{docTypeLabel(lang, row.type)} · {row.caseLabel}</span>
      <span className={`status status-${row.status}`} data-testid="detail-status" title={row.statusReason ?? undefined}>{statusLabel(lang, row.status)}</span>
      {row.statusReason && REASON_STATUSES.has(row.status) ? (
        <span className="status-reason" data-testid="status-reason">{t('detail.statusReason', { reason: row.statusReason })}</span>
      ) : null}
      {row.duplicateOf !== null ? (
        <button type="button" className="btn btn-small" data-testid="open-earlier" onClick={() => onOpenEarlier(row.duplicateOf!)}>{t('review.openEarlier', { id: row.duplicateOf })}</button>
      ) : null}
      <span className={`review review-${row.review}`} data-testid="detail-review">{reviewLabel(lang, row.review)}</span>
      <span className="spacer" />
      <button type="button" className="btn btn-primary" onClick={a.onConfirmDocument} disabled={!reviewable} title={why} data-testid="confirm-document">{t('detail.confirm')}</button>
      <button type="button" className="btn" onClick={a.onPostpone}>{t('detail.postpone')}</button>
      <button type="button" className="btn btn-danger" onClick={a.startReject} disabled={!reviewable} title={why}>{t('detail.reject')}</button>
      <button type="button" className="btn" onClick={a.onUndoDocument}>{t('detail.undoDoc')}</button>
    </div>
  );
}

function CaseSection({ detail, onChanged, onDeleted }: { detail: DocumentDetail; onChanged: () => void; onDeleted: () => void }) {
  const { lang, t, settings } = useApp();
  const { row } = detail;
  const c = detail.case!;
  return (
    <section className="panel-section">
      <h3>{t('detail.case')}: {c.label}</h3>
      <div className="row">
        <span className={`case-state-${c.state}`} data-testid="case-state">{t('detail.caseState', { state: caseStateLabel(lang, c.state) })}</span>
        <CaseActions caseId={c.id} state={c.state} onChanged={onChanged} />
        <DeleteCaseButton caseId={c.id} caseLabel={c.label} onDeleted={onDeleted} />
      </div>
      <p>
        {c.verdict ? <span className={`verdict verdict-${c.verdict}`}>{t(`verdict.${c.verdict}`)}</span> : null}
        {c.verdictReasons.map((r) => <span key={r} className="muted"> · {r}</span>)}
      </p>
      {row.matchScore !== null || row.livenessScore !== null ? (
        <p className="biometry">
          {row.matchScore !== null ? <span className={row.matchScore < settings.matchThreshold ? 'bad' : 'good'}>{t('detail.matchVs', { v: formatScore(row.matchScore), t: formatScore(settings.matchThreshold) })}</span> : null}
          {row.livenessScore !== null ? <span className={row.livenessScore < settings.livenessThreshold ? 'bad' : 'good'}>{t('detail.livenessVs', { v: formatScore(row.livenessScore), t: formatScore(settings.livenessThreshold) })}</span> : null}
        </p>
      ) : null}
    </section>
  );
}
