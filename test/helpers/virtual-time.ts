// Virtual time for tests that run the engine against the simulator on loopback with ONE manual clock: the driver
// moves the clock to the next timer only when the real side is quiet — every HTTP exchange the engine started is
// parked on the simulator's clock (or none is open), no file read is pending, and that held for a few loop turns.
// Then a 30 s stall or a 2.5-minute result costs nothing, and every time the engine or the simulator records is
// exact: tests assert on order and counts in virtual time, whatever the load on the machine.
import { ManualClock, realTurn, turn } from './manual-clock.ts';

const NULL_BODY = new Set([101, 204, 205, 304]);

/** fetch that counts exchanges until their body is read, so the driver knows when nothing is on the wire. */
export function countingFetch(): { fetch: typeof fetch; open(): number } {
  let open = 0;
  const f: typeof fetch = async (input, init) => {
    open++;
    try {
      const r = await fetch(input, init);
      const body = NULL_BODY.has(r.status) ? null : await r.arrayBuffer();
      return new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
    } finally {
      open--;
    }
  };
  return { fetch: f, open: () => open };
}

const fileIoPending = () => process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq') || r === 'FileHandleCloseReq');

export type VirtualTime = {
  clock: ManualClock;
  /** Pass to the engine (queue HTTP) so open exchanges are counted. */
  fetch: typeof fetch;
  /** Runs the clock until `work` settles; throws if nothing is scheduled and nothing moves for `stuckMs` of real time. */
  run<T>(work: Promise<T>, opts?: { maxSteps?: number; stuckMs?: number }): Promise<T>;
  /** Waits until the real side is quiet (no exchange on the wire, no file read), without moving the clock. */
  quiet(): Promise<void>;
};

/** `parked()` = requests the simulator holds on the clock (Simulator.waiting). */
export function createVirtualTime(parked: () => number, clock = new ManualClock()): VirtualTime {
  const counted = countingFetch();
  const busy = () => counted.open() > parked() || fileIoPending();

  // Every hand-over between the engine, the wire and the simulator is counted (an exchange stays open until its body
  // is read; a request parked on the clock is counted by the simulator), so "quiet" is a fact at one instant; the
  // extra calm turns let promise continuations finish. While busy, wait on a real timer instead of spinning.
  async function quiet(): Promise<void> {
    for (let calm = 0; calm < 3; ) {
      if (busy()) {
        calm = 0;
        await realTurn();
      } else {
        calm++;
        await turn();
      }
    }
  }

  async function run<T>(work: Promise<T>, opts: { maxSteps?: number; stuckMs?: number } = {}): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    const maxSteps = opts.maxSteps ?? 200_000;
    const stuckMs = opts.stuckMs ?? 10_000;
    let idleSince = Date.now();
    for (let steps = 0; !done; ) {
      await quiet();
      if (done) break;
      if (await clock.step()) {
        idleSince = Date.now();
        if (process.env.VT_DEBUG && steps % 200 === 0) console.error(`vt: step ${steps}, t=${clock.now()}, timers ${clock.pendingCount()}`);
        if (++steps > maxSteps) throw new Error(`virtual time: more than ${maxSteps} steps (now ${clock.now()})`);
      } else if (Date.now() - idleSince > stuckMs) throw new Error('virtual time: nothing scheduled and nothing moving');
    }
    return watched;
  }

  return { clock, fetch: counted.fetch, run, quiet };
}
