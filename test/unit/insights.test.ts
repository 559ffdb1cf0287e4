// The insights module on a real SQLite file: chart aggregates from recorded requests, results and clerk decisions
// (time injected), the bulk retry's quote and retry through the queue, and the folder picker's roots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowseResult, Charts, RetryFailedQuote } from '../../shared/api/insights.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { seedDocuments, seedLifecycle } from '../helpers/seed.ts';

const HOUR = 3_600_000;
// A fixed "now" on a whole hour: every bucket below is known in advance.
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const clock = { now: () => NOW, sleep: () => Promise.resolve() };

void describe('insights', () => {
  let tmp: string;
  let engine: Engine;
  let rootA: string;
  let outside: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-insights-'));
    rootA = path.join(tmp, 'home');
    outside = path.join(tmp, 'secret');
    fs.mkdirSync(path.join(rootA, 'Сканы', 'Входящие'), { recursive: true });
    fs.mkdirSync(path.join(rootA, '.hidden'), { recursive: true });
    fs.writeFileSync(path.join(rootA, 'file.txt'), 'x');
    fs.mkdirSync(path.join(outside, 'inner'), { recursive: true });
    fs.symlinkSync(outside, path.join(rootA, 'escape'));
    engine = await createEngine({
      dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger, clock,
      settingsOverrides: { pricePerDocumentRub: 4, dailyCap: 50 }, browseRoots: () => [rootA],
    });
    seedDocuments(engine.ctx.db, { count: 9, seed: 3, folderPath: path.join(tmp, 'in'), now: NOW - 5 * HOUR });
    const db = engine.ctx.db;
    db.prepare('UPDATE cases SET completed_at = ?').run(NOW - 5 * HOUR + 60_000);
    const req = db.prepare('INSERT INTO api_requests(at, case_id, kind, http_status, outcome, duration_ms, billable) VALUES (?, 1, ?, ?, ?, ?, ?)');
    req.run(NOW - 3 * HOUR + 10, 'upload', 200, 'ok', 100, 2);
    req.run(NOW - 3 * HOUR + 20, 'poll', 429, 'rate-limited', 300, 0);
    req.run(NOW - 3 * HOUR + 30, 'poll', 200, 'ok', 200, 0);
    req.run(NOW - 1 * HOUR + 30, 'upload', null, 'offline', 5000, 0);
    const audit = db.prepare(`INSERT INTO audit_events(at, actor, document_id, field, action, source) VALUES (?, ?, 1, ?, ?, 'clerk')`);
    // Decisions 8 s, 40 s apart, then a 2-hour break (not review time), then 90 s.
    audit.run(NOW - 4 * HOUR, 'anna', null, 'confirm');
    audit.run(NOW - 4 * HOUR + 8_000, 'anna', null, 'confirm');
    audit.run(NOW - 4 * HOUR + 48_000, 'anna', null, 'reject');
    audit.run(NOW - 2 * HOUR, 'anna', null, 'confirm');
    audit.run(NOW - 2 * HOUR + 90_000, 'anna', null, 'postpone');
    audit.run(NOW - 2 * HOUR, 'anna', 'LastName', 'set-field');
    audit.run(NOW - 2 * HOUR, 'anna', 'LastName', 'set-field');
    audit.run(NOW - 2 * HOUR, 'anna', 'INN', 'rule-fix');
  });
  after(async () => {
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('charts: dense hourly series, latency and 429s per hour, billed documents per day, review time without breaks', async () => {
    const c = (await engine.request('stats:charts', { days: 1 })) as Charts;
    assert.equal(c.perHour.t.length, 25);
    assert.equal(c.perHour.t.at(-1), NOW / 1000);
    const at = (ms: number) => c.api.t.indexOf(ms / 1000);
    const h3 = at(NOW - 3 * HOUR);
    assert.equal(c.api.requests[h3], 3);
    assert.equal(c.api.rateLimited[h3], 1);
    assert.equal(c.api.meanMs[h3], 200);
    assert.equal(c.api.maxMs[h3], 300);
    assert.equal(c.api.errors[at(NOW - HOUR)], 1);
    assert.equal(c.api.meanMs[at(NOW - 2 * HOUR)], null, 'an hour without requests is a gap, not 0 ms');
    assert.equal(c.perHour.recognised.reduce((a, b) => a + b, 0), 9);
    assert.deepEqual(c.perDay.documents, [2]);
    assert.deepEqual(c.perDay.rub, [8]);
    assert.equal(c.dailyCap, 50);
    assert.deepEqual(c.correctionsPerField, [{ field: 'LastName', count: 2 }, { field: 'INN', count: 1 }]);
    assert.equal(c.reviewTime.decisions, 3);
    assert.equal(c.reviewTime.medianSec, 40);
    assert.deepEqual(c.reviewTime.buckets.map((b) => b.count), [1, 0, 1, 1, 0, 0]);
  });

  void it('retry of every failed case: quote first (resent cases cost, re-polled ones do not), then through cases:retry', async () => {
    const db = engine.ctx.db;
    seedLifecycle(db, () => {
      db.prepare(`UPDATE cases SET state = 'failed', beorg_document_id = NULL WHERE id = 1`).run();
      db.prepare(`UPDATE cases SET state = 'failed' WHERE id = 2`).run();
      db.prepare(`UPDATE documents SET status = 'failed' WHERE case_id IN (1, 2)`).run();
    });
    const quote = (await engine.request('cases:retry-failed', { confirm: false })) as RetryFailedQuote;
    assert.deepEqual(quote, { cases: 2, documents: 6, resend: 1, costRub: 8, retried: 0 });
    const states = () => db.prepare('SELECT id, state FROM cases WHERE id IN (1, 2) ORDER BY id').all();
    assert.deepEqual(states(), [{ id: 1, state: 'failed' }, { id: 2, state: 'failed' }], 'a quote changes nothing');
    const done = (await engine.request('cases:retry-failed', { confirm: true })) as RetryFailedQuote;
    assert.equal(done.retried, 2);
    assert.deepEqual(states(), [{ id: 1, state: 'queued' }, { id: 2, state: 'processing' }]);
    const again = (await engine.request('cases:retry-failed', { confirm: false })) as RetryFailedQuote;
    assert.equal(again.cases, 0);
  });

  void it('folder picker: lists folders only inside the roots; "..", symlinks out and other paths are refused', async () => {
    const top = (await engine.request('fs:browse', {})) as BrowseResult;
    assert.equal(top.path, null);
    assert.deepEqual(top.dirs.map((d) => d.path), [rootA]);
    const home = (await engine.request('fs:browse', { path: rootA })) as BrowseResult;
    assert.deepEqual(home.dirs.map((d) => d.name), ['Сканы'], 'no files, no dot folders, no link leading out');
    assert.equal(home.parent, null);
    const inner = (await engine.request('fs:browse', { path: path.join(rootA, 'Сканы') })) as BrowseResult;
    assert.deepEqual(inner.dirs.map((d) => d.name), ['Входящие']);
    assert.equal(inner.parent, fs.realpathSync(rootA));
    for (const p of [outside, path.join(rootA, '..', 'secret'), path.join(rootA, 'escape'), path.join(rootA, 'escape', 'inner'), '/etc', 'relative/path', path.join(rootA, 'missing')]) {
      const res = await engine.call('fs:browse', { path: p });
      assert.equal(res.ok, false, p);
      if (!res.ok) assert.equal(res.error.code, 'browse.not-allowed', p);
    }
  });
});
