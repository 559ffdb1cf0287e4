// The validation module against a real SQLite file: planted errors → exactly the expected findings, counts and
// verdicts; a suggested fix, once applied, clears its finding; duplicates across cases; signals and settings wiring.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../main/engine/db/open.ts';
import { createSignals, type EngineContext } from '../../main/engine/context.ts';
import { createEventBus } from '../../main/engine/events.ts';
import { createLogger } from '../../main/engine/log.ts';
import { createMemorySecretStore } from '../../main/engine/secrets.ts';
import { createSettingsStore } from '../../main/engine/settings-store.ts';
import { createReviewModule } from '../../main/engine/review/index.ts';
import { createDocumentFieldsWriter } from '../../main/engine/store/document-fields.ts';
import { createValidationModule, recomputeAll, recomputeCase } from '../../main/engine/validation/module.ts';
import { buildPassportMrz, innCheckDigits, type MrzPerson } from '../../main/engine/validation/primitives.ts';

const NOW = new Date(2026, 10, 22, 12).getTime();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-validation-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function makeCtx(file: string): EngineContext & { changed: { ids: number[]; all: boolean }[] } {
  const db = openDatabase(path.join(dir, file));
  const events = createEventBus(1);
  const changed: { ids: number[]; all: boolean }[] = [];
  events.subscribe((name, payload) => {
    if (name === 'documents:changed') changed.push(payload as { ids: number[]; all: boolean });
  });
  return {
    db, dataDir: dir, events, changed,
    clock: { now: () => NOW, sleep: () => Promise.resolve() },
    log: createLogger({ level: 'error' }),
    signals: createSignals(),
    settings: createSettingsStore(db),
    secrets: createMemorySecretStore(),
    actor: 'test', instanceId: 'test', mode: 'test', reveal: () => false,
  };
}

type DocSpec = { type: 'PASSPORT' | 'INN' | 'SELFIE'; fields?: Record<string, string | null>; match?: number | null; liveness?: number | null; broken?: 0 | 1 | null; brokenRu?: string[]; verifications?: unknown };

function insertCase(db: Db, label: string, docs: DocSpec[]): { caseId: number; docIds: number[] } {
  const writer = createDocumentFieldsWriter(db);
  return db.transaction(() => {
    const caseId = Number(db.prepare(`INSERT INTO cases(case_key, label, state, created_at, updated_at) VALUES (?, ?, 'done', ?, ?)`).run(label, label, NOW, NOW).lastInsertRowid);
    const docIds = docs.map((d, i) => {
      const id = Number(
        db.prepare(
          `INSERT INTO documents(case_id, path, rel_path, file_name, doc_type, api_key, status, broken, broken_reasons_ru, api_verifications, match_score, liveness_score, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'recognised', ?, ?, ?, ?, ?, ?, ?)`,
        ).run(caseId, `/in/${label}/${i}.jpg`, `${label}/${i}.jpg`, `${i}.jpg`, d.type, `${d.type}1`, d.broken ?? null, JSON.stringify(d.brokenRu ?? []), d.verifications === undefined ? null : JSON.stringify(d.verifications), d.match ?? null, d.liveness ?? null, NOW, NOW).lastInsertRowid,
      );
      writer.replace(id, Object.entries(d.fields ?? {}).map(([name, value]) => ({ name, value, confidence: 0.99 })), 0.9, NOW);
      return id;
    });
    return { caseId, docIds };
  })();
}

/** passport + INN + selfie of one consistent person; `p` changes the person, the override maps change printed values. */
function personDocs(p: Partial<MrzPerson> & { innBody?: string } = {}, o: { passport?: Record<string, string>; inn?: Record<string, string>; match?: number; liveness?: number } = {}): DocSpec[] {
  const person: MrzPerson = { surname: 'КУЗНЕЦОВА', name: 'АННА', patronymic: 'ОЛЕГОВНА', series: '4512', number: '654321', birthDate: '03.07.1991', gender: 'Ж', issueDate: '10.08.2012', departmentCode: '770-015', ...p };
  const [MRZ1, MRZ2] = buildPassportMrz(person);
  const body = p.innBody ?? '7701234567';
  return [
    { type: 'PASSPORT', match: o.match ?? 0.98, fields: { LastName: person.surname, FirstName: person.name, MiddleName: person.patronymic, Gender: 'Ж', BirthDate: person.birthDate, Series: person.series, Number: person.number, IssueDate: person.issueDate, IssueId: person.departmentCode.replace('-', ''), IssuedBy: 'ОТДЕЛОМ УФМС РОССИИ ПО Г. МОСКВЕ', MRZ1, MRZ2, ...o.passport } },
    { type: 'INN', fields: { INN: body + innCheckDigits(body), LastName: person.surname, FirstName: person.name, MiddleName: person.patronymic, Gender: 'F', BirthDate: person.birthDate, OGRN: '', KPP: '', ...o.inn } },
    { type: 'SELFIE', liveness: o.liveness ?? 0.97 },
  ];
}

