// Edge cases of the local checks beyond the reference vectors: remainders, leading zeros, dates and ages,
// names, MRZ truncation, OCR fix suggestions, cross-document checks and the case verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateInn, validateKpp, validateOgrnip, validateSnils, isValidOgrnip } from '../../main/engine/validation/identifiers.ts';
import { explainSeriesRegion, validatePassport, type DocFields } from '../../main/engine/validation/passport.ts';
import { validateInnDoc } from '../../main/engine/validation/inn-doc.ts';
import { validateCase, type CaseDocInput } from '../../main/engine/validation/case.ts';
import { parsePassportMrz, splitMrzNameField } from '../../main/engine/validation/mrz.ts';
import { validateNamePart } from '../../main/engine/validation/names.ts';
import { ageOn, addYears, yearsRu } from '../../main/engine/validation/dates.ts';
import { buildPassportMrz, innCheckDigits, mrzNameField, ogrnipCheckDigit, type MrzPerson } from '../../main/engine/validation/primitives.ts';
import type { FindingDraft } from '../../main/engine/validation/draft.ts';

const TODAY = new Date(2026, 10, 22); // 22.11.2026
const codes = (f: FindingDraft[], severities = ['error', 'warning']) => f.filter((x) => severities.includes(x.severity)).map((x) => `${x.code}@${x.field}`).sort();

/** A consistent passport (printed fields + MRZ built from them); overrides change the printed side only. */
function passport(p: Partial<MrzPerson> = {}, printed: DocFields = {}, opts: { mrz?: boolean } = {}): DocFields {
  const person: MrzPerson = {
    surname: 'ИВАНОВ', name: 'ПЁТР', patronymic: 'СЕРГЕЕВИЧ', series: '4512', number: '123456', birthDate: '15.03.1990', gender: 'М', issueDate: '20.04.2012', departmentCode: '770-001', ...p,
  };
  const [mrz1, mrz2] = opts.mrz === false ? ['', ''] : buildPassportMrz(person);
  return {
    LastName: person.surname, FirstName: person.name, MiddleName: person.patronymic, Gender: person.gender === 'М' ? 'МУЖ.' : 'ЖЕН.', BirthDate: person.birthDate,
    Series: person.series, Number: person.number, IssueDate: person.issueDate, IssueId: person.departmentCode.replace('-', ''), IssuedBy: 'ОТДЕЛОМ УФМС', MRZ1: mrz1, MRZ2: mrz2, ...printed,
  };
}

void test('OGRNIP: check digit is the LAST digit of the remainder mod 13 — remainders 10, 11, 12 give 0, 1, 2', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 3000; i++) {
    const body = `3${String(10 + (i % 90)).padStart(2, '0')}77${String(i * 7919).padStart(9, '0')}`.slice(0, 14);
    const rem = Number(BigInt(body) % 13n); // independent arithmetic
    seen.add(rem);
    assert.equal(ogrnipCheckDigit(body), String(rem % 10));
    assert.ok(isValidOgrnip(body + String(rem % 10)));
    if (rem >= 10) {
      // python-stdnum's str(n % 13) would append "10"/"11"/"12": 16 digits, rejected here as a format error.
      assert.equal(validateOgrnip(body + String(rem))[0]?.code, 'ogrnip.format');
    }
  }
  for (const r of [10, 11, 12]) assert.ok(seen.has(r), `remainder ${r} exercised`);
});

void test('INN: leading zeros are significant and valid; remainder-10 check digits are 0', () => {
  const body = '020100001';
  const inn = body + innCheckDigits(body);
  assert.equal(inn[0], '0');
  assert.deepEqual(validateInn(inn), []);
  assert.deepEqual(validateInn('7701000080'), []); // remainder 10 → 0
  // An individual's certificate expects 12 digits.
  assert.deepEqual(codes(validateInn('7701000080', { person: true })), ['inn.not-personal@INN']);
});

void test('INN: a single OCR-plausible wrong digit gets a one-key fix that passes; ambiguous ones list candidates without a fix', () => {
  const one = validateInn('123456789041')[0]!; // 7 read as 1
  assert.equal(one.code, 'inn.checksum');
  assert.equal(one.fix?.value, '123456789047');
  assert.match(one.fix!.noteRu, /позиция 12/);
  const several = validateInn('7701000030')[0]!; // three candidates pass
  assert.equal(several.fix, undefined);
  assert.match(several.messageRu, /Возможные исправления: .*7701000080/);
  const none = validateInn('500106732259')[0]!;
  assert.equal(none.fix, undefined);
  assert.doesNotMatch(none.messageRu, /Возможные/);
});

