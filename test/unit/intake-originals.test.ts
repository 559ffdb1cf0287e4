// Originals and duplicates through the REAL queue and simulator (no hand-emitted signals): a move that failed after
// the result was committed is redone on restart; a case of only duplicates/rejections still moves per policy; the
// same bytes are never paid twice when the earlier copy is 'uncertain' or failed after Beorg gave it a document_id.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { startSimulator, type Simulator } from '../../main/engine/sim/server.ts';
import type { Engine } from '../../main/engine/app.ts';
import type { FolderOptions } from '../../shared/settings.ts';
import type { Settings } from '../../shared/settings.ts';
import { exportToFile } from '../../main/engine/export/index.ts';
import { jsonRecordSchema } from '../../main/engine/export/json.ts';
import { rmrf, startEngine, stopAllEngines, tempDir } from './queue-fixtures.ts';
import { waitFor } from '../helpers/wait.ts';

type Row = { id: number; path: string; current_path: string | null; status: string; status_reason: string | null; duplicate_of: number | null; case_id: number | null };
const NO_FAULTS = { http500: 0, http502: 0, http503: 0, reset: 0, stall: 0, lostResponse: 0 };
let sim: Simulator;
const dirs: string[] = [];
before(async () => {
  sim = await startSimulator({ config: { delay: { kind: 'fixed', ms: 0 } } });
});
after(async () => {
  await stopAllEngines();
  await sim.close();
  for (const d of dirs) rmrf(d);
});

let n = 0;
const jpeg = () => {
  n++;
  return sharp({ create: { width: 700, height: 900, channels: 3, background: { r: (n * 71) % 256, g: (n * 43) % 256, b: (n * 17) % 256 } } }).jpeg().toBuffer();
};
const put = async (file: string, data: Buffer) => {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
};
const exists = (p: string) => fs.access(p).then(() => true, () => false);
const rowsOf = (e: Engine) => e.ctx.db.prepare<[], Row>('SELECT id, path, current_path, status, status_reason, duplicate_of, case_id FROM documents ORDER BY id').all();
const rowOf = (e: Engine, rel: string) => rowsOf(e).find((r) => r.path.endsWith(rel))!;

async function setup(options: Partial<FolderOptions>, settings: Partial<Settings> = {}) {
  const tmp = tempDir('intake-orig-');
  dirs.push(tmp);
  const inbox = path.join(tmp, 'inbox');
  await fs.mkdir(inbox);
  const data = path.join(tmp, 'data');
  const open = () => startEngine(data, sim.url, settings);
  const engine = await open();
  await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 200, caseWindowMs: 200, rescanMinutes: 1440, ...options } });
  return { engine, inbox, open };
}
/** Drop files, let intake decide them, let the queue finish. */
async function runBatch(engine: Engine): Promise<void> {
  await engine.request('folders:rescan', {});
  await engine.intake.settled({ signal: AbortSignal.timeout(15_000) });
  await engine.queue.idle();
}

void test('a move that failed after the result was committed is redone on restart', async () => {
  sim.reset();
  const { engine, inbox, open } = await setup({ originals: 'move' });
  await put(path.join(inbox, 'Иванов', 'паспорт.jpg'), await jpeg());
  await put(path.join(inbox, 'Петров', 'паспорт.jpg'), Buffer.alloc(0)); // rejected at pre-flight
  // The move target Обработано/Иванов cannot be created (a FILE has that name): the result is committed, the rename
  // fails — the same DB state as a crash between the commit and the move.
  await put(path.join(inbox, 'Обработано', 'Иванов'), Buffer.from('blocker'));
  await put(path.join(inbox, 'Ошибки', 'Петров'), Buffer.from('blocker'));
  await runBatch(engine);
  await engine.intake.settled();
  const ivanov = rowOf(engine, path.join('Иванов', 'паспорт.jpg'));
  const petrov = rowOf(engine, path.join('Петров', 'паспорт.jpg'));
  assert.equal(ivanov.status, 'recognised');
  assert.equal(petrov.status, 'rejected');
  assert.equal(ivanov.current_path, ivanov.path, 'not moved yet (the move failed)');
  assert.equal(petrov.current_path, petrov.path);
  await engine.stop();
  await fs.rm(path.join(inbox, 'Обработано', 'Иванов'));
  await fs.rm(path.join(inbox, 'Ошибки', 'Петров'));

  const again = await open();
  await waitFor('originals moved on restart', () => rowsOf(again).filter((r) => r.status !== 'ignored').every((r) => r.current_path !== r.path));
  assert.equal(rowOf(again, path.join('Иванов', 'паспорт.jpg')).current_path, path.join(inbox, 'Обработано', 'Иванов', 'паспорт.jpg'));
  assert.equal(rowOf(again, path.join('Петров', 'паспорт.jpg')).current_path, path.join(inbox, 'Ошибки', 'Петров', 'паспорт.jpg'));
  assert.ok(await exists(path.join(inbox, 'Обработано', 'Иванов', 'паспорт.jpg')));
  assert.ok(!(await exists(path.join(inbox, 'Иванов', 'паспорт.jpg'))));
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 1, 'nothing re-sent');
  // A new scan under the old name is a new document, and the move logic leaves it alone until it is finished.
  await put(path.join(inbox, 'Иванов', 'паспорт.jpg'), await jpeg());
  await runBatch(again);
  await waitFor('second scan moved', async () => exists(path.join(inbox, 'Обработано', 'Иванов', 'паспорт (2).jpg')));
  await again.stop();
});

