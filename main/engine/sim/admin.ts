// /__sim/ admin endpoints: configuration, the request log, documents, billing, reset, and levers that force a
// document's fate or plant a scenario for an image hash. Only tests and the CLI call these.
import type { SimConfig, SimConfigPatch } from './config.ts';
import type { HashScenario } from './results.ts';
import type { DocumentStore } from './documents.ts';
import type { Reply, SimLogEntry } from './types.ts';

/** Percent-decoding that never throws: a malformed escape stays as sent (and simply matches no document). */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
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

export type AdminTarget = {
  cfg(): SimConfig;
  setConfig(patch: SimConfigPatch): void;
  log(): SimLogEntry[];
  clearLog(): void;
  reset(): void;
  store: DocumentStore;
};

function scenarioRoute(method: string, sha: string, body: unknown, store: DocumentStore): Reply {
  if (!/^[0-9a-f]{64}$/.test(sha)) return { status: 400, body: { error: 'sha256 hex expected' } };
  if (method === 'DELETE') store.setScenario(sha, null);
  else {
    const parsed = parseHashScenario(body);
    if (!parsed) return { status: 400, body: { error: 'expected {docType?, scenario}' } };
    store.setScenario(sha, parsed);
  }
  return { status: 204 };
}

export function handleAdmin(sim: AdminTarget, method: string, path: string, body: unknown): Reply {
  const rest = path.slice('/__sim/'.length);
  const idArg = (prefix: string) => safeDecode(rest.slice(prefix.length));
  try {
    if (rest === 'config' && method === 'GET') return { status: 200, body: sim.cfg() };
    if (rest === 'config' && (method === 'PUT' || method === 'PATCH')) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: { error: 'JSON object expected' } };
      sim.setConfig(body as SimConfigPatch);
      return { status: 200, body: sim.cfg() };
    }
    if (rest === 'log' && method === 'GET') return { status: 200, body: sim.log() };
    if (rest === 'log' && method === 'DELETE') { sim.clearLog(); return { status: 204 }; }
    if (rest === 'documents' && method === 'GET') return { status: 200, body: sim.store.documents() };
    if (rest === 'billing' && method === 'GET') return { status: 200, body: sim.store.billing() };
    if (rest === 'reset' && method === 'POST') { sim.reset(); return { status: 204 }; }
    if (rest.startsWith('force-complete/') && method === 'POST') { sim.store.forceComplete(idArg('force-complete/')); return { status: 204 }; }
    if (rest.startsWith('scenario/') && (method === 'PUT' || method === 'DELETE')) return scenarioRoute(method, idArg('scenario/').toLowerCase(), body, sim.store);
    if (rest.startsWith('fail/') && method === 'POST') {
      const mode = (body as { mode?: unknown } | null)?.mode === 'http500' ? 'http500' : 'broken';
      sim.store.forceFail(idArg('fail/'), mode);
      return { status: 204 };
    }
  } catch (e) {
    return { status: 404, body: { error: (e as Error).message } };
  }
  return { status: 404, body: { error: `no admin route ${method} ${path}` } };
}
