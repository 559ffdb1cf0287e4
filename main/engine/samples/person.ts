// Fictitious but internally consistent people for sample scans and for the simulator's answers about unknown
// images. Consistency is the point: the engine's validators must find NOTHING wrong with a generated person
// (valid INN, MRZ equal to buildPassportMrz, series region = department-code region, issued at ≥ 14 under the
// 14/20/45 replacement rules, all dates in the past), so that planted errors are the only errors.
import { buildPassportMrz, innCheckDigits } from '../validation/primitives.ts';
import { createRng, type Rng } from './random.ts';

export type SamplePerson = {
  id: string;
  lastName: string;
  firstName: string;
  middleName: string;
  gender: 'М' | 'Ж';
  birthDate: string; // DD.MM.YYYY
  birthPlace: string;
  series: string; // 4 digits: OKATO region (2) + blank year (2)
  number: string; // 6 digits
  issueDate: string; // DD.MM.YYYY
  issuedBy: string;
  departmentCode: string; // NNN-NNN
  address: string;
  inn: string; // 12 digits, valid check digits
  innRegDate: string; // DD.MM.YYYY: date on the INN certificate
  taxOffice: string;
  mrz1: string;
  mrz2: string;
  /** Latin file-name stem, e.g. "petrov" (for loose-file layouts). */
  slug: string;
  /** Drives the drawn face, so the passport photo and the selfie of one person look alike. */
  face: { skin: string; hair: string; hairStyle: number; eyes: string };
};

/** Every generated date lies before this day (UTC), so nothing is "in the future" whenever tests run. */
export const SAMPLE_REFERENCE_DATE = Date.UTC(2025, 8, 1);
const MRZ_START = Date.UTC(2011, 6, 1); // MRZ printed in passports issued since 1 July 2011
const MVD_TAKEOVER = Date.UTC(2016, 6, 1); // FMS units became МВД migration units in 2016
const DAY = 86_400_000;

type Region = {
  okato: string; // passport series prefix
  subject: string; // department-code prefix, INN prefix
  cities: readonly string[];
  po: string; // "ПО …" form used in authority names
  mvd: string;
};

// OKATO ↔ subject pairs from ru-doc-rules.md §3 (45→77, 40→78, 46→50, 03→23, 80→02) plus a few well-known ones.
const REGIONS: readonly Region[] = [
  { okato: '45', subject: '77', cities: ['Г. МОСКВА'], po: 'Г. МОСКВЕ', mvd: 'ГУ МВД РОССИИ ПО Г. МОСКВЕ' },
  { okato: '40', subject: '78', cities: ['Г. САНКТ-ПЕТЕРБУРГ'], po: 'Г. САНКТ-ПЕТЕРБУРГУ И ЛЕНИНГРАДСКОЙ ОБЛ.', mvd: 'ГУ МВД РОССИИ ПО Г. САНКТ-ПЕТЕРБУРГУ И ЛЕНИНГРАДСКОЙ ОБЛ.' },
  { okato: '46', subject: '50', cities: ['Г. ПОДОЛЬСК', 'Г. ХИМКИ', 'Г. КОЛОМНА'], po: 'МОСКОВСКОЙ ОБЛ.', mvd: 'ГУ МВД РОССИИ ПО МОСКОВСКОЙ ОБЛ.' },
  { okato: '03', subject: '23', cities: ['Г. КРАСНОДАР', 'Г. СОЧИ', 'Г. НОВОРОССИЙСК'], po: 'КРАСНОДАРСКОМУ КРАЮ', mvd: 'ГУ МВД РОССИИ ПО КРАСНОДАРСКОМУ КРАЮ' },
  { okato: '80', subject: '02', cities: ['Г. УФА', 'Г. СТЕРЛИТАМАК'], po: 'РЕСП. БАШКОРТОСТАН', mvd: 'МВД ПО РЕСП. БАШКОРТОСТАН' },
  { okato: '89', subject: '13', cities: ['Г. САРАНСК', 'Г. РУЗАЕВКА'], po: 'РЕСП. МОРДОВИЯ', mvd: 'МВД ПО РЕСП. МОРДОВИЯ' },
  { okato: '92', subject: '16', cities: ['Г. КАЗАНЬ', 'Г. НАБЕРЕЖНЫЕ ЧЕЛНЫ'], po: 'РЕСП. ТАТАРСТАН', mvd: 'МВД ПО РЕСП. ТАТАРСТАН' },
  { okato: '65', subject: '66', cities: ['Г. ЕКАТЕРИНБУРГ', 'Г. НИЖНИЙ ТАГИЛ'], po: 'СВЕРДЛОВСКОЙ ОБЛ.', mvd: 'ГУ МВД РОССИИ ПО СВЕРДЛОВСКОЙ ОБЛ.' },
  { okato: '50', subject: '54', cities: ['Г. НОВОСИБИРСК', 'Г. БЕРДСК'], po: 'НОВОСИБИРСКОЙ ОБЛ.', mvd: 'ГУ МВД РОССИИ ПО НОВОСИБИРСКОЙ ОБЛ.' },
];

