// Benchmark: can a one-key fix (F4) ever write a wrong value? ≥ 20,000 generated passports (printed page + MRZ),
// every single-character substitution (MRZ alphabet + Cyrillic look-alikes) and adjacent transposition of MRZ
// line 2, through the real MRZ checks; then valid INN (10/12), OGRN, OGRNIP, SNILS and KPP values with every
// one-character substitution (digits + look-alike letters) and transposition. Prints fixes offered / restored the
// original / wrong (must be 0) and non-dates flagged / total; fails when a fix is wrong or a non-date passes.
// Run: node --import tsx bench/run.ts with BENCH_ONLY=checks; CHECKS_BENCH_PAIRS, CHECKS_BENCH_IDS and
// CHECKS_BENCH_WORKERS (default 2) change the sizes.
import { Worker } from 'node:worker_threads';
import type { ChecksTask } from './checks-worker.ts';
import type { Tally } from '../test/unit/validation-mutations.ts';

const KINDS = ['inn10', 'inn12', 'ogrn', 'ogrnip', 'snils', 'kpp'] as const;

function runTask(task: ChecksTask): Promise<Tally> {
  return new Promise((resolve, reject) => {
    // The worker is TypeScript too: load it through tsx, as this process is.
    const w = new Worker(new URL('./checks-worker.mjs', import.meta.url), { workerData: task });
    w.on('message', (m: { done?: Tally; progress?: Tally }) => {
      if (m.done) resolve(m.done);
      // Long runs say how far they are (stderr, so the table on stdout stays clean).
      else if (m.progress) process.stderr.write(`  checks ${task.kind} seed ${task.seed}: ${m.progress.pairs} pairs, ${m.progress.fixesOffered} fixes, ${m.progress.wrong} wrong, non-dates ${m.progress.nonDatesFlagged}/${m.progress.nonDates}\n`);
    });
    w.once('error', reject);
    w.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`checks worker exited with ${code}`))));
  });
}

function sum(ts: Tally[]): Tally {
  const out = ts[0]!;
  for (const t of ts.slice(1)) {
    for (const k of ['pairs', 'mutations', 'fixesOffered', 'restored', 'wrong', 'unflagged', 'nonDates', 'nonDatesFlagged'] as const) out[k] += t[k];
    out.examples.push(...t.examples);
  }
  out.examples = out.examples.slice(0, 5);
  return out;
}

/** Splits `runs` inputs of one kind over `workers` threads, each with its own seed. */
async function runKind(kind: ChecksTask['kind'], runs: number, workers: number, seed: number): Promise<Tally> {
  const share = Math.ceil(runs / workers);
  const tasks = Array.from({ length: workers }, (_, i) => ({ kind, seed: seed + i, runs: Math.min(share, runs - i * share) })).filter((t) => t.runs > 0);
  return sum(await Promise.all(tasks.map(runTask)));
}

export async function runChecksBench(): Promise<Record<string, unknown>> {
  const pairs = Number(process.env.CHECKS_BENCH_PAIRS ?? 20_000);
  const ids = Number(process.env.CHECKS_BENCH_IDS ?? 1_000);
  const workers = Math.max(1, Number(process.env.CHECKS_BENCH_WORKERS ?? 2));
  const t0 = Date.now();
  const mrz = await runKind('mrz', pairs, workers, 20_261_202);
  const mrzSeconds = (Date.now() - t0) / 1000;
  const out: Record<string, unknown> = {
    mrz: {
      pairs: mrz.pairs, mutatedLines: mrz.mutations, fixesOffered: mrz.fixesOffered, restoredOriginal: mrz.restored, wrongFixes: mrz.wrong,
      mutationsWithoutAnyFinding: mrz.unflagged, nonDatesFlagged: `${mrz.nonDatesFlagged} / ${mrz.nonDates}`, seconds: mrzSeconds,
    },
  };
  const problems: string[] = [...mrz.examples];
  let wrong = mrz.wrong;
  let missedDates = mrz.nonDates - mrz.nonDatesFlagged;
  for (const kind of KINDS) {
    const t = await runKind(kind, ids, workers, 7_000 + KINDS.indexOf(kind));
    out[kind] = { values: t.pairs, mutated: t.mutations, fixesOffered: t.fixesOffered, restoredOriginal: t.restored, wrongFixes: t.wrong };
    wrong += t.wrong;
    problems.push(...t.examples);
  }
  missedDates = Math.max(0, missedDates);
  if (wrong > 0 || missedDates > 0) throw new Error(`${wrong} wrong fixes, ${missedDates} non-dates not flagged: ${problems.slice(0, 5).join(' | ')}`);
  return out;
}
