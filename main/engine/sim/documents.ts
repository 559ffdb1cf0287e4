// The simulator's application: documents it created (what each shows, when it is ready, what it billed), the
// upload and result endpoints behind the gateway, and the admin levers that force a document's fate.
import sharp from 'sharp';
import type { Clock } from '../clock.ts';
import type { Rng } from '../samples/random.ts';
import type { SimConfig } from './config.ts';
import { apiError, validateUpload, type ApiError, type UploadImage } from './upload.ts';
import { buildGroups, buildResultDocuments, isPoor, plantedDelay, type HashScenario, type ImageProbe, type ResultDocument } from './results.ts';
import type { Reply, SimDocumentInfo, SimDocumentState, SimLogEntry } from './types.ts';

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

/** What the application reads from the server around it: the live configuration, its clock and random streams. */
export type AppEnv = { cfg(): SimConfig; clock: Clock; faultRng(): Rng; delayRng(): Rng };

export const fromError = (e: ApiError): Reply => ({ status: e.status, body: e.body });

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

async function probe(img: UploadImage): Promise<ImageProbe> {
  if (img.format === 'pdf' || img.format === 'unknown') return { decodable: img.format === 'pdf', shortSide: null };
  try {
    const m = await sharp(img.bytes).metadata();
    return { decodable: true, shortSide: m.width && m.height ? Math.min(m.width, m.height) : null };
  } catch {
    return { decodable: false, shortSide: null };
  }
}

export function createDocumentStore(env: AppEnv) {
  const docs = new Map<string, SimDocument>();
  const billed = new Map<string, number>();
  const seenHashes = new Map<string, { id: string; at: number }>(); // token + ':' + sha256
  const hashScenarios = new Map<string, HashScenario>();
  let nextNumber = env.cfg().firstDocumentNumber;

  function stateOf(d: SimDocument, now: number): SimDocumentState {
    const cfg = env.cfg();
    if (now < d.readyAt) return 'processing';
    if (cfg.resultTtlMs !== null && now > d.readyAt + cfg.resultTtlMs) return 'expired';
    return d.failMode === 'http500' ? 'failed' : 'ready';
  }

  /** A re-upload of content seen within the dedup window, answered as configured; null = not a duplicate. */
  function dedupReply(token: string, hashes: string[], now: number, entry: SimLogEntry): Reply | null {
    const cfg = env.cfg();
    if (cfg.dedup.mode === 'off') return null;
    const hit = hashes.map((h) => seenHashes.get(`${token}:${h}`)).find((h) => h && now - h.at <= cfg.dedup.windowMs);
    if (!hit) return null;
    entry.documentId = hit.id;
    return cfg.dedup.mode === 'conflict'
      ? { status: 409, body: { error: { message: 'The image was already uploaded', data: { questionary_id: hit.id } } } }
      : { status: 200, body: { document_id: hit.id } };
  }

  async function handleUpload(body: unknown, entry: SimLogEntry): Promise<Reply> {
    const cfg = env.cfg();
    const v = validateUpload(body, cfg);
    if (!v.ok) return fromError(v.error);
    const req = v.value;
    entry.imageHashes = req.images.map((i) => i.sha256);
    const dup = dedupReply(req.token, entry.imageHashes, env.clock.now(), entry);
    if (dup) return dup;
    const terminal = env.faultRng().chance(cfg.terminalFailure.probability) ? cfg.terminalFailure.mode : null;
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
    const base = plantedDelay(groups) ?? sampleDelay(cfg, env.delayRng()) * typeMult * (isPoor(groups) ? cfg.poorDelayMultiplier : 1);
    const created = env.clock.now();
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
    const cfg = env.cfg();
    entry.documentId = id;
    if (token === null || !cfg.accounts.some((a) => a.token === token)) return fromError(apiError(401, 'AccessDenied', 'Access denied: invalid token'));
    const doc = docs.get(id);
    const notFound = () => fromError(apiError(404, 'DocumentNotFound', `Document ${JSON.stringify(id)} not found`));
    if (!doc) return notFound();
    if (doc.token !== token) return cfg.foreignTokenStatus === 404 ? notFound() : fromError(apiError(401, 'AccessDenied', 'Access denied: the document belongs to another token'));
    doc.polls++;
    switch (stateOf(doc, env.clock.now())) {
      case 'processing':
        switch (cfg.pendingMode) {
          case '425': return { status: 425, body: cfg.pendingBody };
          case '202': return { status: 202, body: cfg.pendingBody };
          case '200-empty': return { status: 200, body: { document_id: id, documents: [] } };
        }
        return notFound();
      case 'expired': return notFound();
      case 'failed':
        entry.fault = 'terminal-http500';
        return { status: 500, body: { errors: { type: 'InternalError', message: 'Document processing failed' } } };
      case 'ready': return { status: 200, body: { document_id: id, documents: doc.documents } };
    }
  }

  function info(d: SimDocument): SimDocumentInfo {
    return {
      id: d.id, token: d.token, createdAt: d.createdAt, readyAt: d.readyAt, state: stateOf(d, env.clock.now()), keys: d.keys,
      types: d.types, imageHashes: d.imageHashes, broken: d.documents.some((x) => x.broken === true), billed: d.billed, polls: d.polls,
    };
  }

  function get(id: string): SimDocument {
    const d = docs.get(id);
    if (!d) throw new Error(`unknown simulator document ${id}`);
    return d;
  }

  function forceComplete(id: string): void {
    const d = get(id);
    d.readyAt = Math.min(d.readyAt, env.clock.now());
  }

  function forceFail(id: string, mode: 'broken' | 'http500' = 'broken'): void {
    const d = get(id);
    d.readyAt = Math.min(d.readyAt, env.clock.now());
    d.failMode = mode;
    if (mode === 'broken') {
      for (const r of d.documents) {
        r.broken = true;
        r.broken_reasons = [...r.broken_reasons, 'Defective (other reason)'];
        r.broken_reasons_ru = [...r.broken_reasons_ru, 'Брак (иная причина)'];
      }
    }
  }

  return {
    handleUpload,
    handlePoll,
    forceComplete,
    forceFail,
    documents: () => [...docs.values()].map(info),
    billing: () => Object.fromEntries(billed) as Record<string, number>,
    setScenario(sha: string, sc: HashScenario | null): void {
      if (sc === null) hashScenarios.delete(sha.toLowerCase());
      else hashScenarios.set(sha.toLowerCase(), sc);
    },
    reset(): void {
      docs.clear();
      billed.clear();
      seenHashes.clear();
      hashScenarios.clear();
      nextNumber = env.cfg().firstDocumentNumber;
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
