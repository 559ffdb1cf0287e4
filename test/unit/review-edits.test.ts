// Clerk verification actions on a real SQLite file: value edits with audit (old/new/actor/source), undo
// back to the recognised value, accept, rule fixes, confirm/postpone/reject, grid columns refreshed, events.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DocumentDetail } from '../../shared/api/documents.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { seedDocuments } from '../helpers/seed.ts';

void describe('review edits', () => {
  let tmp: string;
  let engine: Engine;
  const changed: number[] = [];
  const get = async (id: number) => (await engine.request('documents:get', { id }));
  const field = (d: DocumentDetail, name: string) => d.fields.find((f) => f.name === name)!;
  const auditRows = (id: number) =>
    engine.ctx.db.prepare('SELECT actor, field, action, old_value, new_value, source, case_id FROM audit_events WHERE document_id = ? ORDER BY id').all(id) as {
      actor: string; field: string | null; action: string; old_value: string | null; new_value: string | null; source: string; case_id: number | null;
    }[];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-review-e-'));
    engine = await createEngine({ dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    seedDocuments(engine.ctx.db, { count: 30, seed: 9, folderPath: path.join(tmp, 'in') });
    engine.ctx.events.subscribe((name, payload) => {
      if (name === 'documents:changed') changed.push(...(payload as { ids: number[] }).ids);
    });
  });
  after(async () => {
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('set-field replaces the value, keeps the recognised one, audits and refreshes the grid columns', async () => {
    const before = field(await get(1), 'LastName');
    const d = (await engine.request('documents:set-field', { id: 1, field: 'LastName', value: 'ЗАЙЦЕВ' }));
    assert.deepEqual(field(d, 'LastName'), { ...before, value: 'ЗАЙЦЕВ', state: 'corrected' });
    assert.equal(d.row.fields.LastName?.v, 'ЗАЙЦЕВ');
    const a = auditRows(1).at(-1)!;
    assert.deepEqual(a, { actor: engine.ctx.actor, field: 'LastName', action: 'set-field', old_value: before.value, new_value: 'ЗАЙЦЕВ', source: 'clerk', case_id: d.row.caseId });
    assert.equal(d.history[0]?.newValue, 'ЗАЙЦЕВ');
    const found = (await engine.request('documents:list', { offset: 0, limit: 10, filter: { quick: 'all', search: 'зайцев' } }));
    assert.deepEqual(found.rows.map((r) => r.id), [1]);
    engine.ctx.events.flush();
    assert.ok(changed.includes(1) && changed.includes(2), 'the whole case is marked changed');
  });

  void it('undo-field steps back through edits to the recognised value', async () => {
    const recognised = field(await get(1), 'LastName').recognised;
    await engine.request('documents:set-field', { id: 1, field: 'LastName', value: 'ЗАЙЦЕВА' });
    let d = (await engine.request('documents:undo-field', { id: 1, field: 'LastName' }));
    assert.deepEqual([field(d, 'LastName').value, field(d, 'LastName').state], ['ЗАЙЦЕВ', 'corrected']);
    d = (await engine.request('documents:undo-field', { id: 1, field: 'LastName' }));
    assert.deepEqual([field(d, 'LastName').value, field(d, 'LastName').state], [recognised, 'pending']);
    d = (await engine.request('documents:undo-field', { id: 1, field: 'LastName' }));
    assert.equal(field(d, 'LastName').value, recognised, 'nothing left to undo');
    const undos = auditRows(1).filter((a) => a.action === 'undo');
    assert.deepEqual(undos.map((u) => [u.old_value, u.new_value, u.source]), [['ЗАЙЦЕВА', 'ЗАЙЦЕВ', 'undo'], ['ЗАЙЦЕВ', recognised, 'undo']]);
  });

  void it('accept-field marks a field accepted without changing it', async () => {
    const d = (await engine.request('documents:accept-field', { id: 1, field: 'FirstName' }));
    assert.equal(field(d, 'FirstName').state, 'accepted');
    assert.equal(field(d, 'FirstName').value, field(d, 'FirstName').recognised);
    assert.equal(auditRows(1).at(-1)!.action, 'accept-field');
  });

  void it('apply-fix writes the finding fix value with source rule-fix', async () => {
    const db = engine.ctx.db;
    const caseId = (await get(1)).row.caseId!;
    const findingId = Number(
      db.prepare(
        `INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, fix_value, fix_note_ru, fix_note_en, created_at)
         VALUES (?, 1, 'Series', 'error', 'passport.series.format', 'Серия', 'Series', 'local', '4501', 'замена', 'replace', 0)`,
      ).run(caseId).lastInsertRowid,
    );
    const d = (await engine.request('documents:apply-fix', { findingId }));
    assert.deepEqual([field(d, 'Series').value, field(d, 'Series').state], ['4501', 'corrected']);
    const a = auditRows(1).at(-1)!;
    assert.deepEqual([a.action, a.source, a.new_value], ['rule-fix', 'rule-fix', '4501']);
    const noFix = await engine.call('documents:apply-fix', { findingId: 999_999 });
    assert.equal(noFix.ok ? 'ok' : noFix.error.code, 'no-fix');
  });

  void it('undo-document restores every field and the review state', async () => {
    await engine.request('documents:set-field', { id: 4, field: 'FirstName', value: 'ОЛЕГ' });
    await engine.request('documents:postpone', { id: 4 });
    const d = (await engine.request('documents:undo-document', { id: 4 }));
    assert.ok(d.fields.every((f) => f.value === f.recognised && f.state === 'pending'));
    assert.equal(d.row.review, 'pending');
    // A later undo-field does not resurrect edits made before the whole-document undo.
    const again = (await engine.request('documents:undo-field', { id: 4, field: 'FirstName' }));
    assert.equal(field(again, 'FirstName').value, field(again, 'FirstName').recognised);
  });

  void it('confirm verifies the document, accepts pending fields, and counts follow', async () => {
    const countsBefore = (await engine.request('documents:counts', {}));
    const d = (await engine.request('documents:confirm', { id: 7 }));
    assert.equal(d.row.review, 'verified');
    assert.ok(d.fields.every((f) => f.state !== 'pending'));
    const row = engine.ctx.db.prepare('SELECT reviewed_by, reviewed_at FROM documents WHERE id = 7').get() as { reviewed_by: string; reviewed_at: number };
    assert.equal(row.reviewed_by, engine.ctx.actor);
    assert.ok(row.reviewed_at > 0);
    const countsAfter = (await engine.request('documents:counts', {}));
    assert.equal(countsAfter.verified, countsBefore.verified + 1);
  });

  void it('postpone and reject (reason required) set the review state', async () => {
    assert.equal(((await engine.request('documents:postpone', { id: 10 }))).row.review, 'postponed');
    const empty = await engine.call('documents:reject', { id: 10, reason: '' });
    assert.equal(empty.ok ? 'ok' : empty.error.code, 'invalid-args');
    const blank = await engine.call('documents:reject', { id: 10, reason: '   ' });
    assert.equal(blank.ok ? 'ok' : blank.error.code, 'reason-required');
    assert.equal(((await engine.request('documents:reject', { id: 10, reason: 'Нечитаемый скан' }))).row.review, 'rejected');
    assert.equal((engine.ctx.db.prepare('SELECT review_reason FROM documents WHERE id = 10').get() as { review_reason: string }).review_reason, 'Нечитаемый скан');
  });

  void it('refuses unknown documents and fields with clear errors', async () => {
    const r1 = await engine.call('documents:set-field', { id: 99_999, field: 'LastName', value: 'x' });
    assert.equal(r1.ok ? 'ok' : r1.error.code, 'not-found');
    const r2 = await engine.call('documents:set-field', { id: 1, field: 'NoSuchField', value: 'x' });
    assert.equal(r2.ok ? 'ok' : r2.error.messageRu, 'У документа нет поля «NoSuchField»');
  });

  void it('stats count corrections per field and verified documents', async () => {
    const s = (await engine.request('stats:get', { days: 60 }));
    const corr = Object.fromEntries(s.correctionsPerField.map((c) => [c.field, c.count]));
    assert.deepEqual(corr, { LastName: 2, Series: 1, FirstName: 1 });
    assert.equal(s.perDay.reduce((n, d) => n + d.verified, 0), 1);
    assert.equal(s.perDay.reduce((n, d) => n + d.recognised, 0), 30);
    const completedDays = new Set(
      (engine.ctx.db.prepare(`SELECT strftime('%Y-%m-%d', completed_at / 1000, 'unixepoch', 'localtime') AS d FROM cases`).all() as { d: string }[]).map((r) => r.d),
    );
    assert.ok(s.perDay.filter((d) => d.recognised > 0).every((d) => completedDays.has(d.day)), 'recognised counted on the result day, not the edit day');
  });
});

void describe('review edits with validation running', () => {
  void it('an edit recomputes findings synchronously and a real rule fix can be applied', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-review-v-'));
    fs.mkdirSync(path.join(tmp, 'in'));
    const engine = await createEngine({ dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    try {
      seedDocuments(engine.ctx.db, { count: 3, seed: 3, folderPath: path.join(tmp, 'in') });
      await engine.start();
      const series = ((await engine.request('documents:get', { id: 1 }))).fields.find((f) => f.name === 'Series')!.value!;
      // The letter OCR returns for one of the series digits (0 → O, 5 → S…): the format rule offers the fix, and
      // the passport's sound MRZ agrees with it (a letter that does not match the MRZ gets no fix).
      const lookAlike: Record<string, string> = { '0': 'O', '1': 'I', '3': 'З', '4': 'Ч', '5': 'S', '6': 'Б', '8': 'B' };
      const at = [...series].findIndex((c) => lookAlike[c] !== undefined);
      assert.ok(at >= 0, `series ${series} has a digit with a look-alike letter`);
      const misread = series.slice(0, at) + lookAlike[series[at]!]! + series.slice(at + 1);
      const d = (await engine.request('documents:set-field', { id: 1, field: 'Series', value: misread }));
      const finding = d.findings.find((f) => f.field === 'Series' && f.fix !== null);
      assert.ok(finding, `a finding with a fix: ${JSON.stringify(d.findings)}`);
      assert.ok(d.row.errorCount > 0);
      assert.equal(d.row.fields.Series?.f, 'error');
      const fixed = (await engine.request('documents:apply-fix', { findingId: finding.id }));
      assert.equal(fixed.fields.find((f) => f.name === 'Series')!.value, finding.fix!.value);
      assert.equal(finding.fix!.value, series, 'the fix restores the series');
      assert.ok(!fixed.findings.some((f) => f.field === 'Series' && f.severity === 'error' && f.code === finding.code), 'finding gone after the fix');
    } finally {
      await engine.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
