// Result bodies shaped like beorg-api.md §0/§3.4. The data is what the scan shows (its embedded scenario, see the
// note [Note: the scan carries its own answer]) or, for unknown images, a consistent fictitious person derived from
// the image hash. Verification checks are COMPUTED on the returned values so that planted misreads show up.
import { createPerson, OKATO_TO_SUBJECT, parseDate, addYears, regionOfSubject, type SamplePerson } from '../samples/person.ts';
import { readScenario, type BrokenReasonCode, type SampleScenario, type SampleDocType } from '../samples/scenario.ts';
import { createRng, seedFromString, type Rng } from '../samples/random.ts';
import { buildPassportMrz, mrzCheckDigit } from '../validation/primitives.ts';
import type { SimConfig } from './config.ts';
import type { UploadImage, UploadRequest, Stage } from './upload.ts';

export const BROKEN_REASONS: Readonly<Record<BrokenReasonCode, { en: string; ru: string }>> = {
  // The first two EN texts are the ones seen in Beorg's docs (the second one completed: "…recognized").
  no_metadata: { en: 'the image does not contain metadata information', ru: 'Изображение не содержит метаданных' },
  fields_not_recognized: { en: 'Not all required fields has been recognized', ru: 'Не все обязательные поля распознаны' },
  not_document: { en: 'The image does not contain a document of the requested type', ru: 'Не типовой документ' },
  poor_quality: { en: 'Poor image quality', ru: 'Некачественное изображение' },
  blurred: { en: 'The image is blurred', ru: 'Изображение размыто' },
  glare: { en: 'Glare on the document', ru: 'Блики на документе' },
  cropped: { en: 'The document is cropped', ru: 'Документ обрезан' },
  forgery: { en: 'Signs of forgery or corrections', ru: 'Подделка/помарки' },
  other: { en: 'Defective (other reason)', ru: 'Брак (иная причина)' },
};
const DOC_TYPE_RU: Record<string, string> = { PASSPORT: 'Паспорт РФ', PASSPORT_REG: 'Паспорт РФ', INN: 'ИНН', SELFIE: 'Селфи' };

export type ImageProbe = { decodable: boolean; shortSide: number | null };

type Data = Record<string, string | boolean | null>;
export type ResultDocument = {
  key: string;
  type: string;
  data: Data;
  metadata: { confidences: Record<string, string | number> | null; verifications: Record<string, unknown>; metadata_check: Record<string, unknown>; biometrics?: Record<string, unknown> };
  broken: boolean | null;
  broken_reasons: string[];
  broken_reasons_ru: string[];
};

type Group = {
  key: string;
  type: string;
  stages: Stage[];
  relation: Record<string, string>;
  images: UploadImage[];
  person: SamplePerson;
  /** What the image actually shows (from its scenario); null = unknown image, assumed to match `type`. */
  shows: SampleDocType | null;
  scenario: SampleScenario;
  known: boolean;
  reasons: BrokenReasonCode[];
  rng: Rng;
};

const LOW_CANDIDATES: Record<string, string[]> = {
  PASSPORT: ['BirthPlace', 'IssuedBy', 'MiddleName', 'IssueDate', 'Number'],
  PASSPORT_REG: ['BirthPlace', 'IssuedBy', 'Address'],
  INN: ['BirthPlace', 'OrgName', 'MiddleName', 'RegDate'],
  SELFIE: [],
};

/** Groups images by key (first-seen order) and decides what each group shows and whether it is broken. */
/** A scenario registered through the admin API for an image hash (for images that cannot carry one, e.g. PDFs). */
export type HashScenario = { docType?: SampleDocType; scenario: SampleScenario };