void test('INN/SNILS: look-alike letters inside digits give a format error with the repaired value', () => {
  const f = validateInn('12345678904З')[0]!; // Cyrillic З read for 3: 123456789043 fails the check, so no fix
  assert.equal(f.code, 'inn.format');
  assert.equal(f.fix, undefined);
  const g = validateInn('I23456789O47')[0]!; // I→1, O→0
  assert.equal(g.fix?.value, '123456789047');
  assert.deepEqual(validateSnils('112 233 445 95'), []);
  assert.equal(validateSnils('112-233-445 93')[0]!.code, 'snils.checksum');
  assert.deepEqual(validateSnils('001-001-998 00'), []); // ≤ 001-001-998: exempt from the check number
});

void test('KPP: Cyrillic look-alikes in the reason code are flagged; the Latin repair only when no letter could be a digit', () => {
  const f = validateKpp('7701АВ001')[0]!; // Cyrillic А, В — but В could as well be an 8 (no check digit settles it)
  assert.equal(f.code, 'kpp.cyrillic');
  assert.equal(f.fix, undefined);
  assert.match(f.messageRu, /Исправление не предлагается/);
  const k = validateKpp('7701АК001')[0]!; // Cyrillic А, К: no digit looks like them
  assert.equal(k.code, 'kpp.cyrillic');
  assert.equal(k.fix?.value, '7701AK001');
  assert.equal(validateKpp('770101001', { inn: '5027000014' })[0]?.code, 'kpp.tax-office');
});

void test('passport: the department code is accepted with or without the dash; other shapes are errors', () => {
  assert.deepEqual(codes(validatePassport(passport({}, { IssueId: '770-001' }), TODAY)), []);
  assert.deepEqual(codes(validatePassport(passport({}, { IssueId: '770001' }), TODAY)), []);
  assert.deepEqual(codes(validatePassport(passport({}, { IssueId: '77-0001', MRZ1: '', MRZ2: '' }), TODAY)), ['passport.department-code.format@IssueId']);
  const f = validatePassport(passport({}, { IssueId: '77O-OO1', MRZ1: '', MRZ2: '' }), TODAY).find((x) => x.field === 'IssueId')!;
  assert.equal(f.fix?.value, '770001');
});

void test('passport: future dates, impossible dates and issue before 14 are errors with the expected date', () => {
  assert.deepEqual(codes(validatePassport(passport({}, { BirthDate: '01.01.2030', MRZ1: '', MRZ2: '' }), TODAY)), ['passport.birth-date.future@BirthDate']);
  assert.deepEqual(codes(validatePassport(passport({}, { IssueDate: '23.11.2026', MRZ1: '', MRZ2: '' }), TODAY)), ['passport.issue-date.future@IssueDate']);
  assert.deepEqual(codes(validatePassport(passport({}, { BirthDate: '31.04.1990', MRZ1: '', MRZ2: '' }), TODAY)), ['passport.birth-date.calendar@BirthDate']);
  const then = new Date(2016, 0, 1);
  const early = validatePassport(passport({ birthDate: '10.05.2000', issueDate: '09.05.2014', series: '4514' }), then);
  assert.deepEqual(codes(early), ['passport.issued-before-14@IssueDate']);
  assert.match(early.find((x) => x.code === 'passport.issued-before-14')!.messageRu, /было 13 лет .*не раньше 10\.05\.2014/);
  assert.deepEqual([1, 2, 5, 11, 14, 21, 22, 45].map(yearsRu), ['1 год', '2 года', '5 лет', '11 лет', '14 лет', '21 год', '22 года', '45 лет']);
  assert.deepEqual(codes(validatePassport(passport({ birthDate: '10.05.2000', issueDate: '10.05.2014', series: '4514' }), then)), []);
});

void test('passport: a 29 February birthday turns 14 on 28 February in a non-leap year', () => {
  assert.equal(ageOn({ y: 2000, m: 2, d: 29 }, { y: 2014, m: 2, d: 28 }), 14);
  assert.deepEqual(addYears({ y: 2000, m: 2, d: 29 }, 14), { y: 2014, m: 2, d: 28 });
  const base = { birthDate: '29.02.2000', series: '4514' };
  assert.deepEqual(codes(validatePassport(passport({ ...base, issueDate: '28.02.2014' }), new Date(2016, 0, 1))), []);
  assert.deepEqual(codes(validatePassport(passport({ ...base, issueDate: '27.02.2014' }), new Date(2016, 0, 1))), ['passport.issued-before-14@IssueDate']);
});

