// IPC adapter (pure part, no Electron needed): only our top frame may call; calls reach the real engine's
// dispatch (schema validation, envelope); every contract channel has a handler.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api } from '../../shared/api.ts';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { silentLogger } from '../../main/engine/log.ts';
import { missingHandlers } from '../../main/engine/dispatch.ts';
import { APP_ORIGIN, createIpcRouter, isTrustedSenderUrl } from '../../main/shell/ipc-router.ts';

void describe('IPC router', () => {
  let tmp: string;
  let engine: Engine;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-ipc-'));
    engine = await createEngine({ dataDir: tmp, mode: 'test', dbKey: null, autoStart: false, log: silentLogger });
  });
  after(async () => {
    await engine.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  void it('every contract channel has a handler (createEngine would have thrown otherwise)', () => {
    assert.deepEqual(missingHandlers(engine.handlers), []);
    for (const channel of Object.keys(api)) assert.equal(typeof (engine.handlers as Record<string, unknown>)[channel], 'function', channel);
    const partial = { ...engine.handlers } as Record<string, unknown>;
    delete partial['app:info'];
    assert.deepEqual(missingHandlers(partial as typeof engine.handlers), ['app:info']);
  });

  void it('trusts only the app origin in the top frame', () => {
    assert.equal(isTrustedSenderUrl({ url: `${APP_ORIGIN}/index.html`, isTopFrame: true }), true);
    assert.equal(isTrustedSenderUrl({ url: `${APP_ORIGIN}/index.html`, isTopFrame: false }), false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://scandesk.evil/', 'app://other/', 'scan://doc/1', '', null, undefined, 'not a url']) {
      assert.equal(isTrustedSenderUrl({ url, isTopFrame: true }), false, String(url));
    }
  });

  void it('routes a trusted call to the engine and refuses an untrusted one without calling it', async () => {
    const route = createIpcRouter(engine);
    const ok = await route({ url: `${APP_ORIGIN}/index.html`, isTopFrame: true }, { channel: 'app:info', args: {} });
    assert.equal(ok.ok, true);
    assert.equal((ok as { value: { user: string } }).value.user, engine.ctx.actor);
    let called = 0;
    const spy = createIpcRouter({ call: async () => ((called++), { ok: true, value: null }) });
    const denied = await spy({ url: 'https://evil.example/', isTopFrame: true }, { channel: 'app:info', args: {} });
    assert.equal(denied.ok, false);
    assert.equal(called, 0);
  });

  void it('bad channels and bad args come back as error envelopes, never throw', async () => {
    const route = createIpcRouter(engine);
    const top = { url: `${APP_ORIGIN}/`, isTopFrame: true };
    const unknown = await route(top, { channel: 'fs:read', args: { path: '/etc/passwd' } });
    assert.equal(unknown.ok, false);
    const noChannel = await route(top, 42);
    assert.equal(noChannel.ok, false);
    const badArgs = await route(top, { channel: 'settings:set-credentials', args: { token: 'x' } });
    assert.equal(badArgs.ok, false);
  });
});
