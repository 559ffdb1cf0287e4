// Settings through the real contract and dispatcher, on a real SQLite file that is closed and reopened:
// an update is a merge, overrides (CLI flags, test options) never reach the database, and the export folder the
// clerk chooses is the one shown and the one used.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { AppInfo } from '../../shared/api/settings.ts';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/settings.ts';
import { createEngine, type Engine, type EngineOptions } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { seedDocuments } from '../helpers/seed.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-settings-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const open = (dataDir: string, extra: Partial<EngineOptions> = {}): Promise<Engine> =>
  createEngine({ dataDir, mode: 'test', dbKey: null, autoStart: false, log: silentLogger, ...extra });

async function call<T>(engine: Engine, channel: string, args: unknown): Promise<T> {
  const res = await engine.call(channel, args);
  if (!res.ok) throw new Error(`${channel}: ${res.error.code}: ${res.error.message}`);
  return res.value as T;
}

/** Every setting at a value that differs from its default. */
const NON_DEFAULT: Settings = {
  language: 'en',
  apiUrl: 'https://beorg.example.test',
  projectId: 'project-7',
  demoMode: true,
  concurrency: 9,
  rps: 2.5,
  burst: 3,
  requestTimeoutMs: 45_000,
  uploadTimeoutMs: 200_000,
  maxAttempts: 3,
  pollFirstDelayMs: 1500,
  pollMaxIntervalMs: 9000,
  pollDeadlineMs: 60_000,
  dailyCap: 500,
  pricePerDocumentRub: 7,
  minShortSidePx: 800,
  maxUploadBytes: 20_000_000,
  recompressMaxSidePx: 3000,
  recompressMaxBytes: 4_000_000,
  confidenceThreshold: 0.8,
  matchThreshold: 0.9,
  livenessThreshold: 0.7,
  onlyAttention: false,
  maskPassportNumbers: true,
  retentionDays: 30,
  exportDir: path.join(os.tmpdir(), 'scandesk-export-choice'),
  clerkName: 'Иванова А.',
};

void describe('settings through the contract', () => {
  void it('the fixture covers every setting with a non-default value', () => {
    assert.deepEqual(Object.keys(NON_DEFAULT).sort(), Object.keys(settingsSchema.shape).sort());
    for (const key of Object.keys(NON_DEFAULT) as (keyof Settings)[]) {
      assert.notDeepEqual(NON_DEFAULT[key], DEFAULT_SETTINGS[key], key);
    }
  });

  void it('settings:set with one key changes that key only, in memory and in the file', async () => {
    const dir = tempDir();
    let engine = await open(dir);
    await call(engine, 'settings:set', NON_DEFAULT);
    const after = await call<Settings>(engine, 'settings:set', { matchThreshold: 0.94 });
    assert.deepEqual(after, { ...NON_DEFAULT, matchThreshold: 0.94 });
    await engine.stop();

    engine = await open(dir);
    assert.deepEqual(await call<Settings>(engine, 'settings:get', {}), { ...NON_DEFAULT, matchThreshold: 0.94 });
    await engine.stop();
  });

  void it('an override is seen while it lasts but never written, whatever else is set', async () => {
    const dir = tempDir();
    let engine = await open(dir, { settingsOverrides: { apiUrl: 'http://127.0.0.1:9', rps: 50 } });
    assert.equal(engine.ctx.settings.get().apiUrl, 'http://127.0.0.1:9');
    await call(engine, 'settings:set', { matchThreshold: 0.93 });
    // A key the clerk sets explicitly wins over its override; the other override still applies this run.
    await call(engine, 'settings:set', { rps: 3 });
    const during = await call<Settings>(engine, 'settings:get', {});
    assert.equal(during.apiUrl, 'http://127.0.0.1:9');
    assert.equal(during.rps, 3);
    await engine.stop();

    engine = await open(dir);
    const fresh = await call<Settings>(engine, 'settings:get', {});
    assert.equal(fresh.apiUrl, DEFAULT_SETTINGS.apiUrl, 'the overridden address did not survive into the file');
    assert.equal(fresh.rps, 3);
    assert.equal(fresh.matchThreshold, 0.93);
    await engine.stop();
  });

  void it('a relative export folder is refused', async () => {
    const engine = await open(tempDir());
    const res = await engine.call('settings:set', { exportDir: 'relative/folder' });
    assert.equal(res.ok, false);
    assert.equal(engine.ctx.settings.get().exportDir, '');
    await engine.stop();
  });

  void it('the export folder the clerk chooses is the one shown and the one written to', async () => {
    const dir = tempDir();
    const chosen = path.join(dir, 'Выгрузки клерка');
    let engine = await open(dir);
    const before = await call<AppInfo>(engine, 'app:info', {});
    assert.notEqual(before.exportDir, chosen);
    await call(engine, 'settings:set', { exportDir: chosen });
    await engine.stop();

    engine = await open(dir);
    assert.equal((await call<AppInfo>(engine, 'app:info', {})).exportDir, chosen);
    const [id] = seedDocuments(engine.ctx.db, { count: 1, seed: 3 });
    const r = await call<{ fileName: string }>(engine, 'export:run', { format: 'csv', scope: { kind: 'selection', ids: [id] } });
    assert.deepEqual(fs.readdirSync(chosen), [r.fileName]);
    await call(engine, 'settings:set', { exportDir: '' });
    assert.equal((await call<AppInfo>(engine, 'app:info', {})).exportDir, before.exportDir, "'' goes back to the default");
    await engine.stop();
  });

  void it('the clerk name stays with the installation (not in the database, which a team shares) and signs the audit trail', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'shared.db');
    let engine = await open(path.join(dir, 'a'), { dbFile: db });
    seedDocuments(engine.ctx.db, { count: 3, seed: 2, folderPath: path.join(dir, 'in') });
    await call(engine, 'settings:set', { clerkName: 'Иванова А.' });
    await call(engine, 'documents:set-field', { id: 1, field: 'LastName', value: 'ИВАНОВА' });
    const stored = engine.ctx.db.prepare(`SELECT value FROM settings WHERE key = 'app'`).get() as { value: string };
    assert.equal('clerkName' in JSON.parse(stored.value), false);
    await engine.stop();
    // Another installation on the same database keeps its own clerk (the OS user, nothing set).
    engine = await open(path.join(dir, 'b'), { dbFile: db });
    assert.equal((await call<Settings>(engine, 'settings:get', {})).clerkName, '');
    await call(engine, 'documents:set-field', { id: 1, field: 'LastName', value: 'ПЕТРОВА' });
    const actors = engine.ctx.db.prepare(`SELECT actor FROM audit_events WHERE action = 'set-field' ORDER BY id`).all() as { actor: string }[];
    assert.deepEqual(actors.map((a) => a.actor), ['Иванова А.', os.userInfo().username]);
    await engine.stop();
    engine = await open(path.join(dir, 'a'), { dbFile: db });
    assert.equal(engine.ctx.actor, 'Иванова А.');
    await engine.stop();
  });
});
