// The shared request budget on a manual clock: the token bucket on start times, and the per-second cap that counts
// a request until its answer ([Note: a request counts until its answer]) — so that wherever between its start and
// its answer the server logs it, no 1 s window of arrivals holds more than ceil(rps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createRateBudget, type Permit } from '../../main/engine/queue/rate-budget.ts';
import { maxInWindow } from './queue-fixtures.ts';

function manualClock() {
  const clock = new ManualClock(1_000_000);
  return { clock, advanceTo: (to: number) => clock.advanceTo(to), now: () => clock.now() };
}

void test('token bucket on start times (the burst at once, then one every 1/rps) within ceil(rps) a second', async () => {
  const m = manualClock();
  const t0 = m.now();
  const budget = createRateBudget({ rps: 4, burst: 2, clock: m.clock });
  const starts: number[] = [];
  const all = Array.from({ length: 5 }, () => budget.take().then((p) => { starts.push(p.at - t0); p.release(); }));
  await m.advanceTo(t0 + 2_000);
  await Promise.all(all);
  // The bucket would allow the 5th at 750; the 4-a-second cap holds it until the first two stop counting.
  assert.deepEqual(starts, [0, 0, 250, 500, 1000]);
});

void test('a request in flight keeps its place; once answered it counts for 1 s more', async () => {
  const m = manualClock();
  const t0 = m.now();
  const budget = createRateBudget({ rps: 2, burst: 2, clock: m.clock });
  const a = await budget.take();
  const b = await budget.take();
  let third: Permit | null = null;
  void budget.take().then((p) => (third = p));
  await m.advanceTo(t0 + 5_000);
  assert.equal(third, null, 'both places are taken while both requests are unanswered');
  b.release();
  await m.advanceTo(t0 + 5_999);
  assert.equal(third, null, 'the answered one still counts for a second: it may have arrived just now');
  await m.advanceTo(t0 + 6_000);
  assert.equal((third as Permit | null)?.at, t0 + 6_000);
  a.release();
});

void test('wherever each request arrives between its start and its answer, no 1 s window holds more than ceil(rps)', async () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (const [rps, burst, workers] of [[10, 5, 8], [16, 8, 16], [2.5, 2, 4]] as const) {
    const m = manualClock();
    const budget = createRateBudget({ rps, burst, clock: m.clock });
    const spans: [number, number][] = [];
    let left = 120;
    const worker = async () => {
      while (left-- > 0) {
        const p = await budget.take();
        // Answers after 0–400 ms, now and then a 3 s stall.
        await m.clock.sleep(random() < 0.05 ? 3_000 : Math.floor(random() * 400));
        spans.push([p.at, m.now()]);
        p.release();
      }
    };
    const done = Promise.all(Array.from({ length: workers }, worker));
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) await m.advanceTo(m.now() + 10);
    for (let trial = 0; trial < 20; trial++) {
      const arrivals = spans.map(([s, e]) => s + Math.floor(random() * (e - s + 1)));
      assert.ok(maxInWindow(arrivals) <= Math.ceil(rps), `rps ${rps}: ${maxInWindow(arrivals)} arrivals in one second`);
    }
    // Worst cases too: every request arrives as late as it could, or as early.
    assert.ok(maxInWindow(spans.map(([, e]) => e)) <= Math.ceil(rps));
    assert.ok(maxInWindow(spans.map(([s]) => s)) <= Math.ceil(rps));
  }
});
