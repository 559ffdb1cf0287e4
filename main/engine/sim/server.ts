// Local Beorg API simulator (beorg-api.md §0, §9): node:http on 127.0.0.1, strict validation, results that
// echo what the scans show, a processing lifecycle with realistic delays, per-token rate limits, seeded fault
// injection, and /__sim/ admin endpoints plus a request log so tests can assert what a client actually did.
// Time comes from an injected clock (the real one by default): a test on a manual clock moves processing delays,
// stalls, latencies and the rate buckets itself. The parts: gateway.ts (limits, faults), documents.ts (the
// application), admin.ts, http.ts, results.ts (what a scan shows).
import type http from 'node:http';
import { realClock, type Clock } from '../clock.ts';
import { createRng } from '../samples/random.ts';
import { defaultSimConfig, demoSimConfig, mergeConfig, SIM_CREDENTIALS, SIM_PRESETS, type FaultRates, type SimConfig, type SimConfigPatch } from './config.ts';
import { apiError } from './upload.ts';
import { createDocumentStore, fromError } from './documents.ts';
import { createGateway, FAULT_LABEL, pickFault } from './gateway.ts';
import { handleAdmin, safeDecode } from './admin.ts';
import { parseJson, readBody, send, serve } from './http.ts';
import type { Reply, SimLogEntry, Simulator } from './types.ts';

export { SIM_CREDENTIALS, SIM_PRESETS, defaultSimConfig, demoSimConfig, mergeConfig };
export type { SimConfig, SimConfigPatch, FaultRates };
export type { SimLogEntry, SimDocumentState, SimDocumentInfo, Simulator } from './types.ts';
export { BROKEN_REASONS, verifyPassport, type HashScenario } from './results.ts';

const ADD_PATH = '/api/bescan/add_document';
const RESULT_PREFIX = '/api/document/result/';

/** Waits on the simulator's clock, counting the requests parked there (a stall, a latency). A wait cut short by
 *  close() never resumes its request: the socket is gone with the server. */
function parking(clock: Clock, closing: AbortSignal): { wait(ms: number): Promise<void>; parked(): number } {
  let parked = 0;
  return {
    async wait(ms) {
      if (ms <= 0) return;
      parked++;
      try {
        await clock.sleep(ms, closing);
      } catch {
        await new Promise<void>(() => undefined);
      } finally {
        parked--;
      }
    },
    parked: () => parked,
  };
}

