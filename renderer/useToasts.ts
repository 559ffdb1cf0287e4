// Toast state: short notices in the corner. Info and warnings go after 5 s; errors stay longer (the clerk may be away)
// but not for ever — a stale «Папка не найдена» must not sit there for minutes after the clerk fixed it. The same text
// again replaces the earlier toast instead of stacking copies, and a later success of the same action (same `key`)
// clears its error.
import { useCallback, useRef, useState } from 'react';
import type { ToastLevel } from './app-context.ts';
import type { Toast } from './components/Toasts.tsx';

export const TOAST_MS: Record<ToastLevel, number> = { info: 5_000, warning: 10_000, error: 30_000 };
const MAX_TOASTS = 5;

export function useToasts() {
  const [toasts, setToasts] = useState<(Toast & { key?: string })[]>([]);
  const nextId = useRef(0);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((x) => x.id !== id)), []);
  /** Removes every toast raised under `key` (the action it reported has since succeeded). */
  const clear = useCallback((key: string) => setToasts((ts) => ts.filter((x) => x.key !== key)), []);
  const toast = useCallback((level: ToastLevel, text: string, key?: string) => {
    const id = ++nextId.current;
    setToasts((ts) => [...ts.filter((x) => x.text !== text && (key === undefined || x.key !== key)).slice(-(MAX_TOASTS - 1)), { id, level, text, ...(key !== undefined ? { key } : {}) }]);
    window.setTimeout(() => dismiss(id), TOAST_MS[level]);
  }, [dismiss]);
  return { toasts, toast, dismiss, clear };
}