const findingsOf = (db: Db, caseId: number) =>
  db.prepare(`SELECT document_id, field, severity, code, source, fix_value, related_document_id, message_ru, message_en FROM findings WHERE case_id = ? ORDER BY id`).all(caseId) as {
    document_id: number | null; field: string | null; severity: string; code: string; source: string; fix_value: string | null; related_document_id: number | null; message_ru: string; message_en: string;
  }[];
const blocking = (db: Db, caseId: number) => findingsOf(db, caseId).filter((f) => f.severity !== 'info').map((f) => `${f.severity}:${f.code}@${f.field}`).sort();
const verdictOf = (db: Db, caseId: number) => {
  const r = db.prepare('SELECT verdict, verdict_reasons FROM cases WHERE id = ?').get(caseId) as { verdict: string; verdict_reasons: string };
  return { verdict: r.verdict, reasons: JSON.parse(r.verdict_reasons) as string[] };
};

void test('planted errors give exactly the expected findings, counts and verdicts', () => {
  const ctx = makeCtx('planted.db');
  const clean = insertCase(ctx.db, 'clean', personDocs());
  const badInn = insertCase(ctx.db, 'bad-inn', personDocs({ number: '111111', innBody: '5001007322' }, { inn: { INN: '500100772259' } })); // 3 read as 7 (3 read as 8 has two one-key readings: no fix)
  const mrzMismatch = insertCase(ctx.db, 'mrz', personDocs({ number: '222222', innBody: '7701000011' }, { passport: { Number: '222228' } }));
  const before14 = insertCase(ctx.db, 'young', personDocs({ number: '333333', birthDate: '01.06.2005', issueDate: '15.05.2019', series: '4519', innBody: '7701000022' }, {}));
  const lowMatch = insertCase(ctx.db, 'match', personDocs({ number: '444444', innBody: '7701000033' }, { match: 0.93 }));
  const spoof = insertCase(ctx.db, 'spoof', personDocs({ number: '555555', innBody: '7701000044' }, { liveness: 0.4 }));
  for (const c of [clean, badInn, mrzMismatch, before14, lowMatch, spoof]) recomputeCase(ctx, c.caseId);

  assert.deepEqual(blocking(ctx.db, clean.caseId), []);
  assert.deepEqual(verdictOf(ctx.db, clean.caseId), { verdict: 'ok', reasons: [] });
  assert.deepEqual(findingsOf(ctx.db, clean.caseId), [], 'a clean case stores no findings at all');

  assert.deepEqual(blocking(ctx.db, badInn.caseId), ['error:inn.checksum@INN']);
  const innFinding = findingsOf(ctx.db, badInn.caseId).find((f) => f.code === 'inn.checksum')!;
  assert.equal(innFinding.fix_value, '500100732259');
  assert.equal(innFinding.document_id, badInn.docIds[1]);
  assert.equal(innFinding.source, 'local');
  assert.equal(verdictOf(ctx.db, badInn.caseId).verdict, 'review');
  assert.match(verdictOf(ctx.db, badInn.caseId).reasons[0]!, /^ИНН: ИНН 500100772259: контрольная сумма не сходится/);

  assert.deepEqual(blocking(ctx.db, mrzMismatch.caseId), ['error:mrz.mismatch@Number']);
  assert.equal(findingsOf(ctx.db, mrzMismatch.caseId).find((f) => f.code === 'mrz.mismatch')!.fix_value, '222222');

  assert.deepEqual(blocking(ctx.db, before14.caseId), ['error:passport.issued-before-14@IssueDate']);
  assert.equal(verdictOf(ctx.db, before14.caseId).verdict, 'review');

  assert.deepEqual(blocking(ctx.db, lowMatch.caseId), ['error:biometry.match@null']);
  assert.equal(verdictOf(ctx.db, lowMatch.caseId).verdict, 'review');

  assert.deepEqual(blocking(ctx.db, spoof.caseId), ['error:biometry.liveness@null']);
  assert.equal(verdictOf(ctx.db, spoof.caseId).verdict, 'rejected');

  const counts = ctx.db.prepare('SELECT id, error_count, warning_count FROM documents WHERE case_id = ? ORDER BY id').all(badInn.caseId);
  assert.deepEqual(counts, [
    { id: badInn.docIds[0], error_count: 0, warning_count: 0 },
    { id: badInn.docIds[1], error_count: 1, warning_count: 0 },
    { id: badInn.docIds[2], error_count: 0, warning_count: 0 },
  ]);
  ctx.events.flush();
  assert.ok(ctx.changed.some((c) => badInn.docIds.every((id) => c.ids.includes(id))), 'documents:changed carries the case documents');
  ctx.db.close();
});