void test('a case of only a duplicate and a rejected file is final and moves: duplicate → Обработано/, rejected → Ошибки/', async () => {
  sim.reset();
  const { engine, inbox } = await setup({ originals: 'move', duplicatePolicy: 'skip' });
  const bytes = await jpeg();
  await put(path.join(inbox, 'Первый', 'паспорт.jpg'), bytes);
  await runBatch(engine);
  await waitFor('first moved', async () => exists(path.join(inbox, 'Обработано', 'Первый', 'паспорт.jpg')));
  await put(path.join(inbox, 'Второй', 'паспорт.jpg'), bytes); // same bytes, other name
  await put(path.join(inbox, 'Второй', 'селфи.jpg'), Buffer.from('not an image'));
  await runBatch(engine);
  await waitFor('duplicate moved', async () => exists(path.join(inbox, 'Обработано', 'Второй', 'паспорт.jpg')));
  const first = rowOf(engine, path.join('Первый', 'паспорт.jpg'));
  const dup = rowOf(engine, path.join('Второй', 'паспорт.jpg'));
  const bad = rowOf(engine, path.join('Второй', 'селфи.jpg'));
  assert.equal(dup.status, 'duplicate');
  assert.equal(dup.duplicate_of, first.id, 'links to the earlier result');
  assert.equal(dup.current_path, path.join(inbox, 'Обработано', 'Второй', 'паспорт.jpg'));
  assert.equal(bad.status, 'rejected');
  assert.equal(bad.current_path, path.join(inbox, 'Ошибки', 'Второй', 'селфи.jpg'));
  assert.equal((engine.ctx.db.prepare('SELECT state FROM cases WHERE id = ?').get(dup.case_id) as { state: string }).state, 'rejected');
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, 1, 'paid once');
  // The JSON export carries the link (only on the copy). Duplicates are exported only when asked.
  const out = path.join(path.dirname(inbox), 'export.json');
  await exportToFile(engine.ctx, { format: 'json', csvPreset: 'excel-ru', scope: { kind: 'all' }, onlyVerified: false, includeUnrecognised: true, headerLanguage: 'ru' }, out);
  const records = (JSON.parse(await fs.readFile(out, 'utf8')) as unknown[]).map((r) => jsonRecordSchema.parse(r));
  assert.equal(records.find((r) => r.id === dup.id)?.duplicateOf, first.id);
  assert.equal(records.find((r) => r.id === first.id)?.duplicateOf, undefined);
  await engine.stop();
});

void test('same bytes as an earlier uncertain or failed-after-document_id copy are duplicates, never paid again', async () => {
  sim.reset();
  const { engine, inbox } = await setup({ duplicatePolicy: 'warn' }, { uploadTimeoutMs: 1000 });
  // 1) No answer to the upload (a stall longer than the upload timeout): uncertain.
  sim.setConfig({ faults: { upload: { ...NO_FAULTS, stall: 1 }, poll: NO_FAULTS, stallMs: 1500 } });
  const a = await jpeg();
  await put(path.join(inbox, 'a_passport.jpg'), a);
  await runBatch(engine);
  sim.setConfig({ faults: { upload: NO_FAULTS } });
  assert.equal(rowOf(engine, 'a_passport.jpg').status, 'uncertain');
  // 2) Accepted (document_id, billed), then the result is gone: failed after a document_id existed.
  sim.setConfig({ resultTtlMs: 1 });
  const b = await jpeg();
  await put(path.join(inbox, 'b_passport.jpg'), b);
  await runBatch(engine);
  sim.setConfig({ resultTtlMs: null });
  const bRow = rowOf(engine, 'b_passport.jpg');
  assert.equal(bRow.status, 'failed');
  assert.ok((engine.ctx.db.prepare('SELECT beorg_document_id AS id FROM cases WHERE id = ?').get(bRow.case_id) as { id: string | null }).id);
  const uploadsBefore = sim.log().filter((e) => e.kind === 'upload').length;
  assert.equal(uploadsBefore, 2);
  // The same bytes again under new names.
  await put(path.join(inbox, 'a_copy_passport.jpg'), a);
  await put(path.join(inbox, 'b_copy_passport.jpg'), b);
  await runBatch(engine);
  const aCopy = rowOf(engine, 'a_copy_passport.jpg');
  const bCopy = rowOf(engine, 'b_copy_passport.jpg');
  assert.equal(aCopy.status, 'duplicate');
  assert.equal(aCopy.duplicate_of, rowOf(engine, 'a_passport.jpg').id);
  assert.match(aCopy.status_reason ?? '', /без ответа API \(возможно, оплачен\)/);
  assert.equal(bCopy.status, 'duplicate');
  assert.equal(bCopy.duplicate_of, bRow.id);
  assert.match(bCopy.status_reason ?? '', /оплачен \(результат с ошибкой\)/);
  assert.equal(sim.log().filter((e) => e.kind === 'upload').length, uploadsBefore, 'not paid again');
  await engine.stop();
});
