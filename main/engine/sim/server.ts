// Local Beorg API simulator (beorg-api.md §0, §9): node:http on 127.0.0.1, strict validation, results that
// echo what the scans show, a processing lifecycle with realistic delays, per-token rate limits, seeded fault
// injection, and /__sim/ admin endpoints plus a request log so tests can assert what a client actually did.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { createRng, type Rng } from '../samples/random.ts';
import { defaultSimConfig, mergeConfig, SIM_CREDENTIALS, SIM_PRESETS, type FaultRates, type SimConfig, type SimConfigPatch } from './config.ts';
import { apiError, validateUpload, type ApiError, type UploadImage } from './upload.ts';
import { buildGroups, buildResultDocuments, isPoor, plantedDelay, type HashScenario, type ImageProbe, type ResultDocument } from './results.ts';

export { SIM_CREDENTIALS, SIM_PRESETS, defaultSimConfig, mergeConfig };
export type { SimConfig, SimConfigPatch, FaultRates };
export { BROKEN_REASONS, verifyPassport, type HashScenario } from './results.ts';

export type SimLogEntry = {
  seq: number;
  /** Date.now() at request start. */
  t: number;
  tEnd: number;
  method: string;
  path: string;
  kind: 'upload' | 'poll' | 'admin' | 'other';
  /** null = connection reset without a response. */
  status: number | null;
  token: string | null;
  documentId: string | null;
  /** SHA-256 hex of each decoded image of an upload. */
  imageHashes: string[];
  /** Concurrent uploads at start, including this one. */
  uploadsInFlight: number;
  requestsInFlight: number;
  fault: string | null;
};

export type SimDocumentState = 'processing' | 'ready' | 'failed' | 'expired';

export type SimDocumentInfo = {
  id: string;
  token: string;
  createdAt: number;
  readyAt: number;
  state: SimDocumentState;
  keys: string[];
  types: string[];
  imageHashes: string[];
  broken: boolean;
  /** Recognitions billed for it (one per result document). */
  billed: number;
  polls: number;
};

export type Simulator = {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  port: number;
  /** Current configuration (a snapshot; change it with setConfig). */
  config: SimConfig;
  setConfig(patch: SimConfigPatch): void;
  log(): SimLogEntry[];
  clearLog(): void;
  documents(): SimDocumentInfo[];
  /** Recognitions billed per token. */
  billing(): Record<string, number>;
  forceComplete(id: string): void;
  /** Plant a scenario for an image by its SHA-256 (wins over a scenario embedded in the image). */
  setScenario(sha256: string, scenario: HashScenario | null): void;
  /** Make a document fail terminally now: 200 broken, or 500 forever. */
  forceFail(id: string, mode?: 'broken' | 'http500'): void;
  /** Forget documents, log, billing, buckets; re-seed the random streams. Keeps the configuration. */
  reset(): void;
  close(): Promise<void>;
};

type SimDocument = {
  id: string;
  token: string;
  createdAt: number;
  readyAt: number;
  failMode: 'broken' | 'http500' | null;
  keys: string[];
  types: string[];
  imageHashes: string[];
  billed: number;
  polls: number;
  documents: ResultDocument[];
};

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | { reset: true };

const ADD_PATH = '/api/bescan/add_document';

/** Percent-decoding that never throws: a malformed escape stays as sent (and simply matches no document). */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
const RESULT_PREFIX = '/api/document/result/';

function sampleDelay(cfg: SimConfig, rng: Rng): number {
  const d = cfg.delay;
  switch (d.kind) {
    case 'fixed': return d.ms;
    case 'lognormal': {
      // p95 = median · e^(1.6449σ)  ⇒  σ = ln(p95/median)/1.6449
      const sigma = d.p95Ms > d.medianMs ? Math.log(d.p95Ms / d.medianMs) / 1.6449 : 0;
      return Math.min(d.maxMs, d.medianMs * Math.exp(sigma * rng.normal()));
    }
  }
}

/** Admin input for /__sim/scenario/<sha256>: shape-checked only (it comes from a test, not from a client). */
function parseHashScenario(body: unknown): HashScenario | null {
  if (typeof body !== 'object' || body === null) return null;
  const { docType, scenario } = body as { docType?: unknown; scenario?: unknown };
  if (docType !== undefined && docType !== 'PASSPORT' && docType !== 'INN' && docType !== 'SELFIE') return null;
  if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario)) return null;
  return { ...(docType ? { docType } : {}), scenario: scenario as HashScenario['scenario'] };
}