void test('applying a suggested fix and recomputing makes the finding disappear (no silent application)', async () => {
  const ctx = makeCtx('fix.db');
  const validation = createValidationModule(ctx);
  void validation.start?.();
  const c = insertCase(ctx.db, 'fix', personDocs({ innBody: '1234567890' }, { inn: { INN: '123456789041' } }));
  recomputeCase(ctx, c.caseId);
  const f = findingsOf(ctx.db, c.caseId).find((x) => x.code === 'inn.checksum')!;
  assert.equal(f.fix_value, '123456789047');
  const idOf = () => (ctx.db.prepare(`SELECT id FROM findings WHERE case_id = ? AND code = 'inn.checksum'`).get(c.caseId) as { id: number } | undefined)?.id;
  const findingId = idOf()!;
  // Recompute again without applying: still there (the fix was only suggested), and still the same row, so a fix
  // the clerk has on screen stays applicable.
  recomputeCase(ctx, c.caseId);
  recomputeAll(ctx);
  assert.equal((ctx.db.prepare(`SELECT value FROM fields WHERE document_id = ? AND name = 'INN'`).get(c.docIds[1]) as { value: string }).value, '123456789041');
  assert.deepEqual(blocking(ctx.db, c.caseId), ['error:inn.checksum@INN']);
  assert.equal(idOf(), findingId);
  // The clerk accepts it through the real request: the review module writes the field, and validation recomputes
  // from the stored values on its 'document:edited' signal.
  await createReviewModule(ctx).handlers['documents:apply-fix']!({ findingId });
  assert.equal((ctx.db.prepare(`SELECT value FROM fields WHERE document_id = ? AND name = 'INN'`).get(c.docIds[1]) as { value: string }).value, '123456789047');
  assert.deepEqual(blocking(ctx.db, c.caseId), []);
  assert.equal(verdictOf(ctx.db, c.caseId).verdict, 'ok');
  assert.equal((ctx.db.prepare('SELECT error_count FROM documents WHERE id = ?').get(c.docIds[1]) as { error_count: number }).error_count, 0);
  void validation.stop?.();
  ctx.db.close();
});

void test('duplicate person across cases: a warning on the later case pointing at the earlier record', () => {
  const ctx = makeCtx('dup.db');
  const first = insertCase(ctx.db, 'Кузнецова А.О. (март)', personDocs());
  const second = insertCase(ctx.db, 'Кузнецова А.О. (май)', personDocs());
  const other = insertCase(ctx.db, 'Другой', personDocs({ number: '999999', innBody: '7701999999' }));
  for (const c of [first, second, other]) recomputeCase(ctx, c.caseId);
  assert.deepEqual(blocking(ctx.db, first.caseId), []);
  assert.deepEqual(blocking(ctx.db, other.caseId), []);
  const dups = findingsOf(ctx.db, second.caseId).filter((f) => f.code.startsWith('duplicate.'));
  assert.deepEqual(dups.map((f) => [f.code, f.severity, f.document_id, f.related_document_id]), [
    ['duplicate.passport', 'warning', second.docIds[0], first.docIds[0]],
    ['duplicate.inn', 'warning', second.docIds[1], first.docIds[1]],
  ]);
  assert.match(dups[0]!.message_ru, /Кузнецова А\.О\. \(март\)/);
  assert.equal(verdictOf(ctx.db, second.caseId).verdict, 'review');
  // recomputeAll (in-memory duplicate index) agrees with the per-case SQL lookups.
  const before = [first, second, other].map((c) => findingsOf(ctx.db, c.caseId).map((f) => [f.code, f.field, f.document_id, f.related_document_id, f.fix_value]));
  const r = recomputeAll(ctx);
  assert.deepEqual(r.cases, 3);
  assert.deepEqual([first, second, other].map((c) => findingsOf(ctx.db, c.caseId).map((f) => [f.code, f.field, f.document_id, f.related_document_id, f.fix_value])), before);
  ctx.db.close();
});

