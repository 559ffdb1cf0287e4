// A yes/no question in a small modal (used before paid actions). Focus starts on "Cancel": the clerk works
// from the keyboard, and a reflex Enter must never spend money. Esc cancels; keys do not reach the panel;
// the focus stays in the dialog (focus trap) and goes back where it was (the detail panel) when it closes.
import { useRef } from 'react';
import { useApp } from '../app-context.ts';
import { useFocusTrap } from '../useFocusTrap.ts';

type Props = { title: string; question: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void };

export function ConfirmDialog({ title, question, confirmLabel, onConfirm, onCancel }: Props) {
  const { t } = useApp();
  const cancelRef = useRef<HTMLButtonElement | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  useFocusTrap(rootRef, cancelRef);
  return (
    <div className="modal-backdrop">
      <div
        ref={rootRef}
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-label={title}
        data-testid="confirm-dialog"
        onKeyDown={(e) => { e.stopPropagation(); if (e.key === 'Escape') onCancel(); }}
      >
        <h3>{title}</h3>
        <p className="confirm-question">{question}</p>
        <div className="modal-actions">
          <button type="button" className="btn" ref={cancelRef} onClick={onCancel}>{t('common.cancel')}</button>
          <button type="button" className="btn btn-primary" onClick={onConfirm} data-testid="confirm-ok">{confirmLabel}</button>
        </div>
      </div>
    </div>
  );
}