export function buildGroups(
  req: UploadRequest, probes: ImageProbe[], cfg: SimConfig, terminalBroken: boolean,
  byHash: (sha256: string) => HashScenario | undefined = () => undefined,
): Group[] {
  const groups: Group[] = [];
  req.entries.forEach((e, i) => {
    const img = req.images[i]!;
    let g = groups.find((x) => x.key === e.key);
    if (!g) {
      g = { key: e.key, type: e.type, stages: [], relation: {}, images: [], person: null as unknown as SamplePerson, shows: null, scenario: {}, known: false, reasons: [], rng: createRng(0) };
      groups.push(g);
    }
    for (const s of e.stages) if (!g.stages.includes(s)) g.stages.push(s);
    Object.assign(g.relation, e.relation);
    g.images.push(img);
  });
  for (const g of groups) {
    const payload = g.images.map((im) => readScenario(im.bytes)).find((p) => p !== null) ?? null;
    const hashKey = g.images.map((im) => im.sha256).join(':');
    g.rng = createRng(seedFromString(`${cfg.seed}:${g.key}:${hashKey}`));
    // An admin-registered scenario wins over the embedded one (tests re-plant without re-rendering).
    const registered = g.images.map((im) => byHash(im.sha256)).find((x) => x !== undefined);
    g.known = payload !== null || registered !== undefined;
    g.person = payload?.person ?? createPerson(seedFromString(g.images[0]!.sha256));
    g.shows = registered?.docType ?? payload?.docType ?? null;
    g.scenario = registered?.scenario ?? payload?.scenario ?? {};
    const wanted = g.type === 'PASSPORT_REG' ? 'PASSPORT' : g.type;
    const reasons = new Set<BrokenReasonCode>();
    g.images.forEach((im) => {
      const probe = probes[req.images.indexOf(im)];
      if (im.format === 'unknown' || (probe && !probe.decodable)) reasons.add('not_document');
      else if (probe?.shortSide != null && probe.shortSide < 400) reasons.add('poor_quality');
    });
    if (g.shows !== null && g.shows !== wanted) reasons.add('not_document');
    const b = g.scenario.broken;
    if (b === true) reasons.add('fields_not_recognized');
    if (Array.isArray(b)) b.forEach((r) => reasons.add(r));
    if (g.scenario.poor) reasons.add('poor_quality');
    if (terminalBroken) reasons.add('other');
    g.reasons = [...reasons];
  }
  return groups;
}

export function isPoor(groups: Group[]): boolean {
  return groups.some((g) => g.scenario.poor === true || g.reasons.includes('poor_quality'));
}

const digitsOnly = (s: string) => s.replace(/\D/g, '');

function passportData(p: SamplePerson, type: string, cfg: SimConfig): Data {
  return {
    LastName: p.lastName, FirstName: p.firstName, MiddleName: p.middleName,
    Gender: cfg.passportGender === 'cyrillic' ? p.gender : p.gender === 'М' ? 'M' : 'F',
    BirthDate: p.birthDate, BirthPlace: p.birthPlace, Series: p.series, Number: p.number, IssuedBy: p.issuedBy,
    IssueDate: p.issueDate, IssueId: digitsOnly(p.departmentCode),
    // Pages 2–3 carry no address; only the registration page (PASSPORT_REG) does.
    Address: type === 'PASSPORT_REG' ? p.address : '',
    HasPhoto: '1', HasOwnerSignature: '1', HasStamp: '', MRZ1: p.mrz1, MRZ2: p.mrz2,
  };
}

function innData(p: SamplePerson, rng: Rng, known: boolean): Data {
  return {
    Gender: p.gender === 'М' ? 'M' : 'F', LastName: p.lastName, FirstName: p.firstName, MiddleName: p.middleName,
    BirthDate: p.birthDate, BirthPlace: p.birthPlace, OrgName: p.taxOffice, OGRN: '',
    // The provider's INN example has RegDate null; older certificate forms leave it unreadable. A sample scan shows
    // its date, so it is read ([Note: the scan carries its own answer]); only unknown images lose it at random.
    RegDate: !known && rng.chance(0.3) ? null : p.innRegDate, RegPlace: p.taxOffice, IssueId: '', INN: p.inn, KPP: '',
    HasSeal: true, HasSignature: true,
  };
}

function emptyData(data: Data): Data {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'boolean' ? false : v === null ? null : '']));
}

function confidenceKey(k: string, cfg: SimConfig): string {
  switch (cfg.confidenceKeyCase) {
    case 'data': return k;
    case 'lower': return k.toLowerCase();
    case 'capitalized': return k.slice(0, 1) + k.slice(1).toLowerCase();
  }
}

function buildConfidences(g: Group, data: Data, cfg: SimConfig): Record<string, string | number> | null {
  if (cfg.confidenceFormat === 'null') return null;
  const low = new Set(g.scenario.lowConfidence ?? []);
  if (!g.known && cfg.lowConfidenceForUnknown) {
    const candidates = LOW_CANDIDATES[g.type] ?? [];
    const n = g.rng.int(1, 2);
    for (let i = 0; i < n && candidates.length > 0; i++) low.add(g.rng.pick(candidates));
  }
  const out: Record<string, string | number> = {};
  const broken = g.reasons.length > 0;
  for (const [k, v] of Object.entries(data)) {
    let c = low.has(k) ? 0.55 + g.rng.next() * 0.25 : 0.95 + g.rng.next() * 0.0499;
    if (g.scenario.poor || broken) c *= 0.8;
    const exact = g.scenario.confidences?.[k];
    if (exact !== undefined) c = exact;
    if (v === '' || v === null) c = 0; // "0" for absent values, as MRZ confidences in the passport example
    c = Math.min(0.9999, Math.max(0, c));
    out[confidenceKey(k, cfg)] = cfg.confidenceFormat === 'string' ? (c === 0 ? '0' : c.toFixed(4)) : Number(c.toFixed(4));
  }
  return out;
}