/** Series prefix (OKATO) → department-code subject, for the simulator's `series_okato` check. */
export const OKATO_TO_SUBJECT: Readonly<Record<string, string>> = Object.fromEntries(REGIONS.map((r) => [r.okato, r.subject]));

// Male form; female forms are derived. Mixed in: Ё, a hyphenated surname, a long one (MRZ truncation paths).
const SURNAMES = ['ИВАНОВ', 'ПЕТРОВ', 'СИДОРОВ', 'КУЗНЕЦОВ', 'СМИРНОВ', 'ПОПОВ', 'ВАСИЛЬЕВ', 'СОКОЛОВ', 'МИХАЙЛОВ',
  'НОВИКОВ', 'ФЁДОРОВ', 'МОРОЗОВ', 'ВОЛКОВ', 'АЛЕКСЕЕВ', 'ЛЕБЕДЕВ', 'СЕМЁНОВ', 'ЕГОРОВ', 'ПАВЛОВ', 'КОЗЛОВ',
  'СТЕПАНОВ', 'НИКОЛАЕВ', 'ОРЛОВ', 'АНДРЕЕВ', 'МАКАРОВ', 'ЗАХАРОВ', 'ЗАЙЦЕВ', 'СОЛОВЬЁВ', 'БОРИСОВ', 'ЯКОВЛЕВ',
  'ГРИГОРЬЕВ', 'РОМАНОВ', 'ВОРОБЬЁВ', 'ЩЕРБАКОВ', 'ПЕТРОВ-ВОДКИН', 'ЧЕРНЫШЁВ', 'ЖУКОВ', 'ЮДИН', 'ЭРДНИЕВ'];
const NAMES_M = ['ИВАН', 'ПЁТР', 'АЛЕКСЕЙ', 'СЕРГЕЙ', 'АНДРЕЙ', 'ДМИТРИЙ', 'ИЛЬЯ', 'МИХАИЛ', 'НИКОЛАЙ', 'ЮРИЙ',
  'АРТЁМ', 'ЕГОР', 'КОНСТАНТИН', 'ВЛАДИМИР', 'ОЛЕГ', 'ФЁДОР'];
const NAMES_F = ['АННА', 'МАРИЯ', 'ЕЛЕНА', 'ОЛЬГА', 'НАТАЛЬЯ', 'ЮЛИЯ', 'ТАТЬЯНА', 'ДАРЬЯ', 'ЕКАТЕРИНА', 'СВЕТЛАНА',
  'КСЕНИЯ', 'АЛЁНА', 'ИРИНА', 'ЛЮДМИЛА', 'ЭЛЬВИРА'];
