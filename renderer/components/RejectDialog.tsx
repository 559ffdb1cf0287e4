// Reject with a reason: a small modal that takes the focus (the reason box), keeps it (focus trap), Enter submits,
// Esc cancels, and the focus goes back where it was.
import { useRef, useState } from 'react';
import { useApp } from '../app-context.ts';
import { useFocusTrap } from '../useFocusTrap.ts';

export function RejectDialog({ onCancel, onReject }: { onCancel: () => void; onReject: (reason: string) => void }) {
  const { t } = useApp();
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLInputElement | null>(null);
  const formRef = useRef<HTMLFormElement | null>(null);
  useFocusTrap(formRef, ref);
  return (
    <div className="modal-backdrop">
      <form
        ref={formRef}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={t('reject.title')}
        data-testid="reject-dialog"
        onSubmit={(e) => { e.preventDefault(); if (reason.trim()) onReject(reason.trim()); }}
        onKeyDown={(e) => { e.stopPropagation(); if (e.key === 'Escape') onCancel(); }}
      >
        <h3>{t('reject.title')}</h3>
        <label className="stack">{t('reject.reason')}
          <input ref={ref} value={reason} maxLength={500} placeholder={t('reject.placeholder')} onChange={(e) => setReason(e.target.value)} data-testid="reject-reason" />
        </label>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-danger" disabled={!reason.trim()}>{t('reject.ok')}</button>
        </div>
      </form>
    </div>
  );
}
