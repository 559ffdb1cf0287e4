// Every vector of test/fixtures/ru-doc-vectors.json (a copy of the shared reference) against the validators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { validateInn, validateKpp, validateOgrn, validateOgrnip, validateSnils } from '../../main/engine/validation/identifiers.ts';
import { decodeMrzNames, failedMrzChecks, parsePassportMrz } from '../../main/engine/validation/mrz.ts';
import { explainSeriesRegion, validatePassport } from '../../main/engine/validation/passport.ts';
import { buildPassportMrz, mrzCheckDigit, MRZ_TRANSLIT, transliterateToMrz } from '../../main/engine/validation/primitives.ts';
import { formatRu } from '../../main/engine/validation/dates.ts';
import type { FindingDraft } from '../../main/engine/validation/draft.ts';

type Vec = { value: string; reason?: string };
type MrzVec = {
  id: string;
  line1: string;
  line2: string;
  decoded: { surname: string; name: string; patronymic: string; series: string; number: string; birth_date: string; gender: 'М' | 'Ж'; issue_date: string; department_code: string };
  mrz_name_as_decoded: { surname: string; name: string; patronymic: string };
  check_digits: Record<string, { data: string; digit: number | string; position: number }>;
};
const V = JSON.parse(fs.readFileSync(new URL('../fixtures/ru-doc-vectors.json', import.meta.url), 'utf8')) as {
  inn10: { valid: Vec[]; invalid: Vec[]; checksum_ok_but_suspicious: Vec[] };
  inn12: { valid: Vec[]; invalid: Vec[]; checksum_ok_but_suspicious: Vec[] };
  ogrn: { valid: Vec[]; invalid: Vec[] };
  ogrnip: { valid: Vec[]; invalid: Vec[] };
  snils: { valid: Vec[]; invalid: Vec[] };
  kpp: { valid: Vec[]; invalid: Vec[] };
  mrz_translit_table: Record<string, string>;
  ru_passport_mrz: MrzVec[];
  ru_passport_mrz_invalid: { base: string; line1: string; line2: string; change: string; failed_checks: string[] }[];
};
const TODAY = new Date(2026, 10, 22);
const errors = (f: FindingDraft[]) => f.filter((x) => x.severity === 'error');
const isoToRu = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

const groups = [
  ['inn10', V.inn10, (v: string) => validateInn(v)],
  ['inn12', V.inn12, (v: string) => validateInn(v)],
  ['ogrn', V.ogrn, (v: string) => validateOgrn(v)],
  ['ogrnip', V.ogrnip, (v: string) => validateOgrnip(v)],
  ['snils', V.snils, (v: string) => validateSnils(v)],
  ['kpp', V.kpp, (v: string) => validateKpp(v)],
] as const;

for (const [name, group, validate] of groups) {
  void test(`${name}: every valid vector passes with no finding`, () => {
    for (const v of group.valid) assert.deepEqual(validate(v.value), [], `${name} ${v.value}`);
  });
  void test(`${name}: every invalid vector gives exactly one error with a Russian and English message`, () => {
    for (const v of group.invalid) {
      const e = errors(validate(v.value));
      assert.equal(e.length, 1, `${name} ${v.value} (${v.reason})`);
      assert.match(e[0]!.code, new RegExp(`^${name.replace(/\d+$/, '')}\\.`));
      assert.match(e[0]!.messageRu, /[а-я]/);
      assert.match(e[0]!.messageEn, /[a-z]/);
    }
  });
}

void test('INN: checksum-passing but impossible values are a warning, not an error', () => {
  for (const v of [...V.inn10.checksum_ok_but_suspicious, ...V.inn12.checksum_ok_but_suspicious]) {
    const f = validateInn(v.value);
    assert.deepEqual(f.map((x) => [x.severity, x.code]), [['warning', 'inn.region']], v.value);
  }
});

void test('INN invalid vectors name the expected check digits', () => {
  const e = errors(validateInn('1234567895'))[0]!;
  assert.equal(e.code, 'inn.checksum');
  assert.match(e.messageRu, /контрольное значение должно быть 4, а распознано 5/);
  assert.match(errors(validateInn('123456789037'))[0]!.messageRu, /должно быть 47, а распознано 37/);
  assert.match(errors(validateOgrnip('321770000000011'))[0]!.messageRu, /должно быть 2 \(остаток от деления на 13 равен 12/);
});

void test('MRZ transliteration table equals the reference table', () => {
  assert.deepEqual({ ...MRZ_TRANSLIT }, V.mrz_translit_table);
});

for (const vec of V.ru_passport_mrz) {
  void test(`${vec.id}: decodes every field and every check digit matches`, () => {
    const m = parsePassportMrz(vec.line1, vec.line2, TODAY);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.failedChecks, []);
    assert.equal(m.series, vec.decoded.series);
    assert.equal(m.number, vec.decoded.number);
    assert.equal(m.birthDate && formatRu(m.birthDate), isoToRu(vec.decoded.birth_date));
    assert.equal(m.issueDate && formatRu(m.issueDate), isoToRu(vec.decoded.issue_date));
    assert.equal(m.gender, vec.decoded.gender);
    assert.equal(m.departmentCode, vec.decoded.department_code);
    assert.deepEqual(decodeMrzNames(m.nameField!), vec.mrz_name_as_decoded);
    for (const [key, cd] of Object.entries(vec.check_digits)) {
      assert.equal(vec.line2[cd.position - 1], String(cd.digit), `${key} at ${cd.position}`);
      if (typeof cd.digit === 'number') assert.equal(mrzCheckDigit(cd.data), cd.digit, key);
    }
  });
  void test(`${vec.id}: the printed fields it encodes validate cleanly, and the builder reproduces both lines`, () => {
    const d = vec.decoded;
    const person = { surname: d.surname, name: d.name, patronymic: d.patronymic, series: d.series, number: d.number, birthDate: isoToRu(d.birth_date), gender: d.gender, issueDate: isoToRu(d.issue_date), departmentCode: d.department_code };
    assert.deepEqual(buildPassportMrz(person), [vec.line1, vec.line2]);
    const fields = {
      LastName: d.surname, FirstName: d.name, MiddleName: d.patronymic, Gender: d.gender === 'М' ? 'МУЖ.' : 'ЖЕН.', BirthDate: isoToRu(d.birth_date),
      Series: d.series, Number: d.number, IssueDate: isoToRu(d.issue_date), IssueId: d.department_code.replace('-', ''), MRZ1: vec.line1, MRZ2: vec.line2,
    };
    const f = validatePassport(fields, TODAY);
    assert.deepEqual(f.filter((x) => x.severity !== 'info'), []);
    // Both vectors are regionally consistent (45→77, 46→50): no warning, and the explanation says so.
    assert.match(explainSeriesRegion(d.series, d.department_code)!.ru, /: совпадает\.$/);
  });
}