// Father's names with their patronymic stems: [male ending, female ending].
const PATRONYMICS: readonly (readonly [string, string])[] = [
  ['ИВАНОВИЧ', 'ИВАНОВНА'], ['ПЕТРОВИЧ', 'ПЕТРОВНА'], ['СЕРГЕЕВИЧ', 'СЕРГЕЕВНА'], ['АНДРЕЕВИЧ', 'АНДРЕЕВНА'],
  ['НИКОЛАЕВИЧ', 'НИКОЛАЕВНА'], ['ВИКТОРОВИЧ', 'ВИКТОРОВНА'], ['ОЛЕГОВИЧ', 'ОЛЕГОВНА'], ['ИЛЬИЧ', 'ИЛЬИНИЧНА'],
  ['АЛЕКСАНДРОВИЧ', 'АЛЕКСАНДРОВНА'], ['ДМИТРИЕВИЧ', 'ДМИТРИЕВНА'], ['ЮРЬЕВИЧ', 'ЮРЬЕВНА'], ['ФЁДОРОВИЧ', 'ФЁДОРОВНА'],
];
const STREETS = ['УЛ. ЛЕНИНА', 'УЛ. СОВЕТСКАЯ', 'ПР-Т МИРА', 'УЛ. САДОВАЯ', 'УЛ. ГАГАРИНА', 'УЛ. ПУШКИНА',
  'УЛ. МОЛОДЁЖНАЯ', 'ПЕР. ШКОЛЬНЫЙ', 'УЛ. НАБЕРЕЖНАЯ', 'Ш. ЭНТУЗИАСТОВ'];
const DISTRICTS = ['ЦЕНТРАЛЬНОМУ', 'СОВЕТСКОМУ', 'ЛЕНИНСКОМУ', 'ОКТЯБРЬСКОМУ', 'КИРОВСКОМУ', 'ЗАВОДСКОМУ'];
const SKINS = ['#f1c7a5', '#e8b48f', '#d9a07a', '#f5d3b8', '#c98b62'];
const HAIRS = ['#2b1d14', '#4a3222', '#7a5632', '#b08850', '#1c1c1c', '#8c8c8c'];
const EYES = ['#3b5b7a', '#4a3b2a', '#3f6b3f', '#555555'];

const LATIN: Readonly<Record<string, string>> = {
  А: 'a', Б: 'b', В: 'v', Г: 'g', Д: 'd', Е: 'e', Ё: 'e', Ж: 'zh', З: 'z', И: 'i', Й: 'y', К: 'k', Л: 'l', М: 'm',
  Н: 'n', О: 'o', П: 'p', Р: 'r', С: 's', Т: 't', У: 'u', Ф: 'f', Х: 'kh', Ц: 'ts', Ч: 'ch', Ш: 'sh', Щ: 'shch',
  Ъ: '', Ы: 'y', Ь: '', Э: 'e', Ю: 'yu', Я: 'ya', '-': '-',
};

export function formatDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/** DD.MM.YYYY → epoch ms (UTC), or null when not a real calendar date. */
export function parseDate(s: string): number | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(s);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 ? t : null;
}

/** Adds whole years; 29 February becomes 28 February in non-leap years (ru-doc-rules §3 rule 1). */
export function addYears(ms: number, years: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear() + years;
  const day = Math.min(d.getUTCDate(), new Date(Date.UTC(y, d.getUTCMonth() + 1, 0)).getUTCDate());
  return Date.UTC(y, d.getUTCMonth(), day);
}

function feminine(surname: string): string {
  return surname
    .split('-')
    .map((part) => (/(ОВ|ЕВ|ЁВ|ИН|ЫН)$/.test(part) ? part + 'А' : /(ИЙ|ЫЙ)$/.test(part) ? part.slice(0, -2) + 'АЯ' : part))
    .join('-');
}

