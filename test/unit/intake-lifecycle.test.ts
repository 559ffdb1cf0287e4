// Intake lifecycle: originals moved only after 'case:finished' (with name collisions), restart mid-settle,
// duplicate policies 'allow' and 'warn'. Real temp folders, real SQLite, real watcher.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { seedLifecycle } from '../helpers/seed.ts';
import { waitFor } from '../helpers/wait.ts';

type Row = { id: number; path: string; current_path: string | null; status: string; status_code: string | null; case_id: number | null; duplicate_of: number | null };
let colour = 200;
const jpeg = () => sharp({ create: { width: 700, height: 900, channels: 3, background: { r: colour++ % 256, g: 40, b: 70 } } }).jpeg().toBuffer();
const put = async (file: string, data: Buffer) => {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
};
const exists = (p: string) => fs.access(p).then(() => true, () => false);
const open = (dataDir: string) =>
  createEngine({ dataDir, mode: 'test', dbKey: null, settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
const rowsOf = (e: Engine) => e.ctx.db.prepare<[], Row>('SELECT * FROM documents ORDER BY id').all();

void describe('intake originals and policies', () => {
  let tmp: string;
  let inbox: string;
  let engine: Engine;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-life-'));
    inbox = path.join(tmp, 'inbox');
    await put(path.join(inbox, 'Иванов', 'паспорт.jpg'), await jpeg());
    await put(path.join(inbox, 'Иванов', 'селфи.jpg'), await jpeg());
    await put(path.join(inbox, 'Обработано', 'Иванов', 'паспорт.jpg'), await jpeg()); // collision target
    await put(path.join(inbox, 'Петров', 'паспорт.jpg'), Buffer.alloc(0)); // rejected at pre-flight
    engine = await open(path.join(tmp, 'data'));
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 300, originals: 'move' } });
    await engine.intake.settled({ signal: AbortSignal.timeout(30_000) });
  });
  after(async () => {
    await engine.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('keeps originals until the case is finished, then moves them without overwriting', async () => {
    const docs = rowsOf(engine);
    const ivanov = docs.filter((d) => d.path.includes(`${path.sep}Иванов${path.sep}`));
    assert.equal(ivanov.length, 2);
    for (const d of ivanov) {
      assert.equal(d.status, 'queued');
      assert.ok(await exists(d.path), 'still in place before the result is committed');
    }
    const petrov = docs.find((d) => d.path.includes('Петров'));
    assert.equal(petrov?.status, 'rejected');
    assert.equal(petrov?.current_path, path.join(inbox, 'Ошибки', 'Петров', 'паспорт.jpg'), 'pre-flight rejects go to Ошибки/');
    assert.ok(await exists(petrov?.current_path ?? ''));

    const caseId = ivanov[0]?.case_id ?? -1;
    seedLifecycle(engine.ctx.db, () => {
      engine.ctx.db.prepare("UPDATE documents SET status = 'recognised' WHERE case_id = ?").run(caseId);
      engine.ctx.db.prepare("UPDATE cases SET state = 'done' WHERE id = ?").run(caseId);
    });
    engine.ctx.signals.emit('case:finished', { caseId, state: 'done' });
    await waitFor('originals moved', () => rowsOf(engine).filter((d) => d.case_id === caseId).every((d) => d.current_path !== d.path));
    const moved = rowsOf(engine).filter((d) => d.case_id === caseId).map((d) => d.current_path).sort();
    assert.deepEqual(moved, [path.join(inbox, 'Обработано', 'Иванов', 'паспорт (2).jpg'), path.join(inbox, 'Обработано', 'Иванов', 'селфи.jpg')].sort());
    for (const p of moved) assert.ok(await exists(p ?? ''));
    assert.ok(!(await exists(path.join(inbox, 'Иванов', 'паспорт.jpg'))));
    // Moving must not re-trigger intake.
    const count = rowsOf(engine).length;
    await engine.request('folders:rescan', {});
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    assert.equal(rowsOf(engine).length, count);
  });

  void it("duplicatePolicy 'allow' re-sends, 'warn' links without paying", async () => {
    const folder = ((await engine.request('folders:list', {})))[0];
    await engine.request('folders:update', { id: folder?.id ?? 0, options: { duplicatePolicy: 'allow', originals: 'keep' } });
    const bytes = await jpeg();
    await put(path.join(inbox, 'a_selfie.jpg'), bytes);
    await waitFor('a seen', () => rowsOf(engine).some((d) => d.path.endsWith('a_selfie.jpg')));
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    await put(path.join(inbox, 'b_selfie.jpg'), bytes);
    await waitFor('b seen', () => rowsOf(engine).some((d) => d.path.endsWith('b_selfie.jpg')));
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    const a = rowsOf(engine).find((d) => d.path.endsWith('a_selfie.jpg'));
    const b = rowsOf(engine).find((d) => d.path.endsWith('b_selfie.jpg'));
    assert.equal(b?.status, 'queued');
    assert.equal(b?.status_code, 'duplicate.allow');
    assert.equal(b?.duplicate_of, a?.id);

    await engine.request('folders:update', { id: folder?.id ?? 0, options: { duplicatePolicy: 'warn' } });
    await put(path.join(inbox, 'c_selfie.jpg'), bytes);
    await waitFor('c seen', () => rowsOf(engine).some((d) => d.path.endsWith('c_selfie.jpg')));
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    const c = rowsOf(engine).find((d) => d.path.endsWith('c_selfie.jpg'));
    assert.equal(c?.status, 'duplicate');
    assert.equal(c?.status_code, 'duplicate.warn');
    assert.equal(c?.duplicate_of, a?.id);

    // Removing the folder stops watching and keeps the history rows.
    const before = rowsOf(engine).length;
    await engine.request('folders:remove', { id: folder?.id ?? 0 });
    assert.deepEqual(await engine.request('folders:list', {}), []);
    await put(path.join(inbox, 'after_removal.jpg'), await jpeg());
    await engine.request('folders:rescan', {});
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    assert.equal(rowsOf(engine).length, before);
  });
});

void describe('intake restart safety', () => {
  void it('stopping mid-settle and starting again on the same DB creates no duplicate rows and decides everything', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-restart-'));
    const inbox = path.join(tmp, 'inbox');
    const dataDir = path.join(tmp, 'data');
    try {
      await put(path.join(inbox, 'done_passport.jpg'), await jpeg());
      let e1 = await open(dataDir);
      await e1.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 300 } });
      await e1.intake.settled({ signal: AbortSignal.timeout(10_000) });
      await e1.request('folders:update', { id: 1, options: { settleMs: 5000, caseWindowMs: 5000 } });
      await put(path.join(inbox, 'late_passport.jpg'), await jpeg());
      await waitFor('late seen', () => rowsOf(e1).some((d) => d.path.endsWith('late_passport.jpg')));
      assert.ok(['seen', 'waiting'].includes(rowsOf(e1).find((d) => d.path.endsWith('late_passport.jpg'))?.status ?? ''));
      await e1.stop();

      e1 = await open(dataDir);
      await e1.request('folders:update', { id: 1, options: { settleMs: 300, caseWindowMs: 300 } });
      await e1.intake.settled({ signal: AbortSignal.timeout(15_000) });
      const rows = rowsOf(e1);
      assert.equal(rows.length, 2, JSON.stringify(rows));
      for (const r of rows) assert.equal(r.status, 'queued');
      const states = e1.ctx.db.prepare<[], { state: string }>('SELECT state FROM cases ORDER BY id').all().map((r) => r.state);
      assert.deepEqual(states, ['queued', 'queued']);
      await e1.stop();
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