type Check = { status: 0 | 1 | ''; key: string; title: string };

/** `verify_passport` checks computed from the values the API returns (so planted errors fail them). */
export function verifyPassport(data: Data, now: number): { status: 0 | 1; status_text: 'ok' | 'not_ok'; checks: { verify_passport: Check[] }; bad_fields: string[] } {
  const s = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : '');
  const bad = new Set<string>();
  const birth = parseDate(s('BirthDate'));
  const issue = parseDate(s('IssueDate'));
  const dept = s('IssueId');
  const mrz1 = s('MRZ1');
  const mrz2 = s('MRZ2');

  const invalid: string[] = [];
  for (const k of ['LastName', 'FirstName']) if (!/^[А-ЯЁ]+(?:[- ][А-ЯЁ]+)*$/u.test(s(k))) invalid.push(k);
  if (!s('IssuedBy')) invalid.push('IssuedBy');
  if (birth === null) invalid.push('BirthDate');
  if (issue === null) invalid.push('IssueDate');
  if (!/^\d{4}$/.test(s('Series'))) invalid.push('Series');
  if (!/^\d{6}$/.test(s('Number'))) invalid.push('Number');
  if (!/^\d{6}$/.test(dept)) invalid.push('IssueId');
  if (mrz2) {
    const ok = /^\d{10}RUS\d{7}[MF]<{7}\d{13}<\d{2}$/.test(mrz2)
      && mrzCheckDigit(mrz2.slice(0, 9)) === Number(mrz2[9]) && mrzCheckDigit(mrz2.slice(13, 19)) === Number(mrz2[19])
      && mrzCheckDigit(mrz2.slice(28, 42)) === Number(mrz2[42])
      && mrzCheckDigit(mrz2.slice(0, 10) + mrz2.slice(13, 20) + mrz2.slice(21, 43)) === Number(mrz2[43]);
    if (!ok) invalid.push('MRZ2');
  }
  invalid.forEach((f) => bad.add(f));

  let mrzStatus: 0 | 1 | '' = '';
  if (mrz1 && mrz2 && birth !== null && issue !== null && /^\d{6}$/.test(dept)) {
    const gender = s('Gender') === 'М' || s('Gender') === 'M' ? 'М' : 'Ж';
    const [e1, e2] = buildPassportMrz({
      surname: s('LastName'), name: s('FirstName'), patronymic: s('MiddleName'), series: s('Series'), number: s('Number'),
      birthDate: s('BirthDate'), gender, issueDate: s('IssueDate'), departmentCode: `${dept.slice(0, 3)}-${dept.slice(3)}`,
    });
    mrzStatus = e1 === mrz1 && e2 === mrz2 ? 0 : 1;
    if (e1 !== mrz1) ['LastName', 'FirstName', 'MiddleName', 'MRZ1'].forEach((f) => bad.add(f));
    if (e2.slice(0, 9) !== mrz2.slice(0, 9) || e2[28] !== mrz2[28]) ['Series', 'Number', 'MRZ2'].forEach((f) => bad.add(f));
    if (e2.slice(13, 19) !== mrz2.slice(13, 19)) ['BirthDate', 'MRZ2'].forEach((f) => bad.add(f));
    if (e2.slice(29, 41) !== mrz2.slice(29, 41)) ['IssueDate', 'IssueId', 'MRZ2'].forEach((f) => bad.add(f));
  }

  const subject = OKATO_TO_SUBJECT[s('Series').slice(0, 2)];
  const okatoStatus: 0 | 1 | '' = subject === undefined || dept.length < 2 ? '' : subject === dept.slice(0, 2) ? 0 : 1;
  if (okatoStatus === 1) ['Series', 'IssueId'].forEach((f) => bad.add(f));

  const region = dept.length >= 2 ? regionOfSubject(dept.slice(0, 2)) : null;
  const regionStatus: 0 | 1 | '' = region === null || !s('IssuedBy') ? '' : s('IssuedBy').includes(region.po) ? 0 : 1;
  if (regionStatus === 1) bad.add('IssuedBy');

  const after14: 0 | 1 | '' = birth === null || issue === null ? '' : issue >= addYears(birth, 14) ? 0 : 1;
  if (after14 === 1) ['IssueDate', 'BirthDate'].forEach((f) => bad.add(f));
  const after1997: 0 | 1 | '' = issue === null ? '' : issue >= Date.UTC(1997, 9, 1) ? 0 : 1;
  if (after1997 === 1) bad.add('IssueDate');
  let expired: 0 | 1 | '' = '';
  if (birth !== null && issue !== null) {
    const at20 = addYears(birth, 20);
    const at45 = addYears(birth, 45);
    const expiry = issue < at20 ? at20 : issue < at45 ? at45 : null;
    expired = expiry !== null && now > expiry + 90 * 86_400_000 ? 1 : 0;
    if (expired === 1) bad.add('IssueDate');
  }
  const checks: Check[] = [
    { status: invalid.length ? 1 : 0, key: 'fields_to_check_valid', title: 'Обязательные поля заполнены, формат и контрольные суммы MRZ верны' },
    { status: mrzStatus, key: 'fio_series_number_mrz', title: 'ФИО, серия и номер совпадают с машиночитаемой записью' },
    { status: okatoStatus, key: 'series_okato', title: 'Серия паспорта соответствует региону кода подразделения' },
    { status: regionStatus, key: 'region_valid', title: 'Место выдачи соответствует коду подразделения' },
    { status: after14, key: 'issued_after_14', title: 'Паспорт выдан не ранее 14 лет' },
    { status: after1997, key: 'issued_after_1997', title: 'Паспорт выдан не ранее 01.10.1997' },
    { status: expired, key: 'expiration_date', title: 'Срок действия паспорта не истёк' },
  ];
  const failed = checks.some((c) => c.status === 1);
  return { status: failed ? 1 : 0, status_text: failed ? 'not_ok' : 'ok', checks: { verify_passport: checks }, bad_fields: [...bad] };
}

