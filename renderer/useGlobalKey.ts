// A function key that works anywhere on the page (F1 help, F9 review), while `enabled`; its default is suppressed.
import { useEffect } from 'react';

export function useGlobalKey(key: string, handler: () => void, enabled = true): void {
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== key) return;
      e.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [key, handler, enabled]);
}
