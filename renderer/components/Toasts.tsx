// Toasts: short notices in the corner (batch finished, saved, errors). Errors stay until dismissed.
import type { ToastLevel } from '../app-context.ts';

export type Toast = { id: number; level: ToastLevel; text: string };

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.level}`} role={t.level === 'error' ? 'alert' : 'status'} onClick={() => onDismiss(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