function similarityFor(g: Group, target: Group | undefined): number {
  const planted = g.scenario.similarity ?? target?.scenario.similarity;
  if (planted !== undefined) return planted;
  const samePerson = target !== undefined && target.person.id === g.person.id && target.reasons.length === 0 && target.shows !== 'INN';
  return samePerson ? 0.955 + g.rng.next() * 0.04 : 0.1 + g.rng.next() * 0.35;
}

const round4 = (x: number) => Number(x.toFixed(4));

export function buildResultDocuments(groups: Group[], cfg: SimConfig, now: number): ResultDocument[] {
  return groups.map((g) => {
    const brokenNotDoc = g.reasons.includes('not_document');
    const isPassport = g.type === 'PASSPORT' || g.type === 'PASSPORT_REG';
    let data: Data = isPassport ? passportData(g.person, g.type, cfg) : g.type === 'INN' ? innData(g.person, g.rng, g.known) : {};
    for (const [k, v] of Object.entries(g.scenario.ocrOverrides ?? {})) data[k] = v;
    if (brokenNotDoc) data = emptyData(data);
    const brief = g.type === 'INN' && cfg.innMetadataStyle === 'brief';
    const confidences = brief ? null : buildConfidences(g, data, cfg);
    const verifications = isPassport && g.stages.includes('verification') && !brokenNotDoc ? verifyPassport(data, now) : {};
    const metadata: ResultDocument['metadata'] = {
      confidences,
      verifications,
      metadata_check: cfg.metadataCheck ? { status: 0, checks: { source_check: 1, suspicious_app_detection: 0, suspicious_value: '', create_date: '', make: '', model: '' } } : {},
    };
    const biometrics: Record<string, unknown> = {};
    if (g.stages.includes('biometry_match')) {
      const target = groups.find((x) => x.key === g.relation.biometry_match);
      const similarity = round4(brokenNotDoc ? 0 : similarityFor(g, target));
      biometrics.matches = { match_faces: similarity >= 0.95 ? 1 : 0, similarity };
    }
    if (g.stages.includes('biometry_liveness')) {
      const probability = round4(g.scenario.liveness ?? (brokenNotDoc ? 0.05 : 0.91 + g.rng.next() * 0.089));
      biometrics.liveness = { liveness: probability >= 0.9 ? 1 : 0, probability };
    }
    if (Object.keys(biometrics).length > 0) metadata.biometrics = biometrics;
    const type = g.type === 'PASSPORT_REG' ? cfg.passportRegResultType : g.type;
    const broken = g.reasons.length > 0;
    return {
      key: g.key,
      type,
      data,
      metadata,
      broken: broken ? true : null,
      broken_reasons: g.reasons.map((r) => BROKEN_REASONS[r].en),
      broken_reasons_ru: g.reasons.map((r) => (r === 'not_document' ? `Не типовой документ (${DOC_TYPE_RU[g.type] ?? g.type})` : BROKEN_REASONS[r].ru)),
    };
  });
}

/** Planted delay (ms, before timeScale) if any image's scenario asks for one. */
export function plantedDelay(groups: Group[]): number | null {
  const ds = groups.map((g) => g.scenario.delayMs).filter((d): d is number => d !== undefined);
  return ds.length ? Math.max(...ds) : null;
}
