// Review grid queries on a real SQLite file: list/sort/filter/search/counts/paging against an independent
// computation over the full row set, next-attention order, cases:list, the allowlist, and the query plan.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QUICK_FILTERS, type DocumentRow, type QuickFilter } from '../../shared/api/documents.ts';
import type { ArgsOf } from '../../shared/api.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { buildDocumentWhere, buildOrderBy, INDEXED_FIELD_SORTS } from '../../main/engine/review/query.ts';
import { hiddenInGridByDefault, INN_FIELDS, PASSPORT_FIELDS } from '../../shared/fields.ts';
import { seedDocuments, seedLifecycle } from '../helpers/seed.ts';
import { createDocumentFieldsWriter } from '../../main/engine/store/document-fields.ts';


const THRESHOLD = 0.9;
const FAILED = new Set(['failed', 'rejected', 'uncertain']);
/** The quick filters' meaning, written independently of the SQL. */
function matches(quick: QuickFilter, r: DocumentRow): boolean {
  const low = r.minConfidence !== null && r.minConfidence < THRESHOLD;
  switch (quick) {
    case 'all': return true;
    case 'needs-review': return r.review === 'pending' && (low || r.errorCount > 0 || r.warningCount > 0 || r.broken === true || FAILED.has(r.status));
    case 'low-confidence': return low;
    case 'has-errors': return r.errorCount > 0;
    case 'failed': return FAILED.has(r.status);
    case 'duplicates': return r.status === 'duplicate' || r.duplicateOf !== null;
    case 'verified': return r.review === 'verified';
    case 'postponed': return r.review === 'postponed';
    case 'clerk-rejected': return r.review === 'rejected';
    case 'exported': return r.exportedAt !== null;
  }
}