void test('API verifications and broken flags become findings with source api', () => {
  const ctx = makeCtx('api.db');
  const docs = personDocs();
  docs[0] = { ...docs[0]!, broken: 1, brokenRu: ['Некачественное изображение'], verifications: { status: 1, status_text: 'not_ok', checks: { verify_passport: [{ status: 1, key: 'series_okato', title: 'Серия не соответствует коду подразделения' }] }, bad_fields: ['Series'] } };
  const c = insertCase(ctx.db, 'api', docs);
  recomputeCase(ctx, c.caseId);
  const api = findingsOf(ctx.db, c.caseId).filter((f) => f.source === 'api');
  assert.deepEqual(api.map((f) => `${f.severity}:${f.code}@${f.field}`), ['error:api.broken@null', 'error:api.check.series_okato@Series', 'warning:api.bad-field@Series']);
  assert.equal(verdictOf(ctx.db, c.caseId).verdict, 'review');
  assert.ok(verdictOf(ctx.db, c.caseId).reasons.some((r) => r.includes('Некачественное изображение')));
  ctx.db.close();
});

void test('module wiring: case:finished (done) and document:edited recompute; a threshold change recomputes all', async () => {
  const ctx = makeCtx('wiring.db');
  const mod = createValidationModule(ctx);
  void mod.start?.();
  const c = insertCase(ctx.db, 'wired', personDocs({}, { match: 0.93 }));
  ctx.signals.emit('case:finished', { caseId: c.caseId, state: 'failed' });
  assert.equal(findingsOf(ctx.db, c.caseId).length, 0, 'only done cases are validated');
  ctx.signals.emit('case:finished', { caseId: c.caseId, state: 'done' });
  assert.deepEqual(blocking(ctx.db, c.caseId), ['error:biometry.match@null']);
  // A clerk's edit through the real request (the review module emits 'document:edited').
  await createReviewModule(ctx).handlers['documents:set-field']!({ id: c.docIds[1]!, field: 'LastName', value: 'КУЗНЕЦОВ' });
  assert.deepEqual(blocking(ctx.db, c.caseId), ['error:biometry.match@null', 'error:cross.name@LastName']);
  // The signal without a case id (the module looks the case up) recomputes the same result.
  ctx.signals.emit('document:edited', { documentId: c.docIds[1]!, caseId: null, field: 'LastName' });
  assert.deepEqual(blocking(ctx.db, c.caseId), ['error:biometry.match@null', 'error:cross.name@LastName']);
  ctx.settings.set({ matchThreshold: 0.9 }); // recomputes in the background
  await mod.recomputed();
  assert.deepEqual(blocking(ctx.db, c.caseId), ['error:cross.name@LastName']);
  await mod.stop?.();
  ctx.settings.set({ matchThreshold: 0.99 });
  await mod.recomputed();
  assert.deepEqual(blocking(ctx.db, c.caseId), ['error:cross.name@LastName'], 'no recompute after stop');
  ctx.db.close();
});

void test('F4 on a finding without a provable fix writes nothing: the stored finding has no fix value and apply-fix refuses', async () => {
  const ctx = makeCtx('nofix.db');
  const validation = createValidationModule(ctx);
  void validation.start?.();
  const base = personDocs({ number: '127456', innBody: '7701000055' });
  const printed = base[0]!.fields!;
  const mrz2 = printed.MRZ2!;
  // The MRZ's sex flipped (no check digit covers it), and its number digits 2 and 7 swapped (every check digit still passes).
  const misread = mrz2.slice(0, 4) + mrz2[5] + mrz2[4] + mrz2.slice(6, 20) + (mrz2[20] === 'F' ? 'M' : 'F') + mrz2.slice(21);
  base[0] = { ...base[0]!, fields: { ...printed, MRZ2: misread } };
  const c = insertCase(ctx.db, 'nofix', base);
  recomputeCase(ctx, c.caseId);
  const rows = findingsOf(ctx.db, c.caseId).filter((f) => f.code === 'mrz.mismatch');
  assert.deepEqual(rows.map((f) => [f.field, f.severity, f.fix_value]).sort(), [['Gender', 'warning', null], ['Number', 'error', null]]);
  const review = createReviewModule(ctx);
  for (const f of rows) {
    const id = (ctx.db.prepare(`SELECT id FROM findings WHERE case_id = ? AND code = 'mrz.mismatch' AND field = ?`).get(c.caseId, f.field) as { id: number }).id;
    await assert.rejects(async () => review.handlers['documents:apply-fix']!({ findingId: id }), (e: Error & { code?: string }) => e.code === 'no-fix');
  }
  const values = ctx.db.prepare(`SELECT name, value, state FROM fields WHERE document_id = ? AND name IN ('Number', 'Gender') ORDER BY name`).all(c.docIds[0]);
  assert.deepEqual(values, [{ name: 'Gender', value: 'Ж', state: 'pending' }, { name: 'Number', value: '127456', state: 'pending' }]);
  assert.equal((ctx.db.prepare(`SELECT COUNT(*) AS n FROM audit_events`).get() as { n: number }).n, 0, 'no rule-fix in the audit trail');
  void validation.stop?.();
  ctx.db.close();
});
