// createPerson must draw people the validators find nothing wrong with: valid INN, MRZ = buildPassportMrz,
// series region = department-code region, issued at ≥ 14 under the 14/20/45 rules, nothing in the future.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPerson, shortName, parseDate, addYears, SAMPLE_REFERENCE_DATE } from '../../main/engine/samples/index.ts';
import { OKATO_TO_SUBJECT } from '../../main/engine/samples/person.ts';
import { buildPassportMrz, isValidInn } from '../../main/engine/validation/primitives.ts';
import { verifyPassport } from '../../main/engine/sim/server.ts';

const SEEDS = Array.from({ length: 500 }, (_, i) => i * 7919 + 3);

void describe('createPerson', () => {
  void it('is deterministic per seed and varies across seeds', () => {
    assert.deepEqual(createPerson(42), createPerson(42));
    const ids = new Set(SEEDS.map((s) => createPerson(s).id));
    assert.equal(ids.size, SEEDS.length);
    const names = new Set(SEEDS.map((s) => createPerson(s).lastName));
    assert.ok(names.size > 20, `only ${names.size} surnames`);
  });

  void it('every person is internally consistent', () => {
    for (const seed of SEEDS) {
      const p = createPerson(seed);
      const at = `seed ${seed}: ${JSON.stringify(p)}`;
      assert.ok(isValidInn(p.inn) && p.inn.length === 12, at);
      assert.equal(p.inn.slice(0, 2), p.departmentCode.slice(0, 2), `INN region: ${at}`);
      assert.match(p.series, /^\d{4}$/, at);
      assert.match(p.number, /^\d{6}$/, at);
      assert.match(p.departmentCode, /^\d{3}-\d{3}$/, at);
      assert.equal(OKATO_TO_SUBJECT[p.series.slice(0, 2)], p.departmentCode.slice(0, 2), `series region: ${at}`);
      assert.deepEqual([p.mrz1, p.mrz2], buildPassportMrz({
        surname: p.lastName, name: p.firstName, patronymic: p.middleName, series: p.series, number: p.number,
        birthDate: p.birthDate, gender: p.gender, issueDate: p.issueDate, departmentCode: p.departmentCode,
      }), at);
      const birth = parseDate(p.birthDate);
      const issue = parseDate(p.issueDate);
      const innReg = parseDate(p.innRegDate);
      assert.ok(birth !== null && issue !== null && innReg !== null, at);
      assert.ok(issue >= addYears(birth, 14), `issued before 14: ${at}`);
      assert.ok(issue >= Date.UTC(2011, 6, 1), `MRZ era: ${at}`);
      assert.ok(issue <= SAMPLE_REFERENCE_DATE && birth < issue && innReg <= SAMPLE_REFERENCE_DATE, `future date: ${at}`);
      const blankYear = 2000 + Number(p.series.slice(2));
      const issueYear = new Date(issue).getUTCFullYear();
      assert.ok(blankYear <= issueYear && blankYear >= issueYear - 1, `blank year: ${at}`);
      // Issued under the 14/20/45 rules and still valid ≥ 4 years after the reference date.
      const age = (t: number) => (t - birth) / (365.25 * 86_400_000);
      const ageAtIssue = age(issue);
      const expiry = ageAtIssue < 20 ? addYears(birth, 20) : ageAtIssue < 45 ? addYears(birth, 45) : Infinity;
      assert.ok(expiry > addYears(SAMPLE_REFERENCE_DATE, 4), `expires too soon: ${at}`);
      assert.equal(p.gender === 'М' ? /(ВИЧ|ИЧ)$/.test(p.middleName) : /(ВНА|ИЧНА)$/.test(p.middleName), true, `patronymic gender: ${at}`);
      // The simulator's own verification (what Beorg would compute) passes too.
      const v = verifyPassport({
        LastName: p.lastName, FirstName: p.firstName, MiddleName: p.middleName, Gender: p.gender, BirthDate: p.birthDate,
        Series: p.series, Number: p.number, IssuedBy: p.issuedBy, IssueDate: p.issueDate, IssueId: p.departmentCode.replace('-', ''),
        MRZ1: p.mrz1, MRZ2: p.mrz2,
      }, addYears(SAMPLE_REFERENCE_DATE, 1));
      assert.equal(v.status, 0, `${JSON.stringify(v)} ${at}`);
    }
  });

  void it('short folder names look like "Иванов И.И"', () => {
    const p = createPerson(5);
    assert.match(shortName(p), /^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)? [А-ЯЁ]\.[А-ЯЁ]$/u);
    assert.match(p.slug, /^[a-z-]+$/);
  });
});
