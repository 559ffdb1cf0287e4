// Signals are notifications: every handler runs, a failing one fails the emitter's operation instead of a log line,
// and review announces an edit only after the edit's transaction has committed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { createSignals, SignalError } from '../../main/engine/context.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { seedDocuments } from '../helpers/seed.ts';

void describe('signal bus', () => {
  void it('runs every handler, then throws one SignalError naming each failure', () => {
    const signals = createSignals(silentLogger);
    const seen: string[] = [];
    signals.on('case:queued', () => {
      seen.push('a');
      throw new Error('first broke');
    });
    signals.on('case:queued', () => void seen.push('b'));
    signals.on('case:queued', () => {
      seen.push('c');
      throw new Error('third broke');
    });
    assert.throws(
      () => signals.emit('case:queued', { caseId: 1 }),
      (e: unknown) => e instanceof SignalError && e.signal === 'case:queued' && e.errors.length === 2 && /first broke.*third broke/.test(e.message),
    );
    assert.deepEqual(seen, ['a', 'b', 'c']);
    signals.emit('queue:idle', { finishedCases: 0 }); // no handlers: nothing to report
  });
});

void describe('review edits and their signal', () => {
  let tmp: string;
  let engine: Engine;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-review-sig-'));
    engine = await createEngine({ dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
    seedDocuments(engine.ctx.db, { count: 4, seed: 3, folderPath: path.join(tmp, 'in') });
  });
  after(async () => {
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('document:edited is emitted after the edit is committed', async () => {
    const states: { inTransaction: boolean; value: string | null }[] = [];
    const off = engine.ctx.signals.on('document:edited', ({ documentId }) => {
      const v = engine.ctx.db.prepare<[number], { value: string | null }>(`SELECT value FROM fields WHERE document_id = ? AND name = 'LastName'`).get(documentId);
      states.push({ inTransaction: engine.ctx.db.inTransaction, value: v?.value ?? null });
    });
    try {
      await engine.request('documents:set-field', { id: 1, field: 'LastName', value: 'ПЕТРОВ' });
    } finally {
      off();
    }
    assert.deepEqual(states, [{ inTransaction: false, value: 'ПЕТРОВ' }]);
  });

  void it('a failing recompute fails the clerk’s request; the edit itself stays committed', async () => {
    const changed: number[] = [];
    const unsubscribe = engine.ctx.events.subscribe((name, payload) => {
      if (name === 'documents:changed') changed.push(...(payload as { ids: number[] }).ids);
    });
    const off = engine.ctx.signals.on('document:edited', () => {
      throw new Error('recompute broke');
    });
    try {
      await assert.rejects(engine.request('documents:set-field', { id: 2, field: 'LastName', value: 'СИДОРОВ' }), /: internal: /);
    } finally {
      off();
      engine.ctx.events.flush();
      unsubscribe();
    }
    const v = engine.ctx.db.prepare<[], { value: string }>(`SELECT value FROM fields WHERE document_id = 2 AND name = 'LastName'`).get();
    assert.equal(v?.value, 'СИДОРОВ');
    assert.ok(changed.includes(2), 'the grid still hears about the committed edit');
  });
});