void describe('review queries', () => {
  let tmp: string;
  let engine: Engine;
  let all: DocumentRow[];
  const list = async (q: Partial<ArgsOf<'documents:list'>>) => (await engine.request('documents:list', { offset: 0, limit: 1000, ...q } as ArgsOf<'documents:list'>));

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-review-q-'));
    engine = await createEngine({ dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger, settingsOverrides: { confidenceThreshold: THRESHOLD } });
    const db = engine.ctx.db;
    seedDocuments(db, { count: 300, seed: 5, lowConfidenceShare: 0.05 });
    // Variety the other modules would produce: failures, duplicates, findings counts, review states, exports.
    seedLifecycle(db, () => db.exec(`
      UPDATE documents SET status = 'failed', status_reason = 'Сервис вернул ошибку' WHERE id % 17 = 0;
      UPDATE documents SET status = 'duplicate', duplicate_of = 1 WHERE id % 23 = 0 AND id > 1;
      UPDATE documents SET error_count = 2 WHERE id % 11 = 0;
      UPDATE documents SET warning_count = 1 WHERE id % 13 = 0;
      UPDATE documents SET broken = 1 WHERE id % 29 = 0;
      UPDATE documents SET review_state = 'verified' WHERE id % 7 = 0;
      UPDATE documents SET review_state = 'postponed' WHERE id % 19 = 0;
      UPDATE documents SET review_state = 'rejected', review_reason = 'Нечитаемый скан' WHERE id % 31 = 0;
      UPDATE document_exports SET exported_at = 1 WHERE document_id % 5 = 0;
    `));
    all = (await list({})).rows;
  });
  after(async () => {
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('lists rows newest first with fields, confidence, case label and total', async () => {
    const first = await list({ limit: 10 });
    assert.equal(first.total, 300);
    assert.deepEqual(first.rows.map((r) => r.id), Array.from({ length: 10 }, (_, i) => 300 - i));
    const passport = all.find((r) => r.type === 'PASSPORT')!;
    assert.match(passport.caseLabel, /#\d+$/);
    assert.equal(typeof passport.fields.LastName?.v, 'string');
    assert.ok(passport.fields.LastName!.c! > 0 && passport.fields.LastName!.c! <= 1);
    assert.equal(passport.fields.LastName!.s, 'pending');
    assert.ok(passport.matchScore !== null);
  });

  void it('pages consistently: concatenated pages equal the full order', async () => {
    const pages: number[] = [];
    for (let offset = 0; offset < 300; offset += 70) pages.push(...(await list({ offset, limit: 70 })).rows.map((r) => r.id));
    assert.deepEqual(pages, all.map((r) => r.id));
  });

  void it('sorts by a field value and by fixed columns, id breaking ties', async () => {
    const { rows } = await list({ sort: [{ key: 'field:LastName', dir: 'asc' }], filter: { quick: 'all', types: ['PASSPORT'] } });
    assert.equal(rows.length, 100);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!.fields.LastName!.v!;
      const b = rows[i]!.fields.LastName!.v!;
      assert.ok(a < b || (a === b && rows[i - 1]!.id < rows[i]!.id), `${a} before ${b}`);
    }
    const byConf = (await list({ sort: [{ key: 'minConfidence', dir: 'desc' }] })).rows;
    for (let i = 1; i < byConf.length; i++) assert.ok((byConf[i - 1]!.minConfidence ?? -1) >= (byConf[i]!.minConfidence ?? -1));
  });

  void it('ignores sort keys outside the allowlist (no SQL from the caller)', async () => {
    const evil = await list({ sort: [{ key: 'id; DROP TABLE documents', dir: 'asc' }, { key: "field:x') --", dir: 'asc' }] });
    assert.equal(evil.total, 300);
    assert.deepEqual(buildOrderBy([{ key: 'status desc, (select 1)', dir: 'asc' }]), { sql: 'id DESC', params: [] });
    assert.deepEqual(buildOrderBy([{ key: 'field:LastName', dir: 'desc' }]), { sql: "json_extract(values_json, '$.LastName') DESC, id DESC", params: [] });
    assert.deepEqual(buildOrderBy([{ key: "field:LastName') --", dir: 'asc' }, { key: 'field:NotAField', dir: 'asc' }]), { sql: 'id DESC', params: [] });
    // Keys an object inherits are not columns either (a lookup by key must not find Object.prototype members).
    const inherited = ['constructor', '__proto__', 'toString'].map((key) => ({ key, dir: 'asc' as const }));
    assert.deepEqual(buildOrderBy(inherited), { sql: 'id DESC', params: [] });
    assert.equal((await list({ sort: inherited })).total, 300);
    const cases = (await engine.request('cases:list', { sort: inherited, filter: {}, limit: 5, offset: 0 }));
    assert.ok(cases.total > 0);
  });

  void it('each quick filter returns exactly the matching rows, and counts agree', async () => {
    const counts = (await engine.request('documents:counts', {}));
    for (const quick of QUICK_FILTERS) {
      const expected = all.filter((r) => matches(quick, r)).map((r) => r.id);
      const got = await list({ filter: { quick } });
      assert.deepEqual(got.rows.map((r) => r.id), expected, quick);
      assert.equal(got.total, expected.length, quick);
      assert.equal(counts[quick], expected.length, `count ${quick}`);
      if (quick !== 'all') assert.ok(expected.length > 0 && expected.length < 300, `fixture exercises ${quick}`);
    }
    const innCounts = (await engine.request('documents:counts', { filter: { quick: 'all', types: ['INN'] } }));
    assert.equal(innCounts['has-errors'], all.filter((r) => r.type === 'INN' && r.errorCount > 0).length);
  });

  void it('combines type/review/case filters', async () => {
    const got = await list({ filter: { quick: 'needs-review', types: ['INN'], review: ['pending'] } });
    assert.deepEqual(got.rows.map((r) => r.id), all.filter((r) => r.type === 'INN' && matches('needs-review', r)).map((r) => r.id));
    const caseId = all[0]!.caseId!;
    assert.deepEqual((await list({ filter: { quick: 'all', caseId } })).rows.map((r) => r.id), all.filter((r) => r.caseId === caseId).map((r) => r.id));
  });

  void it('searches file names, labels and values case-insensitively, wildcards literal', async () => {
    const surname = all.find((r) => r.type === 'PASSPORT')!.fields.LastName!.v!;
    const needle = surname.slice(0, 5).toLowerCase();
    const got = await list({ filter: { quick: 'all', search: needle.toUpperCase() } });
    const expected = all.filter((r) =>
      [r.fileName, r.caseLabel, ...Object.values(r.fields).map((c) => c.v ?? '')].some((s) => s.toLowerCase().includes(needle)),
    );
    assert.ok(expected.length > 0);
    assert.deepEqual(got.rows.map((r) => r.id), expected.map((r) => r.id));
    assert.equal((await list({ filter: { quick: 'all', search: '%' } })).total, 0);
    assert.equal((await list({ filter: { quick: 'all', search: '_' } })).total, 0);
  });

  void it('a search with each quick filter, alone or with a type, lists and counts exactly the matching rows', async () => {
    // A search alone goes through the search index ([Note: a rare search goes through the search index]); with a type
    // it does not: both must agree with the independent reading of the rows.
    const surname = all.find((r) => r.type === 'PASSPORT')!.fields.LastName!.v!;
    const needle = surname.slice(0, 3).toLowerCase();
    const found = (r: DocumentRow) => [r.fileName, r.caseLabel, ...Object.values(r.fields).map((c) => c.v ?? '')].some((s) => s.toLowerCase().includes(needle));
    for (const types of [undefined, ['PASSPORT' as const]]) {
      const filter = { search: needle, ...(types ? { types } : {}) };
      const counts = await engine.request('documents:counts', { filter: { quick: 'all', ...filter } });
      for (const quick of QUICK_FILTERS) {
        const expected = all.filter((r) => found(r) && (!types || types.includes(r.type as 'PASSPORT')) && matches(quick, r)).map((r) => r.id);
        const got = await list({ filter: { quick, ...filter }, limit: 500 });
        assert.deepEqual(got.rows.map((r) => r.id), expected, `${quick} ${types ?? ''}`);
        assert.equal(got.total, expected.length, `${quick} ${types ?? ''}`);
        assert.equal(counts[quick], expected.length, `count ${quick} ${types ?? ''}`);
      }
    }
  });

  void it('finds a printed code in either spelling: «770-001» finds a stored 770001 and «770001» a stored 770-001', async () => {
    const db = engine.ctx.db;
    const [bareId, dashedId] = all.filter((r) => r.type === 'PASSPORT').slice(0, 2).map((r) => r.id) as [number, number];
    const setIssueId = (id: number, value: string) => {
      db.prepare(`UPDATE fields SET value = ? WHERE document_id = ? AND name = 'IssueId'`).run(value, id);
      createDocumentFieldsWriter(db).refresh(id, THRESHOLD, 1);
    };
    setIssueId(bareId, '987654');
    setIssueId(dashedId, '987-655');
    const ids = async (search: string) => (await list({ filter: { quick: 'all', search } })).rows.map((r) => r.id);
    assert.deepEqual(await ids('987-654'), [bareId]);
    assert.deepEqual(await ids('987\u2010654'), [bareId]); // a typographic hyphen, as pasted from a PDF
    assert.deepEqual(await ids('987655'), [dashedId]);
    assert.deepEqual(await ids('987-655'), [dashedId]);
    assert.deepEqual((await ids('98765')).sort((a, b) => a - b), [bareId, dashedId].sort((a, b) => a - b));
  });

  void it('next-attention walks pending documents needing attention in list order (any sort, NULLs included)', async () => {
    const sorts: ArgsOf<'documents:list'>['sort'][] = [
      [],
      [{ key: 'field:LastName', dir: 'asc' }], // selfies have no LastName: NULLs first
      [{ key: 'field:LastName', dir: 'desc' }, { key: 'type', dir: 'asc' }], // NULLs last, then a second key
      [{ key: 'minConfidence', dir: 'asc' }, { key: 'status', dir: 'desc' }],
    ];
    for (const sort of sorts) {
      const ordered = (await list({ sort })).rows;
      // Only recognised documents have data to review: a failed or duplicate row needs attention in the grid, not in the walk.
      const walkable = (r: DocumentRow) => matches('needs-review', r) && r.status === 'recognised';
      const expected = ordered.filter(walkable).map((r) => r.id);
      assert.ok(ordered.some((r) => matches('needs-review', r) && r.status !== 'recognised'), 'the seed has failed rows needing attention');
      const walked: number[] = [];
      let afterId: number | undefined;
      for (;;) {
        const { id } = (await engine.request('documents:next-attention', { sort, ...(afterId === undefined ? {} : { afterId }) }));
        if (id === null) break;
        walked.push(id);
        afterId = id;
      }
      assert.deepEqual(walked, expected, JSON.stringify(sort));
      // Starting after a document that does not itself need attention continues from its position.
      const quietIndex = ordered.findIndex((r, i) => i > 10 && !matches('needs-review', r));
      const nextExpected = ordered.slice(quietIndex + 1).find(walkable)?.id ?? null;
      const next = (await engine.request('documents:next-attention', { sort, afterId: ordered[quietIndex]!.id }));
      assert.equal(next.id, nextExpected, `after a quiet row, ${JSON.stringify(sort)}`);
    }
  });

  void it('cases:list gives one row per person with passport and INN. fields side by side', async () => {
    const res = (await engine.request('cases:list', { offset: 0, limit: 1000 }));
    assert.equal(res.total, 100);
    const c = res.rows.find((r) => r.documents.length === 3)!;
    assert.deepEqual(c.documents.map((d) => d.type).sort(), ['INN', 'PASSPORT', 'SELFIE']);
    assert.equal(c.fields.LastName?.v, c.fields['INN.LastName']?.v);
    assert.match(c.fields['INN.INN']?.v ?? '', /^\d{12}$/);
    assert.ok(c.matchScore !== null && c.livenessScore !== null);
    // The case shows its latest export (fixture: documents with id % 5 = 0 are exported at 1).
    const exportedIds = new Set(all.filter((r) => r.exportedAt !== null).map((r) => r.id));
    const exported = res.rows.find((r) => r.documents.some((d) => exportedIds.has(d.id)))!;
    assert.equal(exported.exportedAt, 1);
    assert.ok(res.rows.some((r) => r.exportedAt === null));
  });

  void it('type and folder facets count each option over the rest of the filter (quick filter included)', async () => {
    const db = engine.ctx.db;
    // A second folder so the folder facet has more than one option.
    const other = Number(db.prepare(`INSERT INTO folders(path, default_type, created_at) VALUES ('/seed/Другая', 'PASSPORT', 1)`).run().lastInsertRowid);
    db.prepare('UPDATE documents SET folder_id = ? WHERE id % 4 = 0').run(other);
    try {
      const rows = (await list({})).rows;
      const filters: { quick: QuickFilter; types?: ['INN']; folderId?: number }[] = [{ quick: 'all' }, { quick: 'low-confidence', types: ['INN'] }, { quick: 'clerk-rejected', folderId: other }];
      for (const filter of filters) {
        const f = await engine.request('documents:facets', { filter }) as { types: Record<string, number>; folders: { folderId: number; count: number }[] };
        const inQuick = rows.filter((r) => matches(filter.quick, r));
        for (const type of ['PASSPORT', 'INN', 'SELFIE']) {
          const expected = inQuick.filter((r) => r.type === type && (!filter.folderId || r.folderId === filter.folderId)).length;
          assert.equal(f.types[type], expected, `${JSON.stringify(filter)} ${type}`);
        }
        const folderIds = [...new Set(rows.map((r) => r.folderId))];
        for (const folderId of folderIds) {
          const expected = inQuick.filter((r) => r.folderId === folderId && (!filter.types || filter.types.includes(r.type as 'INN'))).length;
          assert.equal(f.folders.find((x) => x.folderId === folderId)?.count ?? 0, expected, `${JSON.stringify(filter)} folder ${folderId}`);
        }
      }
    } finally {
      db.prepare('UPDATE documents SET folder_id = (SELECT min(id) FROM folders) WHERE folder_id = ?').run(other);
      db.prepare('DELETE FROM folders WHERE id = ?').run(other);
    }
  });

  void it('grid cells carry their findings (worst first, both languages, source) only where a field has any', async () => {
    const db = engine.ctx.db;
    const doc = all.find((r) => r.type === 'PASSPORT' && r.caseId !== null)!;
    const ins = db.prepare(`INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`);
    const added = [
      ins.run(doc.caseId, doc.id, 'IssueId', 'warning', 't.warn', 'Код подразделения не найден в справочнике', 'Department code not in the directory', 'local'),
      ins.run(doc.caseId, doc.id, 'IssueId', 'error', 't.err', 'Код подразделения должен быть вида 000-000', 'Department code must look like 000-000', 'api'),
    ].map((r) => Number(r.lastInsertRowid));
    try {
      const row = (await list({ filter: { quick: 'all', caseId: doc.caseId! } })).rows.find((r) => r.id === doc.id)!;
      assert.equal(row.fields.IssueId?.f, 'error');
      assert.deepEqual(row.fields.IssueId?.m, [
        { sev: 'error', src: 'api', ru: 'Код подразделения должен быть вида 000-000', en: 'Department code must look like 000-000' },
        { sev: 'warning', src: 'local', ru: 'Код подразделения не найден в справочнике', en: 'Department code not in the directory' },
      ]);
      assert.equal('m' in row.fields.LastName!, false, 'fields without findings carry no message list');
    } finally {
      db.prepare('DELETE FROM findings WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(added));
    }
  });

  void it('a document\'s history includes its case\'s actions and the exports that included it', async () => {
    const db = engine.ctx.db;
    const doc = all.find((r) => r.type === 'INN' && r.caseId !== null)!;
    db.prepare(`INSERT INTO audit_events(at, actor, case_id, action, source) VALUES (10, 'clerk1', ?, 'reprocess', 'clerk')`).run(doc.caseId);
    db.prepare(`INSERT INTO audit_events(at, actor, case_id, document_id, field, action, old_value, new_value, source) VALUES (20, 'clerk1', ?, ?, 'INN', 'set-field', 'a', 'b', 'clerk')`).run(doc.caseId, doc.id);
    const exportId = Number(db.prepare(`INSERT INTO exports(at, actor, format, options, file_path, state) VALUES (30, 'clerk2', 'xlsx', '{}', '/tmp/x.xlsx', 'done')`).run().lastInsertRowid);
    db.prepare('INSERT INTO export_documents(export_id, document_id) VALUES (?, ?)').run(exportId, doc.id);
    const d = (await engine.request('documents:get', { id: doc.id }));
    assert.deepEqual(d.history.map((h) => [h.action, h.actor, h.at, h.newValue]), [['export', 'clerk2', 30, 'xlsx'], ['set-field', 'clerk1', 20, 'b'], ['reprocess', 'clerk1', 10, null]]);
  });

  void it('the hot query (default sort + quick filter, first page) is served by an index without a sort step', () => {
    const db = engine.ctx.db;
    db.exec('ANALYZE');
    for (const quick of ['needs-review', 'verified', 'all'] as const) {
      const where = buildDocumentWhere({ quick }, { confidenceThreshold: THRESHOLD });
      const order = buildOrderBy([]);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM documents WHERE ${where.sql} ORDER BY ${order.sql} LIMIT 100`).all(...where.params, ...order.params) as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ');
      assert.doesNotMatch(plan, /TEMP B-TREE/, `${quick}: ${plan}`);
      if (quick !== 'all') assert.match(plan, /USING (COVERING )?INDEX documents_review/, `${quick}: ${plan}`);
    }
    // Rare-row filters use their partial indexes (the WHERE text must match db/schema.ts) or the narrow marks table.
    for (const [quick, index] of [['has-errors', 'INDEX documents_has_errors'], ['exported', 'document_exports'], ['duplicates', 'INDEX documents_duplicates']] as const) {
      const where = buildDocumentWhere({ quick }, { confidenceThreshold: THRESHOLD });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM documents WHERE ${where.sql} ORDER BY id DESC LIMIT 100`).all(...where.params) as { detail: string }[]).map((p) => p.detail).join(' | ');
      assert.match(plan, new RegExp(index), `${quick}: ${plan}`);
      assert.doesNotMatch(plan, /SCAN documents(?! USING)|TEMP B-TREE/, `${quick}: ${plan}`);
    }
    // A search's total reads search_text from its own index, not from every row ([Note: search text in an index of
    // its own]); its first page still walks the rows in id order and stops at the 100th match.
    const search = buildDocumentWhere({ quick: 'all', search: 'иван 4512' }, { confidenceThreshold: THRESHOLD });
    const countPlan = (db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) AS n FROM documents WHERE ${search.sql}`).all(...search.params) as { detail: string }[]).map((p) => p.detail).join(' | ');
    assert.match(countPlan, /COVERING INDEX documents_search/, countPlan);
    const pagePlan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM documents WHERE ${search.sql} ORDER BY ${buildOrderBy([]).sql} LIMIT 100`).all(...search.params) as { detail: string }[]).map((p) => p.detail).join(' | ');
    assert.doesNotMatch(pagePlan, /TEMP B-TREE|documents_search/, pagePlan);
    // Sorting the whole grid by surname (either direction) walks the expression index.
    for (const dir of ['asc', 'desc'] as const) {
      const order = buildOrderBy([{ key: 'field:LastName', dir }]);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM documents ORDER BY ${order.sql} LIMIT 100`).all() as { detail: string }[]).map((p) => p.detail).join(' | ');
      assert.match(plan, /INDEX documents_sort_lastname/, plan);
      assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
    }
    // Every column the grid shows by default sorts through an index in both directions, except errorCount (validation
    // rewrites it on every run; the has-errors filter is the clerk's way there) and exportedAt
    // (it lives in document_exports). The field list comes from the grid's own default-visibility rule.
    const shownFields = [...PASSPORT_FIELDS, ...INN_FIELDS].filter((f) => !hiddenInGridByDefault(f));
    assert.deepEqual([...new Set(shownFields)].sort(), [...INDEXED_FIELD_SORTS].sort());
    for (const key of ['fileName', 'type', 'status', 'review', 'minConfidence', 'createdAt', ...shownFields.map((f) => `field:${f}`)]) {
      for (const dir of ['asc', 'desc'] as const) {
        const order = buildOrderBy([{ key, dir }]);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM documents ORDER BY ${order.sql} LIMIT 100`).all() as { detail: string }[]).map((p) => p.detail).join(' | ');
        assert.doesNotMatch(plan, /TEMP B-TREE/, `${key} ${dir}: ${plan}`);
      }
    }
  });

  void it('dates sort chronologically, not by day of the month', () => {
    const db = engine.ctx.db;
    const ids = (db.prepare(`SELECT id FROM documents WHERE doc_type = 'PASSPORT' ORDER BY id LIMIT 3`).all() as { id: number }[]).map((r) => r.id);
    const dates = ['01.12.1990', '31.01.1985', '15.06.1990'];
    ids.forEach((id, i) => db.prepare(`UPDATE documents SET values_json = json_set(values_json, '$.BirthDate', ?) WHERE id = ?`).run(dates[i], id));
    const order = buildOrderBy([{ key: 'field:BirthDate', dir: 'asc' }]);
    const sorted = (db.prepare(`SELECT id FROM documents WHERE id IN (?, ?, ?) ORDER BY ${order.sql}`).all(...ids) as { id: number }[]).map((r) => r.id);
    assert.deepEqual(sorted, [ids[1], ids[2], ids[0]]); // 1985-01-31, 1990-06-15, 1990-12-01
  });
});