void test('passport: validity by age 20 and 45 with the 90-day grace — a warning once expired, info during the grace (ru-doc-rules §3.2, §7)', () => {
  // Every error/warning/info finding, with its severity: the validity flags must be the only ones.
  const all = (f: FindingDraft[]) => f.map((x) => `${x.severity}:${x.code}@${x.field}`).sort();
  // Issued at 14, turned 20 on 10.01.2026: grace until 10.04.2026.
  const young = passport({ birthDate: '10.01.2006', issueDate: '15.02.2020', series: '4520' });
  assert.deepEqual(all(validatePassport(young, new Date(2026, 0, 10))), []);
  assert.deepEqual(all(validatePassport(young, new Date(2026, 0, 11))), ['info:passport.replace-due@IssueDate']);
  assert.deepEqual(all(validatePassport(young, new Date(2026, 3, 10))), ['info:passport.replace-due@IssueDate']);
  assert.deepEqual(all(validatePassport(young, new Date(2026, 3, 11))), ['warning:passport.expired@IssueDate']);
  assert.match(validatePassport(young, new Date(2026, 3, 11))[0]!.messageRu, /90 дней на замену истекли 10\.04\.2026/);
  // Issued at 24, turns 45 on 01.09.2026: grace until 30.11.2026.
  const mid = passport({ birthDate: '01.09.1981', issueDate: '05.10.2005', series: '4505' }, {}, { mrz: false }); // no MRZ before 2011
  assert.deepEqual(all(validatePassport(mid, TODAY)), ['info:passport.replace-due@IssueDate']);
  assert.deepEqual(all(validatePassport(mid, new Date(2026, 10, 30))), ['info:passport.replace-due@IssueDate']);
  assert.deepEqual(all(validatePassport(mid, new Date(2026, 11, 1))), ['warning:passport.expired@IssueDate']);
  // Issued at 45 or later: no end date.
  assert.deepEqual(codes(validatePassport(passport({ birthDate: '01.01.1950', issueDate: '02.01.1998', series: '4598' }, { MRZ1: '', MRZ2: '' }), TODAY)), []);
});

void test('passport: series region vs department region and blank year are soft warnings that explain themselves', () => {
  const f = validatePassport(passport({ departmentCode: '500-042' }), TODAY).find((x) => x.code === 'passport.series-region')!;
  assert.equal(f.severity, 'warning');
  assert.match(f.messageRu, /Серия 45 — Москва; код подразделения 500-042 — Московская обл\.: регионы различаются/);
  assert.equal(explainSeriesRegion('4512', '770001')?.ru, 'Серия 45 — Москва; код подразделения 770-001 — Москва: совпадает.');
  assert.equal(explainSeriesRegion('4512', '900-001'), null); // federal unit: no opinion
  const zero = validatePassport(passport({ series: '0322', departmentCode: '230-001', issueDate: '20.04.2022' }), TODAY);
  assert.deepEqual(codes(zero), []); // leading-zero series 03 = Krasnodar = subject 23
  assert.deepEqual(codes(validatePassport(passport({ series: '4515' }), TODAY)), ['passport.series-year@Series']);
});

void test('names: Latin look-alikes, digits, pattern, hyphenated surnames, compound patronymics and Ё', () => {
  const latin = validateNamePart('LastName', 'ИBAHOB')[0]!; // Latin B, H
  assert.equal(latin.code, 'name.latin');
  assert.equal(latin.fix?.value, 'ИВАНОВ');
  assert.equal(validateNamePart('LastName', 'ПETP0B')[0]!.fix?.value, 'ПЕТРОВ'); // Latin E, T and digit 0
  assert.deepEqual(validateNamePart('LastName', 'ПЕТРОВ-ВОДКИН'), []);
  assert.deepEqual(validateNamePart('MiddleName', 'ИЛЬГАМ ОГЛЫ'), []);
  assert.deepEqual(validateNamePart('FirstName', 'Пётр'), []);
  assert.equal(validateNamePart('LastName', 'ПЕТРОВ--ВОДКИН')[0]!.code, 'name.pattern');
  const f = validatePassport(passport({ patronymic: 'СЕРГЕЕВНА' }), TODAY);
  assert.deepEqual(codes(f), ['name.patronymic-gender@MiddleName']);
});