function pickFault(rates: FaultRates, rng: Rng, kind: 'upload' | 'poll'): keyof FaultRates | null {
  const r = rng.next();
  let acc = 0;
  for (const f of ['http500', 'http502', 'http503', 'reset', 'stall', 'lostResponse'] as const) {
    if (f === 'lostResponse' && kind !== 'upload') continue;
    acc += rates[f];
    if (r < acc) return f;
  }
  return null;
}

const FAULT_LABEL: Record<keyof FaultRates, string> = {
  http500: 'http500', http502: 'http502', http503: 'http503', reset: 'reset', stall: 'stall', lostResponse: 'lost-response',
};

export async function startSimulator(opts: { port?: number; config?: SimConfigPatch } = {}): Promise<Simulator> {
  let cfg = mergeConfig(defaultSimConfig(), opts.config ?? {});
  // Separate streams so that, e.g., turning faults on does not change processing delays.
  let faultRng = createRng(cfg.seed * 7919 + 1);
  let delayRng = createRng(cfg.seed * 7919 + 2);
  let latencyRng = createRng(cfg.seed * 7919 + 3);
  const docs = new Map<string, SimDocument>();
  const billed = new Map<string, number>();
  const seenHashes = new Map<string, { id: string; at: number }>(); // token + ':' + sha256
  const buckets = new Map<string, { tokens: number; at: number }>();
  const uploadsByToken = new Map<string, number>();
  const hashScenarios = new Map<string, HashScenario>();
  let nextNumber = cfg.firstDocumentNumber;
  let log: SimLogEntry[] = [];
  let seq = 0;
  let uploadsInFlight = 0;
  let requestsInFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const wait = (ms: number) => (ms <= 0 ? Promise.resolve() : new Promise<void>((resolve) => {
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  }));

  function reseed(): void {
    faultRng = createRng(cfg.seed * 7919 + 1);
    delayRng = createRng(cfg.seed * 7919 + 2);
    latencyRng = createRng(cfg.seed * 7919 + 3);
  }

  function stateOf(d: SimDocument, now: number): SimDocumentState {
    if (now < d.readyAt) return 'processing';
    if (cfg.resultTtlMs !== null && now > d.readyAt + cfg.resultTtlMs) return 'expired';
    return d.failMode === 'http500' ? 'failed' : 'ready';
  }

  /** Token bucket over all API endpoints of one token. Returns seconds to wait, or 0 when allowed. */
  function takeToken(token: string, now: number): number {
    const rl = cfg.rateLimit;
    if (!rl) return 0;
    const b = buckets.get(token) ?? { tokens: rl.burst, at: now };
    b.tokens = Math.min(rl.burst, b.tokens + ((now - b.at) / 1000) * rl.perSecond);
    b.at = now;
    buckets.set(token, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rl.perSecond));
  }

  const tooMany = (seconds: number, message: string): Reply => ({
    status: 429,
    body: { errors: { type: 'TooManyRequests', message } },
    headers: cfg.retryAfterHeader ? { 'Retry-After': String(seconds) } : {},
  });
  const fromError = (e: ApiError): Reply => ({ status: e.status, body: e.body });

  async function probe(img: UploadImage): Promise<ImageProbe> {
    if (img.format === 'pdf' || img.format === 'unknown') return { decodable: img.format === 'pdf', shortSide: null };
    try {
      const m = await sharp(img.bytes).metadata();
      return { decodable: true, shortSide: m.width && m.height ? Math.min(m.width, m.height) : null };
    } catch {
      return { decodable: false, shortSide: null };
    }
  }

  async function handleUpload(body: unknown, entry: SimLogEntry): Promise<Reply> {
    const v = validateUpload(body, cfg);
    if (!v.ok) return fromError(v.error);
    const req = v.value;
    entry.imageHashes = req.images.map((i) => i.sha256);
    const now = Date.now();
    if (cfg.dedup.mode !== 'off') {
      const hit = req.images.map((i) => seenHashes.get(`${req.token}:${i.sha256}`)).find((h) => h && now - h.at <= cfg.dedup.windowMs);
      if (hit) {
        entry.documentId = hit.id;
        return cfg.dedup.mode === 'conflict'
          ? { status: 409, body: { error: { message: 'The image was already uploaded', data: { questionary_id: hit.id } } } }
          : { status: 200, body: { document_id: hit.id } };
      }
    }
    const terminal = faultRng.chance(cfg.terminalFailure.probability) ? cfg.terminalFailure.mode : null;
    const probes = await Promise.all(req.images.map(probe));
    const groups = buildGroups(req, probes, cfg, terminal === 'broken', (h) => hashScenarios.get(h));
    const cost = groups.length;
    const spent = billed.get(req.token) ?? 0;
    if (cfg.balance !== null && spent + cost > cfg.balance) {
      return { status: cfg.balanceStatus, body: { errors: { type: 'InsufficientFunds', message: 'Недостаточно средств на балансе / balance exhausted' } } };
    }
    billed.set(req.token, spent + cost);
    const number = nextNumber++;
    const id = cfg.idFormat === 's-int' ? `s-${number}` : String(number);
    const typeMult = Math.max(...groups.map((g) => cfg.typeDelayMultiplier[g.type] ?? 1));
    const planted = plantedDelay(groups);
    const base = planted ?? sampleDelay(cfg, delayRng) * typeMult * (isPoor(groups) ? cfg.poorDelayMultiplier : 1);
    const created = Date.now();
    const doc: SimDocument = {
      id, token: req.token, createdAt: created, readyAt: created + base * cfg.timeScale, failMode: terminal,
      keys: groups.map((g) => g.key), types: groups.map((g) => g.type), imageHashes: entry.imageHashes,
      billed: cost, polls: 0, documents: buildResultDocuments(groups, cfg, created),
    };
    docs.set(id, doc);
    for (const h of doc.imageHashes) seenHashes.set(`${req.token}:${h}`, { id, at: created });
    entry.documentId = id;
    return { status: 200, body: { document_id: id } };
  }

  function handlePoll(id: string, token: string | null, entry: SimLogEntry): Reply {
    entry.documentId = id;
    if (token === null || !cfg.accounts.some((a) => a.token === token)) return fromError(apiError(401, 'AccessDenied', 'Access denied: invalid token'));
    const doc = docs.get(id);
    const notFound = () => fromError(apiError(404, 'DocumentNotFound', `Document ${JSON.stringify(id)} not found`));
    if (!doc) return notFound();
    if (doc.token !== token) return cfg.foreignTokenStatus === 404 ? notFound() : fromError(apiError(401, 'AccessDenied', 'Access denied: the document belongs to another token'));
    doc.polls++;
    const state = stateOf(doc, Date.now());
    switch (state) {
      case 'processing':
        switch (cfg.pendingMode) {
          case '425': return { status: 425, body: cfg.pendingBody };
          case '202': return { status: 202, body: cfg.pendingBody };
          case '200-empty': return { status: 200, body: { document_id: id, documents: [] } };
        }
        break;
      case 'expired': return notFound();
      case 'failed':
        entry.fault = 'terminal-http500';
        return { status: 500, body: { errors: { type: 'InternalError', message: 'Document processing failed' } } };
      case 'ready': return { status: 200, body: { document_id: id, documents: doc.documents } };
    }
    return notFound();
  }

  function info(d: SimDocument): SimDocumentInfo {
    return {
      id: d.id, token: d.token, createdAt: d.createdAt, readyAt: d.readyAt, state: stateOf(d, Date.now()), keys: d.keys,
      types: d.types, imageHashes: d.imageHashes, broken: d.documents.some((x) => x.broken === true), billed: d.billed, polls: d.polls,
    };
  }

  function forceComplete(id: string): void {
    const d = docs.get(id);
    if (!d) throw new Error(`unknown simulator document ${id}`);
    d.readyAt = Math.min(d.readyAt, Date.now());
  }

  function forceFail(id: string, mode: 'broken' | 'http500' = 'broken'): void {
    const d = docs.get(id);
    if (!d) throw new Error(`unknown simulator document ${id}`);
    d.readyAt = Math.min(d.readyAt, Date.now());
    d.failMode = mode;
    if (mode === 'broken') {
      for (const r of d.documents) {
        r.broken = true;
        r.broken_reasons = [...r.broken_reasons, 'Defective (other reason)'];
        r.broken_reasons_ru = [...r.broken_reasons_ru, 'Брак (иная причина)'];
      }
    }
  }

  function reset(): void {
    docs.clear();
    billed.clear();
    seenHashes.clear();
    buckets.clear();
    hashScenarios.clear();
    log = [];
    seq = 0;
    nextNumber = cfg.firstDocumentNumber;
    reseed();
  }

  function setConfig(patch: SimConfigPatch): void {
    const seedBefore = cfg.seed;
    cfg = mergeConfig(cfg, patch);
    if (cfg.seed !== seedBefore) reseed();
    if (!cfg.rateLimit) buckets.clear();
  }

  function handleAdmin(method: string, path: string, body: unknown): Reply {
    const rest = path.slice('/__sim/'.length);
    const idArg = (prefix: string) => safeDecode(rest.slice(prefix.length));
    try {
      if (rest === 'config' && method === 'GET') return { status: 200, body: cfg };
      if (rest === 'config' && (method === 'PUT' || method === 'PATCH')) {
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: { error: 'JSON object expected' } };
        setConfig(body as SimConfigPatch);
        return { status: 200, body: cfg };
      }
      if (rest === 'log' && method === 'GET') return { status: 200, body: log };
      if (rest === 'log' && method === 'DELETE') { log = []; return { status: 204 }; }
      if (rest === 'documents' && method === 'GET') return { status: 200, body: [...docs.values()].map(info) };
      if (rest === 'billing' && method === 'GET') return { status: 200, body: Object.fromEntries(billed) };
      if (rest === 'reset' && method === 'POST') { reset(); return { status: 204 }; }
      if (rest.startsWith('force-complete/') && method === 'POST') { forceComplete(idArg('force-complete/')); return { status: 204 }; }
      if (rest.startsWith('scenario/') && (method === 'PUT' || method === 'DELETE')) {
        const sha = idArg('scenario/').toLowerCase();
        if (!/^[0-9a-f]{64}$/.test(sha)) return { status: 400, body: { error: 'sha256 hex expected' } };
        if (method === 'DELETE') hashScenarios.delete(sha);
        else {
          const parsed = parseHashScenario(body);
          if (!parsed) return { status: 400, body: { error: 'expected {docType?, scenario}' } };
          hashScenarios.set(sha, parsed);
        }
        return { status: 204 };
      }
      if (rest.startsWith('fail/') && method === 'POST') {
        const mode = (body as { mode?: unknown } | null)?.mode === 'http500' ? 'http500' : 'broken';
        forceFail(idArg('fail/'), mode);
        return { status: 204 };
      }
    } catch (e) {
      return { status: 404, body: { error: (e as Error).message } };
    }
    return { status: 404, body: { error: `no admin route ${method} ${path}` } };
  }

  function send(res: http.ServerResponse, reply: Reply, entry: SimLogEntry, closeAfter = false): void {
    if ('reset' in reply || res.destroyed) {
      entry.status = null;
      res.socket?.destroy();
      return;
    }
    entry.status = reply.status;
    const headers: Record<string, string> = { ...reply.headers };
    if (closeAfter) headers.Connection = 'close';
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }

  /** Reads the body up to maxBodyBytes; beyond that returns null (the caller answers 413 and closes). */
  function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > cfg.maxBodyBytes) {
        resolve(null);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        if (over) return;
        size += c.length;
        if (size > cfg.maxBodyBytes) {
          over = true;
          chunks.length = 0;
          resolve(null);
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => { if (!over) resolve(Buffer.concat(chunks)); });
      req.on('error', reject);
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const t = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const kind: SimLogEntry['kind'] = path.startsWith('/__sim/') ? 'admin' : path === ADD_PATH ? 'upload' : path.startsWith(RESULT_PREFIX) ? 'poll' : 'other';
    requestsInFlight++;
    if (kind === 'upload') uploadsInFlight++;
    const entry: SimLogEntry = {
      seq: ++seq, t, tEnd: t, method, path, kind, status: null, token: null, documentId: null, imageHashes: [],
      uploadsInFlight, requestsInFlight, fault: null,
    };
    log.push(entry);
    if (log.length > cfg.logLimit) log.splice(0, log.length - cfg.logLimit);
    let tokenInFlight: string | null = null;
    res.on('close', () => {
      requestsInFlight--;
      if (kind === 'upload') uploadsInFlight--;
      if (tokenInFlight !== null) uploadsByToken.set(tokenInFlight, (uploadsByToken.get(tokenInFlight) ?? 1) - 1);
      entry.tEnd = Date.now();
    });

    const raw = await readBody(req);
    if (raw === null) {
      send(res, fromError(apiError(413, 'PayloadTooLarge', `request body is larger than ${cfg.maxBodyBytes} bytes`)), entry, true);
      req.resume(); // drain so the client sees the 413 instead of a write error
      return;
    }
    let body: unknown = undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        badJson = true;
      }
    }
    if (kind === 'admin') {
      send(res, badJson ? { status: 400, body: { error: 'malformed JSON' } } : handleAdmin(method, path, body), entry);
      return;
    }
    if (kind === 'other') {
      send(res, fromError(apiError(404, 'NotFound', `No route ${method} ${path}`)), entry);
      return;
    }
    const allowed = kind === 'upload' ? method === 'POST' : method === 'GET' || (method === 'POST' && cfg.resultPost);
    if (!allowed) {
      send(res, { status: 405, body: { errors: { type: 'MethodNotAllowed', message: `${method} is not allowed here` } }, headers: { Allow: kind === 'upload' ? 'POST' : cfg.resultPost ? 'GET, POST' : 'GET' } }, entry);
      return;
    }
    const bodyToken = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
    const token = url.searchParams.get('token') ?? (typeof bodyToken === 'string' ? bodyToken : null);
    entry.token = token;

    // Gateway-level behaviour first: rate limits, then injected faults; only then the application.
    const now = Date.now();
    const wait429 = takeToken(token ?? '(none)', now);
    if (wait429 > 0) {
      send(res, tooMany(wait429, 'Rate limit exceeded'), entry);
      return;
    }
    if (kind === 'upload' && token !== null) {
      const n = (uploadsByToken.get(token) ?? 0) + 1;
      uploadsByToken.set(token, n);
      tokenInFlight = token;
      if (cfg.maxInFlightUploads !== null && n > cfg.maxInFlightUploads) {
        send(res, tooMany(1, 'Too many concurrent uploads'), entry);
        return;
      }
    }
    const fault = pickFault(kind === 'upload' ? cfg.faults.upload : cfg.faults.poll, faultRng, kind);
    if (fault !== null) entry.fault = FAULT_LABEL[fault];
    switch (fault) {
      case 'http500': case 'http502': case 'http503': {
        const status = Number(fault.slice(4));
        send(res, { status, body: { errors: { type: 'ServerError', message: `Injected ${status}` } } }, entry);
        return;
      }
      case 'reset':
        send(res, { reset: true }, entry);
        return;
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
      if (kind !== 'upload' || !cfg.processAbandonedUploads) return;
      entry.fault ??= 'client-gone';
    }
    if (kind === 'upload' && cfg.requireJsonContentType && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      send(res, fromError(apiError(400, 'BadRequest', 'Content-Type must be application/json')), entry);
      return;
    }
    if (badJson) {
      send(res, fromError(apiError(400, 'BadRequest', 'malformed JSON body')), entry);
      return;
    }
    if (kind === 'upload') {
      const reply = await handleUpload(body, entry);
      send(res, fault === 'lostResponse' && 'status' in reply && reply.status === 200 ? { reset: true } : reply, entry);
      return;
    }
    const id = safeDecode(path.slice(RESULT_PREFIX.length));
    send(res, handlePoll(id, token, entry), entry);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Never crash on bad input: anything unexpected becomes a 500 with the message.
      if (!res.headersSent && !res.destroyed) {
        const text = JSON.stringify({ errors: { type: 'InternalError', message: String((e as Error)?.message ?? e) } });
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' }).end(text);
      } else res.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const sim: Simulator = {
    url: `http://127.0.0.1:${port}`,
    port,
    get config() { return structuredClone(cfg); },
    setConfig,
    log: () => log.map((e) => ({ ...e, imageHashes: [...e.imageHashes] })),
    clearLog: () => { log = []; },
    documents: () => [...docs.values()].map(info),
    billing: () => Object.fromEntries(billed),
    forceComplete,
    setScenario: (sha, sc) => {
      if (sc === null) hashScenarios.delete(sha.toLowerCase());
      else hashScenarios.set(sha.toLowerCase(), sc);
    },
    forceFail,
    reset,
    close: async () => {
      for (const tm of timers) clearTimeout(tm);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
  return sim;
}

