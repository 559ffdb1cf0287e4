// Reject with a reason: a small modal that takes the focus (the reason box), keeps it, Enter submits, Esc cancels,
// and the focus goes back where it was (Modal).
import { useRef, useState } from 'react';
import { useApp } from '../app-context.ts';
import { Modal } from './Modal.tsx';

export function RejectDialog({ onCancel, onReject }: { onCancel: () => void; onReject: (reason: string) => void }) {
  const { t } = useApp();
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLInputElement | null>(null);
  return (
    <Modal label={t('reject.title')} testId="reject-dialog" role="dialog" focusRef={ref} onCancel={onCancel} onSubmit={() => { if (reason.trim()) onReject(reason.trim()); }}>
      <h3>{t('reject.title')}</h3>
      <label className="stack">{t('reject.reason')}
        <input ref={ref} value={reason} maxLength={500} placeholder={t('reject.placeholder')} onChange={(e) => setReason(e.target.value)} data-testid="reject-reason" />
      </label>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
        <button type="submit" className="btn btn-danger" disabled={!reason.trim()}>{t('reject.ok')}</button>
      </div>
    </Modal>
  );
}
