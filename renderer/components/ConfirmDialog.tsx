// A yes/no question in a small modal (used before paid actions). Focus starts on "Cancel": the clerk works
// from the keyboard, and a reflex Enter must never spend money. Esc cancels (Modal).
import { useRef } from 'react';
import { useApp } from '../app-context.ts';
import { Modal } from './Modal.tsx';

type Props = { title: string; question: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void };

export function ConfirmDialog({ title, question, confirmLabel, onConfirm, onCancel }: Props) {
  const { t } = useApp();
  const cancelRef = useRef<HTMLButtonElement | null>(null);
  return (
    <Modal label={title} testId="confirm-dialog" focusRef={cancelRef} onCancel={onCancel}>
      <h3>{title}</h3>
      <p className="confirm-question">{question}</p>
      <div className="modal-actions">
        <button type="button" className="btn" ref={cancelRef} onClick={onCancel}>{t('common.cancel')}</button>
        <button type="button" className="btn btn-primary" onClick={onConfirm} data-testid="confirm-ok">{confirmLabel}</button>
      </div>
    </Modal>
  );
}