void test('MRZ: Ё in the MRZ but Е printed, and other name differences, are warnings without a fix (line 1 has no check digit)', () => {
  const yo = validatePassport(passport({ name: 'ПЁТР' }, { FirstName: 'ПЕТР' }), TODAY);
  assert.deepEqual(codes(yo), ['mrz.name-yo@FirstName']);
  assert.equal(yo.find((x) => x.code === 'mrz.name-yo')!.fix, undefined);
  const shch = validatePassport(passport({ surname: 'ЩЕРБАКОВ' }, { LastName: 'ШЕРБАКОВ' }), TODAY).find((x) => x.code === 'mrz.name-mismatch')!;
  assert.equal(shch.field, 'LastName');
  assert.equal(shch.severity, 'warning');
  assert.equal(shch.fix, undefined);
  assert.match(shch.messageRu, /в MRZ «ЩЕРБАКОВ».*не защищено контрольной цифрой/);
  // A Latin look-alike is one OCR artefact: reported by the name check only, not again as an MRZ mismatch.
  assert.deepEqual(codes(validatePassport(passport({}, { LastName: 'ИВAНОВ' }), TODAY)), ['name.latin@LastName']);
  const hyphen = validatePassport(passport({ surname: 'ЩЕРБАКОВА-ЁЛКИНА', name: 'ЮЛИЯ', patronymic: 'ЭДУАРДОВНА', gender: 'Ж' }), TODAY);
  assert.deepEqual(codes(hyphen), []);
});

void test('MRZ: name truncation (§4.3) is not a mismatch; a wrong patronymic initial after truncation is an error without a fix', () => {
  const surname = 'ВЕРХНЕДНЕПРОВСКИЙ-ПРИВОЛЖСКИЙ'; // 30 letters
  const long = { surname, name: 'МАКСИМИЛИАН', patronymic: 'ЕВГЕНЬЕВИЧ' };
  const field = mrzNameField(long.surname, long.name, long.patronymic);
  assert.equal(field.length, 39);
  assert.match(field, /<<MAKSIM<E$/); // name cut at line position 42, '<', patronymic initial
  assert.deepEqual(splitMrzNameField(field), { surname: 'VERHNEDNEPROVSKIQ<PRIVOLJSKIQ', name: 'MAKSIM', patronymic: 'E' });
  assert.deepEqual(codes(validatePassport(passport(long), TODAY)), []);
  const wrong = validatePassport(passport(long, { MiddleName: 'АЛЕКСЕЕВИЧ' }), TODAY).find((x) => x.code === 'mrz.name-mismatch')!;
  assert.equal(wrong.field, 'MiddleName');
  assert.equal(wrong.fix, undefined);
  // Surname longer than 34: cut to 34, then << name initial < patronymic initial.
  const huge = { surname: 'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЫЭЮЯАБВГДЕЖ', name: 'АННА', patronymic: 'ИВАНОВНА', gender: 'Ж' as const };
  assert.deepEqual(codes(validatePassport(passport(huge), TODAY)), []);
});

void test('MRZ vs printed: each disagreement is flagged on that field; the MRZ value is the fix only for check-digit fields', () => {
  const f = validatePassport(passport({}, { Number: '123457', Series: '4513', BirthDate: '16.03.1990', IssueDate: '20.04.2013', IssueId: '770-002', Gender: 'ЖЕН.' }), TODAY);
  const mm = f.filter((x) => x.code === 'mrz.mismatch');
  // Sex (position 21) is under no check digit: a plain warning, never a fix.
  assert.deepEqual(mm.map((x) => [x.field, x.severity, x.fix?.value]).sort(), [
    ['BirthDate', 'error', '15.03.1990'], ['Gender', 'warning', undefined], ['IssueDate', 'error', '20.04.2012'], ['IssueId', 'error', '770-001'], ['Number', 'error', '123456'], ['Series', 'error', '4512'],
  ]);
  // A broken MRZ check digit means the MRZ is not trusted for that field: still an error, no fix.
  const good = passport();
  const corrupt = good.MRZ2!.slice(0, 3) + '9' + good.MRZ2!.slice(4); // number digit 1 → 9
  const g = validatePassport({ ...good, MRZ2: corrupt }, TODAY);
  const num = g.find((x) => x.code === 'mrz.mismatch' && x.field === 'Number')!;
  assert.equal(num.fix, undefined);
  assert.ok(g.some((x) => x.code === 'mrz.check-digit'));
});

