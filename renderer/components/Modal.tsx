// The shell every dialog shares: a backdrop, a box that takes and keeps the focus (useFocusTrap) and gives it back
// when it closes, Esc to cancel, and keys that never reach the panel behind it. `onSubmit` makes the box a form
// (Enter submits); `onKey` sees the other keys (e.g. Ctrl+Enter).
import { useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { useFocusTrap } from '../useFocusTrap.ts';

type Props = {
  label: string;
  testId: string;
  role?: 'dialog' | 'alertdialog';
  /** Where the focus starts: the safe choice ("Cancel"), or the box a clerk types into. */
  focusRef: RefObject<HTMLElement | null>;
  onCancel: () => void;
  /** Esc does nothing while an action runs. */
  busy?: boolean;
  onKey?: (e: KeyboardEvent) => void;
  onSubmit?: () => void;
  children: ReactNode;
};

export function Modal({ label, testId, role = 'alertdialog', focusRef, onCancel, busy = false, onKey, onSubmit, children }: Props) {
  const rootRef = useRef<HTMLElement | null>(null);
  useFocusTrap(rootRef, focusRef);
  const common = {
    className: 'modal',
    role,
    'aria-modal': true,
    'aria-label': label,
    'data-testid': testId,
    onKeyDown: (e: KeyboardEvent) => {
      e.stopPropagation();
      if (e.key === 'Escape') {
        if (!busy) onCancel();
      } else onKey?.(e);
    },
  } as const;
  return (
    <div className="modal-backdrop">
      {onSubmit ? (
        <form ref={(el) => { rootRef.current = el; }} {...common} onSubmit={(e) => { e.preventDefault(); onSubmit(); }}>{children}</form>
      ) : (
        <div ref={(el) => { rootRef.current = el; }} {...common}>{children}</div>
      )}
    </div>
  );
}
