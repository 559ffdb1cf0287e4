// Security checks in real Chromium against browser mode (the engine + main/web/server.ts in this process):
// the page has no Node, the CSP blocks injected script and foreign connections, the bridge refuses
// missing/wrong tokens and foreign origins (and a foreign page cannot change state), and the image route
// refuses traversal and unknown ids.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startScanDesk, type ScanDeskApp } from './helpers/scandesk.ts';

// Browser globals used inside page.evaluate (this project type-checks without the DOM lib; kept file-local).
type El = { textContent: string; src: string; setAttribute(n: string, v: string): void };
declare const window: Record<string, unknown>;
declare const document: {
  body: { appendChild(e: El): void };
  createElement(tag: string): El;
  addEventListener(type: 'securitypolicyviolation', fn: (e: { violatedDirective: string }) => void): void;
};

let app: ScanDeskApp;
let base: string;
test.beforeAll(async () => {
  app = await startScanDesk({ seed: 2 });
  base = new URL(app.url).origin;
});
test.afterAll(async () => { await app?.close(); });

/** Raw HTTP so a test can send any Origin/Host (fetch and Playwright forbid some of these). */
function raw(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  const port = Number(new URL(base).port);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
// A state-changing call whose effect is easy to see: if any refused request got through, retention would be 77.
const callBody = JSON.stringify({ channel: 'settings:set', args: { retentionDays: 77 } });
const unchanged = async () => ((await app.request('settings:get')) as { retentionDays: number }).retentionDays !== 77;

test('the page has no Node: window.require, process, module are absent', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('body')).not.toBeEmpty();
  const globals = await page.evaluate(() => ({
    require: typeof window.require,
    process: typeof window.process,
    module: typeof window.module,
    buffer: typeof window.Buffer,
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', buffer: 'undefined' });
});

test('CSP header is strict, injected inline script and inline handlers do not run, foreign hosts are unreachable', async ({ page }) => {
  const res = await page.goto(app.url);
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  const outcome = await page.evaluate(async () => {
    const w = window;
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = "script"';
    document.body.appendChild(s);
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__pwned2 = "handler"');
    img.src = 'data:,broken';
    document.body.appendChild(img);
    let fetchBlocked = false;
    try {
      await fetch('http://127.0.0.2:9/steal', { mode: 'no-cors' });
    } catch {
      fetchBlocked = true;
    }
    await new Promise((r) => setTimeout(r, 200)); // violation events are async; bounded, not a state wait
    return { pwned: w.__pwned ?? null, pwned2: w.__pwned2 ?? null, fetchBlocked, violations };
  });
  expect(outcome.pwned).toBeNull();
  expect(outcome.pwned2).toBeNull();
  expect(outcome.fetchBlocked).toBe(true);
  expect(outcome.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(outcome.violations.some((v) => v.startsWith('connect-src'))).toBe(true);
});

test('the page\'s meta CSP widens nothing (no bare ws:), and the same-origin event socket still connects', async ({ page }) => {
  const html = (await raw({ path: '/index.html' })).body;
  const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const connect = meta.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src')) ?? '';
  expect(connect).toBe("connect-src 'self' scan:");
  expect(meta).toContain("object-src 'none'");
  await page.goto(app.url);
  const outcome = await page.evaluate(async (token) => {
    type Ws = { onopen: (() => void) | null; onerror: (() => void) | null; close(): void };
    const g = globalThis as unknown as { WebSocket: new (u: string) => Ws; location: { href: string } };
    const url = new URL(`api/events?t=${encodeURIComponent(token)}`, g.location.href).toString().replace(/^http/, 'ws');
    return new Promise<string>((resolve) => {
      try {
        const ws = new g.WebSocket(url);
        ws.onopen = () => { ws.close(); resolve('open'); };
        ws.onerror = () => resolve('error');
      } catch (err) {
        resolve(`thrown: ${String(err)}`);
      }
    });
  }, app.token);
  expect(outcome).toBe('open');
});

test('the bridge refuses a missing or wrong token and a foreign Origin or Host', async () => {
  const json = { 'Content-Type': 'application/json' };
  const cases: [string, Record<string, string>, number][] = [
    ['no token', json, 401],
    ['wrong token', { ...json, 'X-ScanDesk-Token': 'x'.repeat(app.token.length) }, 401],
    ['foreign origin', { ...json, 'X-ScanDesk-Token': app.token, Origin: 'http://evil.example' }, 403],
    ['foreign host (DNS rebinding)', { ...json, 'X-ScanDesk-Token': app.token, Host: 'evil.example' }, 403],
  ];
  for (const [label, headers, status] of cases) {
    const r = await raw({ method: 'POST', path: '/api/call', headers, body: callBody });
    expect(r.status, label).toBe(status);
  }
  // Token in the query string is not accepted for calls (it would leak via history/referrers).
  expect((await raw({ method: 'POST', path: `/api/call?t=${app.token}`, headers: json, body: callBody })).status).toBe(401);
  expect(await unchanged()).toBe(true);
  // Control: the same call with the right token and no foreign headers does work.
  const ok = await raw({ method: 'POST', path: '/api/call', headers: { ...json, 'X-ScanDesk-Token': app.token }, body: callBody });
  expect(ok.status).toBe(200);
  expect(await unchanged()).toBe(false);
  await app.request('settings:set', { retentionDays: 0 });
});

test('a page on another origin cannot change state even when it knows the token', async ({ page }) => {
  const evil = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>evil</title>'));
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  try {
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const results = await page.evaluate(async ({ target, token, body }) => {
      const out: string[] = [];
      const attempts: RequestInit[] = [
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-ScanDesk-Token': token }, body },
        { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body },
      ];
      for (const init of attempts) {
        try {
          const r = await fetch(`${target}/api/call`, init);
          out.push(`status ${r.status}`);
        } catch {
          out.push('blocked');
        }
      }
      return out;
    }, { target: base, token: app.token, body: callBody });
    expect(results[0]).toBe('blocked'); // CORS preflight is not answered
    expect(await unchanged()).toBe(true); // and above all: nothing happened on the server
  } finally {
    evil.close();
  }
});

test('the image route refuses traversal, encoded traversal and unknown ids', async () => {
  const t = `t=${app.token}`;
  const known = (await app.request<{ rows: { id: number }[] }>('documents:list', { offset: 0, limit: 5 })).rows[0]!.id;
  const refused = [
    `/api/image/../../etc/passwd?${t}`,
    `/api/image/..%2f..%2fetc%2fpasswd?${t}`,
    `/api/image/%2e%2e%2f%2e%2e%2fetc%2fpasswd?${t}`,
    `/api/image/%252e%252e%252fetc%252fpasswd?${t}`,
    `/api/image/${known}%2f..%2f..?${t}`,
    `/api/image/999999?${t}`,
    `/api/image/-1?${t}`,
    `/api/image/${known}`, // no token
  ];
  for (const p of refused) {
    const r = await raw({ path: p });
    expect([401, 403, 404], p).toContain(r.status);
    expect(r.body, p).not.toContain('root:');
  }
});