function latinSlug(s: string): string {
  let out = '';
  for (const ch of s.toUpperCase()) out += LATIN[ch] ?? '';
  return out;
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

function randomDay(rng: Rng, from: number, to: number): number {
  const days = Math.max(0, Math.floor((to - from) / DAY));
  return from + rng.int(0, days) * DAY;
}

/** Deterministic for a seed. Same seed → same person, on any machine, on any day. */
export function createPerson(seed: number): SamplePerson {
  const rng = createRng(seed ^ 0x5ca11ed);
  const gender: 'М' | 'Ж' = rng.chance(0.5) ? 'М' : 'Ж';
  const male = gender === 'М';
  const surnameM = rng.pick(SURNAMES);
  const lastName = male ? surnameM : feminine(surnameM);
  const firstName = rng.pick(male ? NAMES_M : NAMES_F);
  const patronymic = rng.pick(PATRONYMICS);
  const middleName = male ? patronymic[0] : patronymic[1];
  const region = rng.pick(REGIONS);

  // Age class decides which passport (14, 20 or 45) the person holds. Ages are chosen so that the passport stays
  // valid for years after the reference date (next replacement at 20/45 is ≥ ~4 years away), because the
  // validators compare against the real clock.
  const ref = SAMPLE_REFERENCE_DATE;
  const r = rng.next();
  const [milestone, minAge, maxAge] = r < 0.1 ? [14, 15, 15] : r < 0.7 ? [20, 21, 38] : [45, 46, 68];
  const age = rng.int(minAge, maxAge);
  const birth = addYears(ref, -age) - rng.int(1, 364) * DAY;
  const earliest = Math.max(addYears(birth, milestone) + DAY, MRZ_START + DAY);
  const latest = ref - 30 * DAY;
  // Most people get the passport within ~3 months of the birthday; some replaced a lost one later.
  const issue = rng.chance(0.8) ? randomDay(rng, earliest, Math.min(latest, earliest + 90 * DAY)) : randomDay(rng, earliest, latest);
  const issueYear = new Date(issue).getUTCFullYear();
  const blankYear = issueYear - (rng.chance(0.25) ? 1 : 0);
  const series = region.okato + String(blankYear % 100).padStart(2, '0');
  const number = digits(rng, 6);
  const departmentCode = `${region.subject}0-${String(rng.int(1, 99)).padStart(3, '0')}`;
  const issuedBy = issue >= MVD_TAKEOVER ? region.mvd : `ОТДЕЛЕНИЕМ УФМС РОССИИ ПО ${region.po} ПО ${rng.pick(DISTRICTS)} Р-НУ`;
  const birthRegion = rng.chance(0.7) ? region : rng.pick(REGIONS);
  const birthPlace = rng.pick(birthRegion.cities).replace(/^Г\. /, 'ГОР. ');
  const address = `${rng.pick(region.cities)}, ${rng.pick(STREETS)}, Д. ${rng.int(1, 120)}, КВ. ${rng.int(1, 240)}`;
  const inspectorate = String(rng.int(1, 36)).padStart(2, '0');
  const innBody = region.subject + inspectorate + digits(rng, 6);
  const inn = innBody + innCheckDigits(innBody);
  const innRegDate = formatDate(randomDay(rng, Math.max(addYears(birth, 14), Date.UTC(1999, 0, 1)), latest));
  const taxOffice = `ИФНС РОССИИ № ${Number(inspectorate)} ПО ${region.po}`;
  const birthDate = formatDate(birth);
  const issueDate = formatDate(issue);
  const [mrz1, mrz2] = buildPassportMrz({
    surname: lastName, name: firstName, patronymic: middleName, series, number, birthDate, gender, issueDate, departmentCode,
  });
  return {
    id: `p${(seed >>> 0).toString(36)}`,
    lastName, firstName, middleName, gender, birthDate, birthPlace, series, number, issueDate, issuedBy,
    departmentCode, address, inn, innRegDate, taxOffice, mrz1, mrz2,
    slug: latinSlug(lastName),
    face: { skin: rng.pick(SKINS), hair: rng.pick(HAIRS), hairStyle: rng.int(0, 2), eyes: rng.pick(EYES) },
  };
}

/** "Иванов И.И" — the folder label a clerk would type for a person. */
export function shortName(p: SamplePerson): string {
  const cap = (s: string) => s.toLowerCase().replace(/(^|-)(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());
  return `${cap(p.lastName)} ${p.firstName.slice(0, 1)}.${p.middleName.slice(0, 1)}`;
}

/** Region by department-code subject (first two digits), for the simulator's region checks. */
export function regionOfSubject(subject: string): { okato: string; po: string; mvd: string } | null {
  return REGIONS.find((r) => r.subject === subject) ?? null;
}