void test('MRZ check digit failure from an OCR-plausible digit gets the repaired line as fix', () => {
  const good = passport();
  const bad = good.MRZ2!.slice(0, 15) + '8' + good.MRZ2!.slice(16); // birth-month 0 read as 8
  const f = validatePassport({ ...good, MRZ2: bad }, TODAY).find((x) => x.code === 'mrz.check-digit')!;
  assert.match(f.messageRu, /дата рождения \(позиция 20\)/);
  assert.equal(f.fix?.value, good.MRZ2);
  // Zero or '1' in line 1 is an OCR error for O/I.
  assert.equal(parsePassportMrz(good.MRZ1!.replace('IVANOV', 'IVAN0V'), good.MRZ2, TODAY).problems[0]?.code, 'mrz.alphabet');
});

void test('MRZ missing after 2011 is only info; an API-style MRZ with spaces is normalised', () => {
  const f = validatePassport(passport({}, {}, { mrz: false }), TODAY);
  assert.deepEqual(f.filter((x) => x.code === 'mrz.missing').map((x) => x.severity), ['info']);
  const p = passport();
  assert.deepEqual(codes(validatePassport({ ...p, MRZ2: `${p.MRZ2!.slice(0, 20)} ${p.MRZ2!.slice(20)}` }, TODAY)), []);
});

void test('INN certificate: Latin gender M/F is accepted, OGRNIP/OGRN chosen by length', () => {
  const inn = '500100732259';
  assert.deepEqual(codes(validateInnDoc({ INN: inn, LastName: 'ИВАНОВ', FirstName: 'ПЁТР', MiddleName: 'СЕРГЕЕВИЧ', Gender: 'M', BirthDate: '15.03.1990' }, TODAY)), []);
  assert.deepEqual(codes(validateInnDoc({ INN: inn, OGRN: '321770000000011' }, TODAY)), ['ogrnip.checksum@OGRN']);
  assert.deepEqual(codes(validateInnDoc({ INN: inn, OGRN: '1027700000009' }, TODAY)), ['ogrn.checksum@OGRN']);
  assert.deepEqual(codes(validateInnDoc({ INN: '', Gender: 'X' }, TODAY)), ['inn.gender.format@Gender', 'inn.missing@INN']);
});

function caseDocs(over: { passport?: DocFields; inn?: DocFields; match?: number | null; liveness?: number | null } = {}): CaseDocInput[] {
  const p = passport();
  return [
    { type: 'PASSPORT', fields: { ...p, ...over.passport }, matchScore: over.match === undefined ? 0.97 : over.match },
    { type: 'INN', fields: { INN: '500100732259', LastName: 'ИВАНОВ', FirstName: 'ПЕТР', MiddleName: 'СЕРГЕЕВИЧ', Gender: 'M', BirthDate: '15.03.1990', ...over.inn } },
    { type: 'SELFIE', fields: {}, livenessScore: over.liveness === undefined ? 0.95 : over.liveness },
  ];
}
const T = { matchThreshold: 0.95, livenessThreshold: 0.9 };

void test('case: a consistent case is ok (Ё folded across documents, M/F vs МУЖ.)', () => {
  const r = validateCase(caseDocs(), T, TODAY);
  assert.equal(r.verdict, 'ok');
  assert.deepEqual(r.reasons, []);
  assert.deepEqual(r.findings.filter((x) => x.severity !== 'info'), []);
});

void test('case: passport vs INN mismatches are errors on the INN pointing at the passport → review', () => {
  const r = validateCase(caseDocs({ inn: { LastName: 'ИВАНОВА', BirthDate: '16.03.1990', Gender: 'F' } }), T, TODAY);
  assert.equal(r.verdict, 'review');
  const cross = r.findings.filter((x) => x.code.startsWith('cross.'));
  assert.deepEqual(cross.map((x) => `${x.code}@${x.field}#${x.docIndex}->${x.relatedDocIndex}`).sort(), ['cross.birth-date@BirthDate#1->0', 'cross.gender@Gender#1->0', 'cross.name@LastName#1->0']);
  assert.ok(r.reasons.some((x) => x.startsWith('ИНН: Фамилия в ИНН')));
  // A Latin look-alike in the passport surname is one OCR artefact: flagged by the name check, not again as a cross mismatch.
  const latin = validateCase(caseDocs({ passport: { LastName: 'ИВAНОВ' } }), T, TODAY);
  assert.deepEqual(latin.findings.filter((x) => x.code.startsWith('cross.')), []);
  assert.ok(latin.findings.some((x) => x.code === 'name.latin' && x.fix?.value === 'ИВАНОВ'));
});

