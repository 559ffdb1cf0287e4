// Regression tests: one-key fixes (F4) that wrote wrong values, checks that invented or missed errors. Each case
// below failed before [Note: MRZ fixes] / [Note: a one-key fix must be provably right] /
// See [Note: OCR look-alike normalisation] and [Note: OGRN record type].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateInn, validateOgrn, validateOgrnAny, validateOgrnip, validateSnils } from '../../main/engine/validation/identifiers.ts';
import { failedMrzChecks, parsePassportMrz } from '../../main/engine/validation/mrz.ts';
import { validatePassport, type DocFields } from '../../main/engine/validation/passport.ts';
import { buildPassportMrz, ogrnCheckDigit, ogrnipCheckDigit, type MrzPerson } from '../../main/engine/validation/primitives.ts';
import type { FindingDraft } from '../../main/engine/validation/draft.ts';

const TODAY = new Date(2026, 10, 22); // 22.11.2026
const codes = (f: FindingDraft[]) => f.filter((x) => x.severity !== 'info').map((x) => `${x.severity}:${x.code}@${x.field}`).sort();
const fixes = (f: FindingDraft[]) => f.filter((x) => x.fix).map((x) => `${x.field}=${x.fix!.value}`);

/** Printed page + MRZ of one consistent person; `printed` overrides the printed side only. */
function passport(p: Partial<MrzPerson> = {}, printed: DocFields = {}): DocFields & { MRZ2: string } {
  const person: MrzPerson = {
    surname: 'ИВАНОВ', name: 'ПЁТР', patronymic: 'СЕРГЕЕВИЧ', series: '4512', number: '123456', birthDate: '15.03.1990', gender: 'М', issueDate: '27.08.2011', departmentCode: '770-001', ...p,
  };
  const [MRZ1, MRZ2] = buildPassportMrz(person);
  return {
    LastName: person.surname, FirstName: person.name, MiddleName: person.patronymic, Gender: person.gender === 'М' ? 'МУЖ.' : 'ЖЕН.', BirthDate: person.birthDate,
    Series: person.series, Number: person.number, IssueDate: person.issueDate, IssueId: person.departmentCode.replace('-', ''), MRZ1, MRZ2, ...printed,
  };
}
const at = (s: string, pos: number, ch: string) => s.slice(0, pos - 1) + ch + s.slice(pos);
const swap = (s: string, pos: number) => s.slice(0, pos - 1) + s[pos]! + s[pos - 1]! + s.slice(pos + 1);

void test('defect 1: a broken MRZ line 2 gets the repaired line only when it is the one reading that agrees with the printed page', () => {
  const good = passport();
  // Department-code digit (position 37) 7 → 3: the old single OCR-pair candidate changed ANOTHER department digit
  // to make the check digits pass, keeping the misread one. The printed code 770001 pins the right line.
  const bad = at(good.MRZ2, 37, '3');
  const f = validatePassport({ ...good, MRZ2: bad }, TODAY);
  assert.deepEqual(fixes(f), [`MRZ2=${good.MRZ2}`]);
  // Without the printed code and issue date, several lines one keystroke away pass: no fix, and the finding says why.
  const blind = validatePassport({ ...good, MRZ2: bad, IssueId: '', IssueDate: '' }, TODAY).find((x) => x.code === 'mrz.check-digit')!;
  assert.equal(blind.fix, undefined);
  assert.match(blind.messageRu, /несколько вариантов/);
  assert.match(blind.messageEn, /several readings/);
});

