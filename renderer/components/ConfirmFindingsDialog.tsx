// The second question before confirming a document that still has error-level findings or biometry below the
// thresholds ([Note: only recognised data is verified]): the reasons listed, focus on "back to the fields" so a
// reflex Enter changes nothing; Ctrl+Enter (or the button) confirms despite them, Esc goes back.
import { useRef, type KeyboardEvent } from 'react';
import { useApp } from '../app-context.ts';
import { Modal } from './Modal.tsx';

type Props = { reasons: string[]; onConfirm: () => void; onCancel: () => void };

export function ConfirmFindingsDialog({ reasons, onConfirm, onCancel }: Props) {
  const { t } = useApp();
  const backRef = useRef<HTMLButtonElement | null>(null);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); onConfirm(); }
  };
  return (
    <Modal label={t('review.despiteTitle')} testId="confirm-findings-dialog" focusRef={backRef} onCancel={onCancel} onKey={onKey}>
      <h3>{t('review.despiteTitle')}</h3>
      <ul className="field-findings" data-testid="confirm-findings-reasons">
        {reasons.map((r) => <li key={r} className="finding finding-error"><span className="finding-text">{r}</span></li>)}
      </ul>
      <p className="muted">{t('review.despiteHint')}</p>
      <div className="modal-actions">
        <button type="button" className="btn" ref={backRef} onClick={onCancel}>{t('review.despiteBack')}</button>
        <button type="button" className="btn btn-danger" onClick={onConfirm} data-testid="confirm-findings-ok">{t('review.despiteOk')}</button>
      </div>
    </Modal>
  );
}
