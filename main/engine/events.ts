// Push events to the UI, batched (≤ ~10/s, ids and counts; the renderer re-queries).
import type { EventName, Events } from '../../shared/api.ts';

export type Listener = <E extends EventName>(name: E, payload: Events[E]) => void;

export type EventBus = {
  emit<E extends EventName>(name: E, payload: Events[E]): void;
  /** Marks documents as changed; coalesced into one 'documents:changed' per flush. */
  documentsChanged(ids: number[] | 'all'): void;
  subscribe(listener: Listener): () => void;
  flush(): void;
  close(): void;
};

export function createEventBus(flushMs = 100): EventBus {
  const listeners = new Set<Listener>();
  const pendingIds = new Set<number>();
  let pendingAll = false;
  let latestProgress: Events['queue:progress'] | null = null;
  let timer: NodeJS.Timeout | null = null;

  const deliver = <E extends EventName>(name: E, payload: Events[E]) => {
    for (const l of listeners) {
      try {
        l(name, payload);
      } catch {
        /* a failing listener (closed socket) must not stop the engine */
      }
    }
  };
  const flush = () => {
    timer = null;
    if (pendingAll || pendingIds.size > 0) {
      const ids = pendingAll ? [] : [...pendingIds].slice(0, 5000);
      deliver('documents:changed', { ids, all: pendingAll || pendingIds.size > 5000 });
      pendingIds.clear();
      pendingAll = false;
    }
    if (latestProgress) {
      deliver('queue:progress', latestProgress);
      latestProgress = null;
    }
  };
  // The one wall-clock timer in the engine besides the retention purge: it only paces pushes to the UI (coalescing
  // bursts), decides nothing, and a test that needs the pushes at once calls flush().
  const schedule = () => {
    if (!timer) timer = setTimeout(flush, flushMs);
  };
  return {
    emit(name, payload) {
      if (name === 'queue:progress') {
        latestProgress = payload as Events['queue:progress'];
        schedule();
      } else deliver(name, payload);
    },
    documentsChanged(ids) {
      if (ids === 'all') pendingAll = true;
      else for (const id of ids) pendingIds.add(id);
      schedule();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    flush() {
      if (timer) clearTimeout(timer);
      flush();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      listeners.clear();
    },
  };
}