void test('defect 1: two MRZ digits that differ by 5 swapped keep every check digit — the MRZ is then no fix for the printed field', () => {
  const good = passport({ number: '127456' });
  const swapped = swap(good.MRZ2, 5); // number 127456 → 172456 in the MRZ only
  assert.deepEqual(failedMrzChecks(swapped), []);
  const f = validatePassport({ ...good, MRZ2: swapped }, TODAY);
  const num = f.find((x) => x.code === 'mrz.mismatch' && x.field === 'Number')!;
  assert.equal(num.severity, 'error');
  assert.equal(num.fix, undefined);
  assert.match(num.messageRu, /перестановка соседних цифр/);
  assert.deepEqual(fixes(f), []);
  // A printed misread with no such explanation still gets the MRZ value.
  const misread = validatePassport({ ...good, Number: '127458' }, TODAY).find((x) => x.code === 'mrz.mismatch')!;
  assert.equal(misread.fix?.value, '127456');
});

void test('defect 2: sex (MRZ position 21) is under no check digit — a mismatch is a warning, never a fix', () => {
  const good = passport();
  const flipped = at(good.MRZ2, 21, 'F');
  const f = validatePassport({ ...good, MRZ2: flipped }, TODAY);
  assert.deepEqual(codes(f), ['warning:mrz.mismatch@Gender']);
  const g = f.find((x) => x.field === 'Gender')!;
  assert.equal(g.fix, undefined);
  assert.match(g.messageRu, /не защищена контрольной цифрой/);
  assert.doesNotMatch(g.messageRu, /MRZ защищена/);
  // And the other way: the printed sex is not rewritten from the MRZ either.
  assert.deepEqual(fixes(validatePassport({ ...good, Gender: 'ЖЕН.' }, TODAY)), []);
});

void test('defect 3: a date that is not a date is an error naming its positions, even when every check digit passes', () => {
  // Birth 10.06.2000 (000610) with 6 and 1 swapped → 000160; issue date 08.12.2016 (161208) with 6 and 1 swapped → 116208.
  const good = passport({ birthDate: '10.06.2000', issueDate: '08.12.2016', series: '4516' });
  const birth = swap(good.MRZ2, 17);
  assert.equal(birth.slice(13, 19), '000160');
  assert.deepEqual(failedMrzChecks(birth), []);
  const fb = validatePassport({ ...good, MRZ2: birth }, TODAY);
  const b = fb.find((x) => x.code === 'mrz.date')!;
  assert.equal(b.severity, 'error');
  assert.match(b.messageRu, /позиции 14–19 \(дата рождения\): «000160»/);
  assert.equal(b.fix?.value, good.MRZ2); // the printed birth date pins the one repair
  const issue = swap(good.MRZ2, 31);
  assert.equal(issue.slice(29, 35), '116208');
  assert.deepEqual(failedMrzChecks(issue), []);
  const fi = validatePassport({ ...good, MRZ2: issue }, TODAY).find((x) => x.code === 'mrz.date')!;
  assert.match(fi.messageRu, /позиции 30–35 \(дата выдачи\): «116208»/);
  assert.match(fi.messageEn, /positions 30–35 \(issue date\): '116208' is not a calendar date/);
});

void test('defect 4: births 1915–1926 read in their century — the holder was at least 14 at issue and is not born in the future', () => {
  for (const birthDate of ['10.05.1920', '01.01.1915', '31.12.1926', '29.02.1924']) {
    const p = passport({ birthDate, issueDate: '20.04.2012' });
    assert.deepEqual(codes(validatePassport(p, TODAY)).filter((c) => c.includes('mrz')), [], birthDate);
    assert.equal(parsePassportMrz(p.MRZ1, p.MRZ2, TODAY).birthDate?.y, Number(birthDate.slice(6)), birthDate);
  }
  // A young holder stays in this century.
  const young = passport({ birthDate: '03.07.2005', issueDate: '20.08.2019', series: '4519' });
  assert.equal(parsePassportMrz(young.MRZ1, young.MRZ2, TODAY).birthDate?.y, 2005);
  assert.deepEqual(fixes(validatePassport(young, TODAY)), []);
});

