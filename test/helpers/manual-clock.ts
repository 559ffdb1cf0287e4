// A clock that only moves when a test moves it. `advance(ms)` fires every timer due on the way in time order
// (ties in the order they were set), letting each one's continuations run before the next, so a test asserts on
// order and counts in virtual time and never on how fast the machine is.
import type { Clock, Timer } from '../../main/engine/clock.ts';

type Pending = { at: number; seq: number; fire: () => void };

/** One turn of the real event loop: promise continuations and ready I/O callbacks run. */
export const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** A short real wait (1 ms timer): sockets and the thread pool get their turn. For polling a condition on I/O. */
export const realTurn = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 1));

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  timer(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fire: fn };
    this.pending.add(p);
    return { cancel: () => void this.pending.delete(p) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        timer.cancel();
        reject(signal?.reason as Error);
      };
      const timer = this.timer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Timers waiting to fire. */
  pendingCount(): number {
    return this.pending.size;
  }

  /** When the earliest timer is due, or null when none is set. */
  nextAt(): number | null {
    const first = this.earliest();
    return first ? first.at : null;
  }

  /** Moves time forward by `ms`, firing every timer due on the way in order. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + Math.max(0, ms));
  }

  /** Moves time to `to` (never backwards), firing every timer due on the way in order. */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await turn();
      const due = this.earliest();
      if (!due || due.at > to) break;
      this.pending.delete(due);
      this.t = Math.max(this.t, due.at);
      due.fire();
    }
    this.t = Math.max(this.t, to);
    await turn();
  }

  /** Jumps to the earliest timer and fires every timer due then; false when there is none. */
  async step(): Promise<boolean> {
    const at = this.nextAt();
    if (at === null) return false;
    await this.advanceTo(at);
    return true;
  }

  private earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    return best;
  }
}
