// Property tests of the one-key fixes ([Note: a one-key fix must be provably right], [Note: MRZ fixes]): generated
// valid passports and identifiers, EVERY single-character substitution and adjacent transposition, and the
// invariant "an offered fix restores the original exactly, or no fix is offered"; every non-date is flagged.
// A few inputs here keep `npm test` fast; bench/checks.bench.ts runs ≥ 20,000 MRZ pairs the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateInn, validateKpp, validateOgrn, validateOgrnip, validateSnils } from '../../main/engine/validation/identifiers.ts';
import { validatePassport } from '../../main/engine/validation/passport.ts';
import type { FindingDraft } from '../../main/engine/validation/draft.ts';
import { identifierArb, MUTATION_TODAY, newTally, passportArb, tallyIdentifier, tallyMrzPair, type IdKind, type Tally } from './validation-mutations.ts';

const assertClean = (t: Tally) => {
  assert.equal(t.wrong, 0, `wrong fixes: ${t.examples.join(' | ')}`);
  assert.equal(t.restored, t.fixesOffered);
};

void test('a generated passport validates cleanly: no error and no fix on the original', () => {
  fc.assert(fc.property(passportArb, (p) => {
    const f = validatePassport(p.fields, MUTATION_TODAY);
    assert.deepEqual(f.filter((x) => x.severity === 'error' || x.fix), [], JSON.stringify(p.fields));
  }), { numRuns: 200 });
});

void test('MRZ line 2: every substitution and adjacent transposition — a fix restores the original or none is offered; non-dates are errors', () => {
  const total = newTally();
  fc.assert(fc.property(passportArb, (p) => {
    const t = newTally();
    tallyMrzPair(p, t, (fields) => validatePassport(fields, MUTATION_TODAY));
    assertClean(t);
    assert.equal(t.unflagged, 0, `a mutation passed unflagged: ${t.examples.join(' | ')}`);
    assert.equal(t.nonDatesFlagged, t.nonDates, t.examples.join(' | '));
    for (const k of ['pairs', 'mutations', 'fixesOffered', 'restored', 'nonDates', 'nonDatesFlagged'] as const) total[k] += t[k];
  }), { numRuns: 3 });
  // The printed page pins most repairs: the property is not satisfied by never offering a fix.
  assert.ok(total.fixesOffered > total.mutations / 2, `${total.fixesOffered} fixes for ${total.mutations} mutations`);
  assert.ok(total.nonDates > 0);
});

const VALIDATORS: Readonly<Record<IdKind, (v: string) => FindingDraft[]>> = {
  inn10: (v) => validateInn(v), inn12: (v) => validateInn(v), ogrn: (v) => validateOgrn(v), ogrnip: (v) => validateOgrnip(v), snils: (v) => validateSnils(v), kpp: (v) => validateKpp(v),
};

for (const kind of Object.keys(VALIDATORS) as IdKind[]) {
  void test(`${kind}: every one-character substitution (digits, look-alike letters) and transposition — 0 wrong fixes`, () => {
    const validate = VALIDATORS[kind];
    fc.assert(fc.property(identifierArb[kind], (v) => {
      assert.deepEqual(validate(v).filter((x) => x.severity === 'error'), [], v);
      const t = newTally();
      tallyIdentifier(v, t, validate);
      assertClean(t);
    }), { numRuns: kind === 'kpp' ? 50 : 8 });
  });
}
