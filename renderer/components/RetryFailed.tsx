// «Повторить все с ошибками»: ask the engine for the quote (cases, documents, how many are sent again and what that
// costs), show it in the yes/no dialog that guards paid actions, and retry only after «Повторить».
import { useEffect, useState } from 'react';
import type { RetryFailedQuote } from '../../shared/api.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { formatRub } from '../format.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

export function RetryFailed({ demo, onClose }: { demo: boolean; onClose: () => void }) {
  const { lang, t, toast, toastError } = useApp();
  const [quote, setQuote] = useState<RetryFailedQuote | null>(null);
  useEffect(() => {
    call('cases:retry-failed', { confirm: false })
      .then((q) => {
        if (q.cases === 0) {
          toast('info', t('retry.none'));
          onClose();
        } else setQuote(q);
      })
      .catch((err: unknown) => { toastError(err); onClose(); });
  }, [lang, t, toast, toastError, onClose]);
  if (!quote) return null;
  const params = { cases: quote.cases, documents: quote.documents, resend: quote.resend, rub: formatRub(quote.costRub, lang) };
  return (
    <ConfirmDialog
      title={t('retry.title')}
      question={demo ? t('retry.questionDemo', params) : t('retry.question', params)}
      confirmLabel={t('retry.ok')}
      onCancel={onClose}
      onConfirm={() => {
        call('cases:retry-failed', { confirm: true })
          .then((r) => toast('info', t('retry.done', { n: r.retried })))
          .catch((err: unknown) => toastError(err))
          .finally(onClose);
      }}
    />
  );
}