void test('case: biometry — match below threshold → review; liveness below threshold → rejected; thresholds come from settings', () => {
  const low = validateCase(caseDocs({ match: 0.93 }), T, TODAY);
  assert.equal(low.verdict, 'review');
  assert.match(low.findings.find((x) => x.code === 'biometry.match')!.messageRu, /0,93 — ниже порога 0,95/);
  assert.equal(validateCase(caseDocs({ match: 0.93 }), { ...T, matchThreshold: 0.9 }, TODAY).verdict, 'ok');
  assert.equal(validateCase(caseDocs({ match: 0.95 }), T, TODAY).verdict, 'ok'); // ≥ threshold passes
  // Just under the threshold: the score is rounded down, so the message never reads «0,95 — ниже порога 0,95».
  assert.match(validateCase(caseDocs({ match: 0.9499 }), T, TODAY).findings.find((x) => x.code === 'biometry.match')!.messageRu, /0,94 — ниже порога 0,95/);
  const spoof = validateCase(caseDocs({ liveness: 0.5 }), T, TODAY);
  assert.equal(spoof.verdict, 'rejected');
  assert.match(spoof.reasons[0]!, /^Селфи: Живость селфи 0,50/);
});

void test('case: API findings are labelled source api; broken → review', () => {
  const docs = caseDocs();
  docs[0] = {
    ...docs[0]!,
    broken: true,
    brokenReasons: ['bad image'],
    brokenReasonsRu: ['Некачественное изображение'],
    apiVerifications: JSON.stringify({ status: 1, status_text: 'not_ok', checks: { verify_passport: [{ status: 1, key: 'issued_after_14', title: 'x' }, { status: 0, key: 'series_okato' }, { status: '', key: 'region_valid' }] }, bad_fields: ['IssueDate'] }),
  };
  const r = validateCase(docs, T, TODAY);
  const api = r.findings.filter((x) => x.source === 'api');
  assert.deepEqual(api.map((x) => `${x.severity}:${x.code}@${x.field}`), ['error:api.broken@null', 'error:api.check.issued_after_14@IssueDate', 'warning:api.bad-field@IssueDate']);
  assert.match(api[0]!.messageRu, /Некачественное изображение/);
  assert.equal(r.verdict, 'review');
  // Garbage from the API is ignored, never thrown.
  docs[0] = { ...docs[0]!, broken: null, apiVerifications: '{not json' };
  assert.equal(validateCase(docs, T, TODAY).verdict, 'ok');
  docs[0] = { ...docs[0]!, apiVerifications: { status: 1, checks: 'nope' } };
  assert.doesNotThrow(() => validateCase(docs, T, TODAY));
});

void test('case: an expired passport is a warning (ru-doc-rules §7) and does not block the verdict on its own', () => {
  // Born 15.03.1981, issued at 31 (20.04.2012): valid until the 45th birthday 15.03.2026 + 90 days = 13.06.2026.
  const p = passport({ birthDate: '15.03.1981' });
  const inn = { BirthDate: '15.03.1981' };
  const r = validateCase(caseDocs({ passport: p, inn }), T, TODAY);
  assert.deepEqual(r.findings.filter((x) => x.code.startsWith('passport.')).map((x) => `${x.severity}:${x.code}`), ['warning:passport.expired']);
  assert.equal(r.verdict, 'ok');
  assert.deepEqual(r.reasons, []);
});

void test('case: duplicates are warnings that still send the case to review', () => {
  const docs = caseDocs();
  docs[0] = { ...docs[0]!, duplicates: [{ kind: 'passport', relatedDocumentId: 17, relatedCaseLabel: 'Иванов П.С.' }] };
  const r = validateCase(docs, T, TODAY);
  const d = r.findings.find((x) => x.code === 'duplicate.passport')!;
  assert.equal(d.severity, 'warning');
  assert.equal(d.relatedDocumentId, 17);
  assert.equal(r.verdict, 'review');
});