export type SimulatorOptions = { port?: number; config?: SimConfigPatch; clock?: Clock };

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? realClock;
  let cfg = mergeConfig(defaultSimConfig(), opts.config ?? {});
  // Separate streams so that, e.g., turning faults on does not change processing delays.
  const rngs = () => [1, 2, 3].map((k) => createRng(cfg.seed * 7919 + k)) as [ReturnType<typeof createRng>, ReturnType<typeof createRng>, ReturnType<typeof createRng>];
  let [faultRng, delayRng, latencyRng] = rngs();
  const store = createDocumentStore({ cfg: () => cfg, clock, faultRng: () => faultRng, delayRng: () => delayRng });
  const gateway = createGateway(() => cfg);
  let log: SimLogEntry[] = [];
  let seq = 0;
  let uploadsInFlight = 0;
  let requestsInFlight = 0;
  let onRequest: ((e: SimLogEntry) => void) | null = null;
  const closing = new AbortController();

  const { wait, parked } = parking(clock, closing.signal);

  function reset(): void {
    store.reset();
    gateway.reset();
    log = [];
    seq = 0;
    [faultRng, delayRng, latencyRng] = rngs();
  }

  function setConfig(patch: SimConfigPatch): void {
    const seedBefore = cfg.seed;
    cfg = mergeConfig(cfg, patch);
    if (cfg.seed !== seedBefore) [faultRng, delayRng, latencyRng] = rngs();
    gateway.configChanged();
  }

  /** Gateway-level behaviour first (rate limits, the in-flight cap, injected faults), then the application. */
  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, entry: SimLogEntry, kind: 'upload' | 'poll', url: URL, body: unknown, badJson: boolean): Promise<Reply> {
    const bodyToken = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
    const token = url.searchParams.get('token') ?? (typeof bodyToken === 'string' ? bodyToken : null);
    entry.token = token;
    const limited = gateway.rateLimited(token, clock.now());
    if (limited) return limited;
    if (kind === 'upload' && token !== null) {
      res.on('close', () => gateway.uploadDone(token));
      const over = gateway.uploadStarted(token);
      if (over) return over;
    }
    const fault = pickFault(kind === 'upload' ? cfg.faults.upload : cfg.faults.poll, faultRng, kind);
    if (fault !== null) entry.fault = FAULT_LABEL[fault];
    switch (fault) {
      case 'http500': case 'http502': case 'http503': {
        const status = Number(fault.slice(4));
        return { status, body: { errors: { type: 'ServerError', message: `Injected ${status}` } } };
      }
      case 'reset':
        return { reset: true };
      case 'stall':
        await wait(cfg.faults.stallMs);
        break;
      case 'lostResponse': case null:
        break;
    }
    const [lo, hi] = kind === 'upload' ? cfg.uploadLatencyMs : cfg.pollLatencyMs;
    await wait(lo + latencyRng.next() * Math.max(0, hi - lo));
    // A client that hung up after sending the whole body does not stop the server: the upload is still created and
    // billed (the product's "uncertain" state must be real here), unless configured otherwise.
    if (res.destroyed) {
      if (kind !== 'upload' || !cfg.processAbandonedUploads) return { reset: true };
      entry.fault ??= 'client-gone';
    }
    if (kind === 'upload' && cfg.requireJsonContentType && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return fromError(apiError(400, 'BadRequest', 'Content-Type must be application/json'));
    }
    if (badJson) return fromError(apiError(400, 'BadRequest', 'malformed JSON body'));
    if (kind === 'upload') {
      const reply = await store.handleUpload(body, entry);
      return fault === 'lostResponse' && 'status' in reply && reply.status === 200 ? { reset: true } : reply;
    }
    return store.handlePoll(safeDecode(url.pathname.slice(RESULT_PREFIX.length)), token, entry);
  }

  function route(method: string, path: string, kind: SimLogEntry['kind'], url: URL, body: unknown, badJson: boolean, req: http.IncomingMessage, res: http.ServerResponse, entry: SimLogEntry): Promise<Reply> | Reply {
    if (kind === 'admin') return badJson ? { status: 400, body: { error: 'malformed JSON' } } : handleAdmin(admin, method, path, body);
    if (kind === 'other') return fromError(apiError(404, 'NotFound', `No route ${method} ${path}`));
    const allowed = kind === 'upload' ? method === 'POST' : method === 'GET' || (method === 'POST' && cfg.resultPost);
    if (!allowed) {
      return { status: 405, body: { errors: { type: 'MethodNotAllowed', message: `${method} is not allowed here` } }, headers: { Allow: kind === 'upload' ? 'POST' : cfg.resultPost ? 'GET, POST' : 'GET' } };
    }
    return handleApi(req, res, entry, kind, url, body, badJson);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const t = clock.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const kind: SimLogEntry['kind'] = path.startsWith('/__sim/') ? 'admin' : path === ADD_PATH ? 'upload' : path.startsWith(RESULT_PREFIX) ? 'poll' : 'other';
    requestsInFlight++;
    if (kind === 'upload') uploadsInFlight++;
    const entry: SimLogEntry = {
      seq: ++seq, t, tEnd: t, method, path, kind, status: null, token: null, documentId: null, imageHashes: [], uploadsInFlight, requestsInFlight, fault: null,
    };
    log.push(entry);
    if (log.length > cfg.logLimit) log.splice(0, log.length - cfg.logLimit);
    res.on('close', () => {
      requestsInFlight--;
      if (kind === 'upload') uploadsInFlight--;
      entry.tEnd = clock.now();
      if (kind === 'upload' || kind === 'poll') onRequest?.(entry);
    });
    const raw = await readBody(req, cfg.maxBodyBytes);
    if (raw === null) {
      send(res, fromError(apiError(413, 'PayloadTooLarge', `request body is larger than ${cfg.maxBodyBytes} bytes`)), entry, true);
      req.resume(); // drain so the client sees the 413 instead of a write error
      return;
    }
    const { body, bad } = parseJson(raw);
    const reply = await route(method, path, kind, url, body, bad, req, res, entry);
    send(res, reply, entry);
  }

  const admin = { cfg: () => cfg, setConfig, log: () => log, clearLog: () => void (log = []), reset, store };

  const { port, close } = await serve(handle, opts.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get config() { return structuredClone(cfg); },
    setConfig,
    log: () => log.map((e) => ({ ...e, imageHashes: [...e.imageHashes] })),
    clearLog: () => { log = []; },
    documents: store.documents,
    billing: store.billing,
    forceComplete: store.forceComplete,
    setScenario: store.setScenario,
    forceFail: store.forceFail,
    inFlight: () => requestsInFlight,
    waiting: parked,
    onRequest: (fn) => { onRequest = fn; },
    reset,
    close: async () => {
      closing.abort();
      await close();
    },
  };
}
