// One path = one current document: a file that changes after it was decided re-decides its own row (the earlier
// decision goes to the audit history), so a half-written scan that was rejected and then completed leaves one
// live row and no phantom case. Real temp folders, real SQLite, real watcher, real sharp images.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { recordMoves } from '../helpers/moves.ts';
import { canMove } from '../../main/engine/state/transitions.ts';
import { waitFor } from '../helpers/wait.ts';

type Row = { id: number; path: string; status: string; status_code: string | null; case_id: number | null; sha256: string | null };
type Audit = { document_id: number; action: string; old_value: string | null; details: string | null };
let seed = 3;
/** A noisy JPEG well over 60 KB, so its first 60 KB are a truncated image. */
const bigJpeg = () =>
  sharp({ create: { width: 900, height: 1200, channels: 3, background: { r: (seed += 41) % 256, g: 90, b: 20 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg({ quality: 90 })
    .toBuffer();

void describe('intake: a changed file re-decides its row', () => {
  let tmp: string;
  let inbox: string;
  let engine: Engine;
  const moves = new Set<string>();
  const rows = () => engine.ctx.db.prepare<[], Row>('SELECT id, path, status, status_code, case_id, sha256 FROM documents ORDER BY id').all();
  const rowsOf = (file: string) => rows().filter((r) => r.path === file);
  const audits = (id: number) => engine.ctx.db.prepare<[number], Audit>('SELECT document_id, action, old_value, details FROM audit_events WHERE document_id = ? ORDER BY id').all(id);
  const cases = () => engine.ctx.db.prepare<[], { id: number; state: string }>('SELECT id, state FROM cases ORDER BY id').all();

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-redecide-'));
    inbox = path.join(tmp, 'inbox');
    await fs.mkdir(inbox, { recursive: true });
    engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
    recordMoves(engine.ctx.db, moves);
    await engine.request('folders:add', { path: inbox, defaultType: 'PASSPORT', options: { settleMs: 300, caseWindowMs: 300 } });
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
  });
  after(async () => {
    await engine.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('60 KB of a JPEG, rejected as truncated, then completed: one row, queued, the rejection in history', async () => {
    const bytes = await bigJpeg();
    assert.ok(bytes.length > 120_000, `test image is ${bytes.length} bytes`);
    const file = path.join(inbox, 'petrov_passport.jpg');
    await fs.writeFile(file, bytes.subarray(0, 60_000));
    await waitFor('truncated file rejected', () => rowsOf(file)[0]?.status === 'rejected');
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    assert.deepEqual(cases().map((c) => c.state), ['rejected']);
    await fs.appendFile(file, bytes.subarray(60_000));
    await engine.request('folders:rescan', {});
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    const mine = rowsOf(file);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0]?.status, 'queued');
    const history = audits(mine[0]?.id ?? -1);
    assert.equal(history.length, 1, JSON.stringify(history));
    assert.equal(history[0]?.action, 'intake-redecide');
    assert.equal(history[0]?.old_value, 'rejected');
    assert.match(history[0]?.details ?? '', /preflight\.corrupt/);
    assert.deepEqual(cases().map((c) => c.state), ['queued'], 'the rejected case re-opened: no phantom «Не принято» case');
    assert.equal(rows().filter((r) => r.status === 'rejected').length, 0, 'no stale rejection inflating «Ошибки»');
  });

  void it('a 0-byte file filled later: one row, queued', async () => {
    const file = path.join(inbox, 'Сидоров', 'паспорт.jpg');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.alloc(0));
    await waitFor('empty file rejected', () => rowsOf(file)[0]?.status === 'rejected');
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    await fs.writeFile(file, await bigJpeg());
    await engine.request('folders:rescan', {});
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    const mine = rowsOf(file);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0]?.status, 'queued');
    assert.equal(audits(mine[0]?.id ?? -1)[0]?.old_value, 'rejected');
    const states = cases().map((c) => c.state);
    assert.ok(!states.includes('rejected'), JSON.stringify(states));
  });

  void it('a file changed after its case was handed to the queue is a new document; the sent version keeps its row', async () => {
    const file = path.join(inbox, 'ivanov_passport.jpg');
    await fs.writeFile(file, await bigJpeg());
    await waitFor('queued', () => rowsOf(file)[0]?.status === 'queued');
    await engine.intake.settled({ signal: AbortSignal.timeout(10_000) });
    await fs.writeFile(file, await bigJpeg());
    await engine.request('folders:rescan', {});
    await waitFor('new version noticed', () => rowsOf(file).length === 2);
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    const mine = rowsOf(file);
    assert.deepEqual(mine.map((r) => r.status), ['queued', 'queued']);
    assert.notEqual(mine[0]?.case_id, mine[1]?.case_id, 'a case of its own');
    assert.notEqual(mine[0]?.sha256, mine[1]?.sha256);
  });

  void it('a file deleted while still being written leaves its row, but no case «Не принято»', async () => {
    await engine.request('folders:update', { id: 1, options: { settleMs: 1500 } });
    const before = cases().length;
    const file = path.join(inbox, 'Кузнецов', 'паспорт.jpg');
    await fs.mkdir(path.dirname(file), { recursive: true });
    // The first part of a scan arrives whole (renamed in), so intake first sees it at one size and the row is «seen»
    // when it goes: written in place, a stat could catch it empty and then growing («waiting»), on a busy machine.
    const part = path.join(tmp, 'паспорт.part-of-scan');
    await fs.writeFile(part, (await bigJpeg()).subarray(0, 5000));
    await fs.rename(part, file);
    await waitFor('noticed', () => rowsOf(file).length === 1);
    await fs.rm(file);
    await engine.request('folders:rescan', {});
    await engine.intake.settled({ signal: AbortSignal.timeout(20_000) });
    assert.deepEqual(rowsOf(file).map((r) => [r.status, r.status_code, r.case_id]), [['ignored', 'intake.vanished', null]]);
    assert.equal(cases().length, before, JSON.stringify(cases()));
    await engine.request('folders:update', { id: 1, options: { settleMs: 300 } });
  });

  void it('the re-decisions above moved only along the lifecycle table', () => {
    const seen = [...moves].sort();
    for (const m of [
      'case collecting→queued',
      'case collecting→rejected',
      'case rejected→collecting',
      'document rejected→seen',
      'document seen→ignored',
      'document seen→queued',
      'document seen→rejected',
    ]) assert.ok(seen.includes(m), `no flow above moved ${m}`);
    for (const m of seen) {
      const [lifecycle, edge] = m.split(' ') as ['document' | 'case', string];
      const [from, to] = edge.split('→') as [string, string];
      assert.ok(canMove(lifecycle, from, to), m);
    }
  });
});