void test('defect 5: OCR dashes, full-width digits and no-break spaces are normalised before the checks, kept visible and noted', () => {
  const dash = validateSnils('112\u2010233\u2010445 95');
  assert.deepEqual(dash.map((x) => `${x.severity}:${x.code}`), ['info:snils.normalised']);
  assert.match(dash[0]!.messageRu, /Распознано «112‐233‐445 95»: типографские тире/);
  assert.equal(dash[0]!.fix?.value, '112-233-445 95');
  assert.deepEqual(validateSnils('112\u2212233\u2212445\u00a095').map((x) => x.code), ['snils.normalised']);
  const wide = validateInn('５００１００７３２２５９');
  assert.deepEqual(wide.map((x) => `${x.severity}:${x.code}`), ['info:inn.normalised']);
  assert.equal(wide[0]!.fix?.value, '500100732259');
  // A normalised value that fails its check still says what was normalised.
  assert.match(validateInn('５００１００７３２２５８')[0]!.messageRu, /полноширинные цифры/);
});

void test('defect 5: OGRN / OGRNIP with a wrong record-type digit are errors without a fix', () => {
  const grn = '202770000000' + ogrnCheckDigit('202770000000'); // check digit right, record type 2 (a ГРН, not an OGRN)
  const f = validateOgrn(grn);
  assert.deepEqual(f.map((x) => `${x.severity}:${x.code}`), ['error:ogrn.record-type']);
  assert.equal(f[0]!.fix, undefined);
  const ip = '40450000000001' + ogrnipCheckDigit('40450000000001');
  assert.deepEqual(validateOgrnip(ip).map((x) => `${x.severity}:${x.code}`), ['error:ogrnip.record-type']);
  assert.deepEqual(validateOgrnAny('1027700000008'), []);
});

void test('defect 6: the department code is accepted without the hyphen, with a typographic dash or in full-width digits', () => {
  assert.deepEqual(codes(validatePassport(passport({}, { IssueId: '770001' }), TODAY)), []);
  assert.deepEqual(codes(validatePassport(passport({}, { IssueId: '770-001' }), TODAY)), []);
  for (const code of ['770\u2010001', '770\u2212001', '７７０００１']) {
    const f = validatePassport(passport({}, { IssueId: code }), TODAY);
    assert.deepEqual(codes(f), [], code);
    const note = f.find((x) => x.code === 'passport.normalised')!;
    assert.equal(note.severity, 'info');
    assert.equal(note.fix?.value, code.includes('0') ? code.replace(/[\u2010\u2212]/, '-') : '770001');
  }
});

void test('a look-alike letter in a printed digit field is repaired only when a sound MRZ agrees (or there is no MRZ)', () => {
  const good = passport({ number: '103456' });
  const ok = validatePassport({ ...good, Number: '1O3456' }, TODAY).find((x) => x.code === 'passport.number.format')!;
  assert.equal(ok.fix?.value, '103456');
  assert.match(ok.fix!.noteRu, /так же в MRZ/);
  // 'B' is read as 8, but the sound MRZ says 3: no fix, the clerk reads the scan.
  const b = validatePassport({ ...good, Number: '1OB456' }, TODAY).find((x) => x.code === 'passport.number.format')!;
  assert.equal(b.fix, undefined);
  // No MRZ: the look-alike reading is still offered, as before.
  assert.equal(validatePassport({ ...good, Number: '1O3456', MRZ1: '', MRZ2: '' }, TODAY).find((x) => x.code === 'passport.number.format')!.fix?.value, '103456');
});

void test('an empty printed field is filled from a sound MRZ only when no one-slip misread of the MRZ reads it differently', () => {
  const filled = validatePassport(passport({}, { Number: '' }), TODAY).find((x) => x.code === 'mrz.mismatch' && x.field === 'Number')!;
  assert.equal(filled.fix?.value, '123456');
  const risky = validatePassport(passport({ number: '127456' }, { Number: '' }), TODAY).find((x) => x.code === 'mrz.mismatch' && x.field === 'Number')!;
  assert.equal(risky.fix, undefined); // 2 and 7 differ by 5: swapped, every check digit would still pass
});
