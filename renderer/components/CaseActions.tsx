// Queue actions on the open document's case, offered by its state: cancel before sending, retry a failure,
// re-process a recognised case, resolve an 'uncertain' one (send again, or mark as failed). Re-sending is
// paid, so it first asks the engine for the quote and shows the cost in a confirmation.
import { useState } from 'react';
import type { CaseState } from '../../shared/types.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { formatRub } from '../format.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

type PaidAction = 'reprocess' | 'resubmit';
type Quote = { action: PaidAction; documents: number; costRub: number };
type Props = { caseId: number; state: CaseState; onChanged: () => void };

export function CaseActions({ caseId, state, onChanged }: Props) {
  const { lang, t, settings, toast, toastError } = useApp();
  const [busy, setBusy] = useState(false);
  const [quote, setQuote] = useState<Quote | null>(null);

  const run = (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    work()
      .then(() => { toast('info', done); onChanged(); })
      .catch((err: unknown) => toastError(err))
      .finally(() => setBusy(false));
  };
  const askPaid = (action: PaidAction) => {
    setBusy(true);
    // confirm: false only quotes: nothing is sent or paid yet.
    call('cases:reprocess', { caseId, confirm: false })
      .then((q) => setQuote({ action, documents: q.documents, costRub: q.costRub }))
      .catch((err: unknown) => toastError(err))
      .finally(() => setBusy(false));
  };
  const confirmPaid = (q: Quote) => {
    setQuote(null);
    if (q.action === 'reprocess') run(() => call('cases:reprocess', { caseId, confirm: true }), t('caseActions.queued'));
    else run(() => call('cases:resolve-uncertain', { caseId, action: 'resubmit' }), t('caseActions.queued'));
  };

  const button = (label: string, onClick: () => void, testId: string, danger = false) => (
    <button type="button" className={`btn btn-small${danger ? ' btn-danger' : ''}`} disabled={busy} onClick={onClick} data-testid={testId}>{label}</button>
  );
  let buttons: React.ReactNode = null;
  switch (state) {
    case 'collecting':
    case 'queued':
      buttons = button(t('caseActions.cancel'), () => run(() => call('cases:cancel', { caseId }), t('caseActions.cancelled')), 'case-cancel', true);
      break;
    case 'failed':
      buttons = button(t('caseActions.retry'), () => run(() => call('cases:retry', { caseId }), t('caseActions.queued')), 'case-retry');
      break;
    case 'done':
      buttons = button(t('caseActions.reprocess'), () => askPaid('reprocess'), 'case-reprocess');
      break;
    case 'uncertain':
      buttons = (
        <>
          {button(t('caseActions.resubmit'), () => askPaid('resubmit'), 'case-resubmit')}
          {button(t('caseActions.markFailed'), () => run(() => call('cases:resolve-uncertain', { caseId, action: 'mark-failed' }), t('caseActions.markedFailed')), 'case-mark-failed', true)}
        </>
      );
      break;
    case 'sending':
    case 'processing':
    case 'rejected':
    case 'cancelled':
      break; // in flight or final: nothing the clerk can do from here
  }
  if (!buttons) return null;

  const price = quote && quote.documents > 0 ? quote.costRub / quote.documents : settings.pricePerDocumentRub;
  return (
    <div className="case-actions" data-testid="case-actions">
      {buttons}
      {quote ? (
        <ConfirmDialog
          title={t(quote.action === 'reprocess' ? 'caseActions.reprocessTitle' : 'caseActions.resubmitTitle')}
          question={t(quote.action === 'reprocess' ? 'caseActions.reprocessQuestion' : 'caseActions.resubmitQuestion', {
            price: formatRub(price, lang), n: quote.documents, total: formatRub(quote.costRub, lang),
          })}
          confirmLabel={t('caseActions.continue')}
          onConfirm={() => confirmPaid(quote)}
          onCancel={() => setQuote(null)}
        />
      ) : null}
    </div>
  );
}
