// Desktop notifications in browser mode (the Electron shell raises its own): a batch finished, the queue paused by
// itself (limit, no connection, daily cap, credentials). Shown only while the clerk is not looking at the page; the
// permission is asked once, on the clerk's first click (browsers ignore a request without one).
import { useEffect, useRef } from 'react';
import type { QueueState } from '../shared/api.ts';

function supported(): boolean {
  return typeof window.Notification === 'function';
}

/** Ask for the permission on the first click anywhere, once. */
export function askNotificationPermissionOnFirstClick(): () => void {
  if (!supported() || Notification.permission !== 'default') return () => undefined;
  const ask = () => { void Notification.requestPermission().catch(() => undefined); };
  window.addEventListener('click', ask, { once: true });
  return () => window.removeEventListener('click', ask);
}

export function desktopNotify(body: string): void {
  if (!supported() || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    new Notification('ScanDesk', { body, tag: body });
  } catch {
    /* some browsers only allow notifications from a service worker: the toast is still shown */
  }
}

/** Notifies when the queue goes from sending to paused for a reason other than the clerk's own pause. */
export function usePauseNotification(queue: QueueState | null, text: (q: QueueState) => string): void {
  const last = useRef<QueueState['pausedReason']>(null);
  useEffect(() => {
    const reason = queue?.pausedReason ?? null;
    if (queue && reason !== null && reason !== 'clerk' && reason !== last.current) desktopNotify(text(queue));
    last.current = reason;
  }, [queue, text]);
}
