// Worker for bench/checks.bench.ts: one share of the generated inputs, every mutation of each, a tally back.
import fc from 'fast-check';
import { parentPort, workerData } from 'node:worker_threads';
import { validateInn, validateKpp, validateOgrn, validateOgrnip, validateSnils } from '../main/engine/validation/identifiers.ts';
import { validateMrz } from '../main/engine/validation/mrz-findings.ts';
import { identifierArb, MUTATION_TODAY, newTally, passportArb, tallyIdentifier, tallyMrzPair, type IdKind } from '../test/unit/validation-mutations.ts';

export type ChecksTask = { kind: 'mrz' | IdKind; seed: number; runs: number };

const VALIDATE: Readonly<Record<IdKind, (v: string) => ReturnType<typeof validateInn>>> = {
  inn10: (v) => validateInn(v), inn12: (v) => validateInn(v), ogrn: (v) => validateOgrn(v), ogrnip: (v) => validateOgrnip(v), snils: (v) => validateSnils(v), kpp: (v) => validateKpp(v),
};

const task = workerData as ChecksTask;
const t = newTally();
if (task.kind === 'mrz') {
  for (const p of fc.sample(passportArb, { numRuns: task.runs, seed: task.seed })) {
    tallyMrzPair(p, t, (f) => validateMrz(f, MUTATION_TODAY));
    if (t.pairs % 500 === 0) parentPort!.postMessage({ progress: { ...t, examples: [] } });
  }
} else {
  const validate = VALIDATE[task.kind];
  for (const v of fc.sample(identifierArb[task.kind], { numRuns: task.runs, seed: task.seed })) tallyIdentifier(v, t, validate);
}
parentPort!.postMessage({ done: t });
