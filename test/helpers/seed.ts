// Seeds a real SQLite file with recognised documents for tests and benchmarks (grid, export, validation)
// without going through the API. Values are realistic and deterministic per seed; a share of fields get
// low confidence so filters and colouring have something to show.
import { isPostgres, type Db } from '../../main/engine/db/open.ts';
import { installTransitionGuards } from '../../main/engine/state/guards.ts';
import { createDocumentFieldsWriter } from '../../main/engine/store/document-fields.ts';
import { innCheckDigits, buildPassportMrz } from '../../main/engine/validation/primitives.ts';

const SURNAMES_M = ['ИВАНОВ', 'ПЕТРОВ', 'СИДОРОВ', 'КУЗНЕЦОВ', 'СМИРНОВ', 'ПОПОВ', 'ВАСИЛЬЕВ', 'СОКОЛОВ', 'МИХАЙЛОВ', 'НОВИКОВ', 'ФЁДОРОВ', 'МОРОЗОВ'];
const NAMES_M = ['ИВАН', 'ПЁТР', 'АЛЕКСЕЙ', 'СЕРГЕЙ', 'АНДРЕЙ', 'ДМИТРИЙ', 'ИЛЬЯ', 'МИХАИЛ'];
const NAMES_F = ['АННА', 'МАРИЯ', 'ЕЛЕНА', 'ОЛЬГА', 'НАТАЛЬЯ', 'ЮЛИЯ', 'ТАТЬЯНА', 'ДАРЬЯ'];
const FATHERS = ['ИВАН', 'ПЕТР', 'СЕРГЕ', 'АНДРЕ', 'НИКОЛА', 'ВИКТОР', 'ОЛЕГ'];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

export type SeedOptions = { count: number; seed?: number; folderPath?: string; lowConfidenceShare?: number; now?: number };

