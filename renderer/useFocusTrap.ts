// Focus for a modal dialog: it takes the focus when it opens (the given element, or its first control), Tab and
// Shift+Tab cycle inside it, focus that wanders behind it (a click on the backdrop's page) comes back, and when it
// closes the focus returns to where it was — so keys typed for the dialog never land in a field behind it.
import { useEffect, type RefObject } from 'react';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));
}

export function useFocusTrap(rootRef: RefObject<HTMLElement | null>, initialRef?: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = rootRef.current;
    if (!root) return undefined;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const start = () => (initialRef?.current ?? focusables(root)[0] ?? root).focus();
    start();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const list = focusables(root);
      const first = list[0];
      const last = list.at(-1);
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !root.contains(e.target)) start();
    };
    root.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      root.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocusIn);
      if (previous?.isConnected) previous.focus();
    };
    // Mount-only: the dialog owns the focus for its whole life (the refs are stable).
  }, [rootRef, initialRef]);
}