void test('Ь and Ъ: the MRZ table keeps them apart (Ь → 9, Ъ → X), so a swapped printed letter is an MRZ name warning naming the MRZ spelling (no fix: line 1 has no check digit)', () => {
  assert.equal(V.mrz_translit_table['Ь'], '9');
  assert.equal(V.mrz_translit_table['Ъ'], 'X');
  assert.equal(transliterateToMrz('ПОДЪЯЧЕВ'), 'PODX83EV');
  assert.equal(transliterateToMrz('ПОДЬЯЧЕВ'), 'POD983EV');
  // RU-PN-2: ПОДЪЯЧЕВ ИЛЬЯ ВЯЧЕСЛАВОВИЧ — a hard sign in the surname, a soft sign in the name.
  const vec = V.ru_passport_mrz.find((v) => v.id === 'RU-PN-2')!;
  const d = vec.decoded;
  assert.deepEqual(decodeMrzNames(parsePassportMrz(vec.line1, vec.line2, TODAY).nameField!), { surname: 'ПОДЪЯЧЕВ', name: 'ИЛЬЯ', patronymic: 'ВЯЧЕСЛАВОВИЧ' });
  const printed = (over: Record<string, string>) => validatePassport({
    LastName: d.surname, FirstName: d.name, MiddleName: d.patronymic, Gender: 'МУЖ.', BirthDate: isoToRu(d.birth_date), Series: d.series, Number: d.number,
    IssueDate: isoToRu(d.issue_date), IssueId: d.department_code.replace('-', ''), MRZ1: vec.line1, MRZ2: vec.line2, ...over,
  }, TODAY).filter((x) => x.severity !== 'info');
  for (const [field, misread, spelling] of [['LastName', 'ПОДЬЯЧЕВ', 'ПОДЪЯЧЕВ'], ['FirstName', 'ИЛЪЯ', 'ИЛЬЯ']] as const) {
    const f = printed({ [field]: misread });
    // A name mismatch, not the soft Е/Ё one: Ь and Ъ are different letters in a name.
    assert.deepEqual(f.map((x) => `${x.severity}:${x.code}@${x.field}`), [`warning:mrz.name-mismatch@${field}`], misread);
    assert.equal(f[0]!.fix, undefined);
    assert.match(f[0]!.messageRu, new RegExp(`в MRZ «${spelling}».*напечатано «${misread}»`));
  }
});

void test('invalid MRZ vectors break exactly the listed checks', () => {
  for (const v of V.ru_passport_mrz_invalid) {
    assert.deepEqual(parsePassportMrz(v.line1, v.line2, TODAY).failedChecks, v.failed_checks, v.change);
  }
});

void test('the corruptions described in ru-doc-rules §4.4 break exactly the stated checks', () => {
  const base = V.ru_passport_mrz[0]!;
  const at = (s: string, pos: number, ch: string) => s.slice(0, pos - 1) + ch + s.slice(pos);
  // issue-day digit (position 35) → optional + composite
  assert.deepEqual(failedMrzChecks(at(base.line2, 35, base.line2[34] === '1' ? '2' : '1')), ['optional', 'composite']);
  // transposed birth-year digits 90 → 09 → birth + composite
  assert.deepEqual(failedMrzChecks(base.line2.slice(0, 13) + '09' + base.line2.slice(15)), ['birth', 'composite']);
  // a letter changed in line 1 breaks no check digit (line 1 has none)
  assert.deepEqual(parsePassportMrz(at(base.line1, 10, 'X'), base.line2, TODAY).failedChecks, []);
  // position 28 must be '<', never a digit
  assert.deepEqual(failedMrzChecks(at(base.line2, 28, '0')), ['expiry']);
  // check-digit positions must be digits: '<' at 44 is a failure, not an ICAO "filler"
  assert.deepEqual(failedMrzChecks(at(base.line2, 44, '<')), ['composite']);
});
