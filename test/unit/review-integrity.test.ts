// What may be verified, through the API contract (engine.call) on a real SQLite file: only recognised documents are
// verified, rejected or edited (anything else is refused with a Russian reason and left untouched), the review walk
// never reaches them and reaches every clean pending one, confirming with error findings or low biometry needs a
// second explicit decision that is audited with the reasons, undoing an edit of a verified document un-verifies it,
// and "only verified" exports take recognised + verified documents only.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DocumentDetail } from '../../shared/api/documents.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { exportToFile } from '../../main/engine/export/index.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { seedDocuments, seedLifecycle } from '../helpers/seed.ts';

void describe('review integrity', () => {
  let tmp: string;
  let engine: Engine;
  const sql = (text: string, ...params: unknown[]) => engine.ctx.db.prepare(text).run(...params);
  const reviewOf = (id: number) => (engine.ctx.db.prepare('SELECT review_state FROM documents WHERE id = ?').get(id) as { review_state: string }).review_state;
  const errorOf = async (channel: string, args: unknown) => {
    const r = await engine.call(channel, args);
    return r.ok ? null : r.error;
  };
  // 30 documents = 10 people (passport 3k-2, INN 3k-1, selfie 3k). Documents 1..15 keep their seeded state.
  const NOT_RECOGNISED = { 16: 'rejected', 17: 'failed', 18: 'ignored', 19: 'duplicate', 20: 'uncertain', 21: 'queued', 22: 'cancelled' } as const;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-review-i-'));
    engine = await createEngine({ dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    seedDocuments(engine.ctx.db, { count: 30, seed: 5, folderPath: path.join(tmp, 'in') });
    // Clean biometry everywhere unless a test says otherwise.
    sql(`UPDATE documents SET match_score = CASE WHEN match_score IS NULL THEN NULL ELSE 0.99 END, liveness_score = CASE WHEN liveness_score IS NULL THEN NULL ELSE 0.99 END`);
    seedLifecycle(engine.ctx.db, () => {
      for (const [id, status] of Object.entries(NOT_RECOGNISED)) sql('UPDATE documents SET status = ?, status_reason = ? WHERE id = ?', status, 'причина', Number(id));
    });
  });
  after(async () => {
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('refuses to confirm, reject or edit a document without recognised data, with a Russian reason', async () => {
    for (const id of Object.keys(NOT_RECOGNISED).map(Number)) {
      for (const [channel, args] of [
        ['documents:confirm', { id }],
        ['documents:confirm', { id, despiteFindings: true }],
        ['documents:reject', { id, reason: 'Нечитаемый скан' }],
        ['documents:set-field', { id, field: 'LastName', value: 'ИВАНОВ' }],
        ['documents:accept-field', { id, field: 'LastName' }],
      ] as const) {
        const err = await errorOf(channel, args);
        assert.equal(err?.code, 'not-reviewable', `${channel} on ${id}`);
        assert.match(err!.messageRu ?? '', /[а-яё]/i);
      }
      assert.equal(reviewOf(id), 'pending', `document ${id} untouched`);
    }
    const dup = await errorOf('documents:confirm', { id: 19 });
    assert.match(dup!.messageRu ?? '', /дубликат/i);
    const audit = engine.ctx.db.prepare('SELECT count(*) AS n FROM audit_events WHERE document_id BETWEEN 16 AND 22').get() as { n: number };
    assert.equal(audit.n, 0, 'nothing audited for a refused action');
  });

  void it('the review walk reaches every pending recognised document (clean ones too) and nothing else', async () => {
    const sort = [{ key: 'id', dir: 'asc' as const }];
    const walked: number[] = [];
    let afterId: number | undefined;
    for (;;) {
      const { id } = (await engine.request('documents:next-attention', { sort, include: 'pending', ...(afterId === undefined ? {} : { afterId }) })) as { id: number | null };
      if (id === null) break;
      walked.push(id);
      afterId = id;
    }
    const expected = Array.from({ length: 30 }, (_, i) => i + 1).filter((id) => !(id in NOT_RECOGNISED));
    assert.deepEqual(walked, expected);
    // Even the attention-only walk skips a failed document (its status alone used to make it "need attention").
    const attention = (await engine.request('documents:next-attention', { sort, afterId: 15 })) as { id: number | null };
    assert.ok(attention.id === null || !(attention.id in NOT_RECOGNISED));
  });

  void it('confirming with error findings or low biometry asks once more, then audits the reasons', async () => {
    const d1 = (await engine.request('documents:get', { id: 1 })) as DocumentDetail;
    sql(`INSERT INTO findings(case_id, document_id, field, severity, code, message_ru, message_en, source, created_at)
         VALUES (?, 1, 'INN', 'error', 'test.checksum', 'Контрольная сумма не сходится', 'Checksum fails', 'local', 0)`, d1.row.caseId);
    sql('UPDATE documents SET match_score = 0.27 WHERE id = 1');
    const err = await errorOf('documents:confirm', { id: 1 });
    assert.equal(err?.code, 'confirm-needs-ack');
    assert.match(err!.messageRu ?? '', /Контрольная сумма не сходится/);
    assert.match(err!.messageRu ?? '', /Сходство лиц 27% ниже порога 95%/);
    assert.equal(reviewOf(1), 'pending');

    const d = (await engine.request('documents:confirm', { id: 1, despiteFindings: true })) as DocumentDetail;
    assert.equal(d.row.review, 'verified');
    const a = engine.ctx.db.prepare(`SELECT action, new_value, details, actor FROM audit_events WHERE document_id = 1 ORDER BY id DESC LIMIT 1`).get() as { action: string; new_value: string; details: string; actor: string };
    assert.equal(a.action, 'confirm-despite-findings');
    assert.deepEqual((JSON.parse(a.details) as { reasons: string[] }).reasons, ['Контрольная сумма не сходится', 'Сходство лиц 27% ниже порога 95%']);
    assert.equal(a.actor, engine.ctx.actor);

    // A selfie below the liveness threshold is gated too; a clean document confirms at once with a plain 'confirm'.
    sql('UPDATE documents SET liveness_score = 0.5 WHERE id = 3');
    assert.equal((await errorOf('documents:confirm', { id: 3 }))?.code, 'confirm-needs-ack');
    assert.equal(((await engine.request('documents:confirm', { id: 5 })) as DocumentDetail).row.review, 'verified');
    const plain = engine.ctx.db.prepare(`SELECT action FROM audit_events WHERE document_id = 5 ORDER BY id DESC LIMIT 1`).get() as { action: string };
    assert.equal(plain.action, 'confirm');
  });

  void it('undoing an edit of a verified document takes its verification back', async () => {
    await engine.request('documents:set-field', { id: 4, field: 'LastName', value: 'ЗАЙЦЕВ' });
    await engine.request('documents:confirm', { id: 4 });
    assert.equal(reviewOf(4), 'verified');
    const d = (await engine.request('documents:undo-field', { id: 4, field: 'LastName' })) as DocumentDetail;
    assert.equal(d.row.review, 'pending');
  });

  void it('"only verified" exports recognised + verified documents only, whatever an old row says', async () => {
    // A document verified before the rule existed, then failed on re-processing: its review state says verified.
    sql(`UPDATE documents SET review_state = 'verified' WHERE id IN (17, 19)`);
    const out = path.join(tmp, 'verified.json');
    await exportToFile(engine.ctx, { format: 'json', csvPreset: 'excel-ru', scope: { kind: 'all' }, onlyVerified: true, headerLanguage: 'ru' }, out);
    const ids = (JSON.parse(fs.readFileSync(out, 'utf8')) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
    assert.deepEqual(ids, [1, 5]);
  });

  void it('shows the scan of a duplicate (the earlier bytes) and guesses the type of a refused image file', async () => {
    sql('UPDATE documents SET mime = NULL, duplicate_of = 1 WHERE id = 19');
    sql(`UPDATE documents SET mime = NULL, file_name = 'tiny.png' WHERE id = 16`);
    sql(`UPDATE documents SET mime = NULL, file_name = 'заявление.docx' WHERE id = 18`);
    const dup = (await engine.request('documents:get', { id: 19 })) as DocumentDetail;
    assert.equal(dup.image?.mime, 'image/jpeg');
    assert.equal(((await engine.request('documents:get', { id: 16 })) as DocumentDetail).image?.mime, 'image/png');
    assert.equal(((await engine.request('documents:get', { id: 18 })) as DocumentDetail).image, null);
  });
});