/** Inserts `count` documents (passport/INN/selfie triples per person) as recognised. Returns the document ids. */
export function seedDocuments(db: Db, opts: SeedOptions): number[] {
  const rand = rng(opts.seed ?? 42);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const now = opts.now ?? Date.now();
  const lowShare = opts.lowConfidenceShare ?? 0.1;
  const writer = createDocumentFieldsWriter(db);
  const folder = db
    .prepare(`INSERT INTO folders(path, default_type, created_at) VALUES (?, 'PASSPORT', ?) ON CONFLICT(path) DO UPDATE SET path = excluded.path RETURNING id`)
    .get(opts.folderPath ?? '/seed/Входящие', now) as { id: number };
  const insCase = db.prepare(
    `INSERT INTO cases(folder_id, case_key, label, state, beorg_document_id, submitted_at, completed_at, created_at, updated_at)
     VALUES (?, ?, ?, 'done', ?, ?, ?, ?, ?)`,
  );
  const insDoc = db.prepare(
    `INSERT INTO documents(folder_id, case_id, path, rel_path, file_name, current_path, size, mtime_ms, sha256, mime, width, height, pages,
       doc_type, api_key, status, match_score, liveness_score, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 200000, ?, ?, 'image/jpeg', 1600, 1100, 1, ?, ?, 'recognised', ?, ?, ?, ?)`,
  );
  const conf = () => (rand() < lowShare ? 0.5 + rand() * 0.35 : 0.95 + rand() * 0.0499);
  const ids: number[] = [];
  db.transaction(() => {
    let person = 0;
    while (ids.length < opts.count) {
      person++;
      const female = rand() < 0.5;
      const surname = pick(SURNAMES_M) + (female ? 'А' : '');
      const name = female ? pick(NAMES_F) : pick(NAMES_M);
      const patronymic = pick(FATHERS) + (female ? 'ЕВНА' : 'ЕВИЧ');
      const by = 1960 + Math.floor(rand() * 45);
      const birth = `${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}.${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}.${by}`;
      const iy = Math.min(2025, by + 20 + Math.floor(rand() * 5));
      const issue = `${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}.${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}.${iy}`;
      const series = `45${String(iy % 100).padStart(2, '0')}`;
      const number = String(100000 + Math.floor(rand() * 899999));
      const dept = `770-${String(1 + Math.floor(rand() * 120)).padStart(3, '0')}`;
      const innBody = `77${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
      const inn = innBody + innCheckDigits(innBody);
      const [mrz1, mrz2] = buildPassportMrz({ surname, name, patronymic, series, number, birthDate: birth, gender: female ? 'Ж' : 'М', issueDate: issue, departmentCode: dept });
      const label = `${surname[0]}${surname.slice(1).toLowerCase()} ${name[0]}.${patronymic[0]}. #${person}`;
      const ts = now - Math.floor(rand() * 30 * 86_400_000);
      const caseId = Number(insCase.run(folder.id, `seed-${opts.seed ?? 42}-${person}`, label, `s-${person}`, ts, ts, ts, ts).lastInsertRowid);
      const docs: [string, string, { name: string; value: string | null }[]][] = [
        ['PASSPORT', 'паспорт.jpg', [
          { name: 'LastName', value: surname }, { name: 'FirstName', value: name }, { name: 'MiddleName', value: patronymic },
          { name: 'Gender', value: female ? 'Ж' : 'М' }, { name: 'BirthDate', value: birth }, { name: 'BirthPlace', value: 'ГОР. МОСКВА' },
          { name: 'Series', value: series }, { name: 'Number', value: number }, { name: 'IssuedBy', value: 'ОТДЕЛОМ УФМС РОССИИ ПО Г. МОСКВЕ' },
          { name: 'IssueDate', value: issue }, { name: 'IssueId', value: dept.replace('-', '') }, { name: 'Address', value: '' },
          { name: 'HasPhoto', value: '1' }, { name: 'HasOwnerSignature', value: '1' }, { name: 'HasStamp', value: '' },
          { name: 'MRZ1', value: mrz1 }, { name: 'MRZ2', value: mrz2 },
        ]],
        ['INN', 'инн.jpg', [
          { name: 'INN', value: inn }, { name: 'LastName', value: surname }, { name: 'FirstName', value: name }, { name: 'MiddleName', value: patronymic },
          { name: 'Gender', value: female ? 'F' : 'M' }, { name: 'BirthDate', value: birth }, { name: 'BirthPlace', value: 'ГОР. МОСКВА' },
          { name: 'OrgName', value: 'ИФНС РОССИИ № 1 ПО Г. МОСКВЕ' }, { name: 'OGRN', value: '' }, { name: 'KPP', value: '' },
          { name: 'RegDate', value: null }, { name: 'RegPlace', value: '' }, { name: 'IssueId', value: '' }, { name: 'HasSeal', value: 'true' }, { name: 'HasSignature', value: 'true' },
        ]],
        ['SELFIE', 'селфи.jpg', []],
      ];
      for (const [type, file, fields] of docs) {
        if (ids.length >= opts.count) break;
        const rel = `${label}/${file}`;
        const abs = `${opts.folderPath ?? '/seed/Входящие'}/${rel}`;
        const sha = `${opts.seed ?? 42}-${person}-${type}`.padEnd(64, '0');
        const match = type === 'PASSPORT' ? 0.9 + rand() * 0.0999 : null;
        const live = type === 'SELFIE' ? 0.85 + rand() * 0.1499 : null;
        const id = Number(insDoc.run(folder.id, caseId, abs, rel, file, abs, ts, sha, type, `${type}1`, match, live, ts, ts).lastInsertRowid);
        writer.replace(id, fields.map((f) => ({ ...f, confidence: conf() })), 0.9, ts);
        ids.push(id);
      }
    }
  })();
  return ids;
}

/**
 * Writes a fixture's made-up history: statuses a document or case reached through flows the test does not run.
 * See [Note: one table of lifecycle moves]: it guards every real writer; a fixture that jumps straight to 'recognised' lifts
 * the guard for `write` only, on this connection.
 */
export function seedLifecycle<T>(db: Db, write: () => T): T {
  if (isPostgres(db)) {
    // The guard is a table trigger there (db/pg/open-pg.ts): lifted for the write, for every connection.
    const triggers = (on: boolean) =>
      db.exec(`ALTER TABLE documents ${on ? 'ENABLE' : 'DISABLE'} TRIGGER guard_documents_status; ALTER TABLE cases ${on ? 'ENABLE' : 'DISABLE'} TRIGGER guard_cases_state`);
    triggers(false);
    try {
      return write();
    } finally {
      triggers(true);
    }
  }
  const guarded = db.prepare(`SELECT 1 FROM temp.sqlite_master WHERE name = 'guard_documents_status'`).get() !== undefined;
  db.exec('DROP TRIGGER IF EXISTS temp.guard_documents_status; DROP TRIGGER IF EXISTS temp.guard_cases_state');
  try {
    return write();
  } finally {
    if (guarded) installTransitionGuards(db);
  }
}
