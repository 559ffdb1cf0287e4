// The thread that owns a PostgreSQL connection for a synchronous caller ([Note: PostgreSQL behind a synchronous
// connection]). Statements go to the server in the order sent, each as soon as it arrives (node-postgres's pipeline
// mode: the server runs one while this thread parses the rows of the one before), and are answered in that order:
// each reply goes on the port first, then the shared count of replies goes up and the caller, blocked in
// Atomics.wait, wakes and reads it. Each statement is its own implicit transaction, as without the pipeline, so a
// failure stays with its statement. A lost connection is re-opened on the next query.
import { serialize } from 'node:v8';
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';

type Init = { url: string; flag: SharedArrayBuffer; port: MessagePort; timeZone: string; appName: string };
/**
 * A keyset page ([Note: pages read ahead]): the last `keys.length` parameters are the keyset, and a page of `size` rows
 * is followed by the one after its last row.
 */
export type ReadAhead = { keys: string[]; size: number };
export type PgRequest = { sql: string; params?: unknown[]; name?: string; readAhead?: ReadAhead } | { close: true };
type Query = Exclude<PgRequest, { close: true }>;
/** `chunks`: the rows, ROWS_PER_CHUNK to a chunk, each serialized as it fills ([Note: rows serialized as they come]). */
export type PgReply =
  | { ok: true; chunks: Uint8Array[]; columns: string[]; rowCount: number }
  | { ok: false; message: string; code?: string; detail?: string };

// int8 (counts, ids, epoch-ms times) and numeric (sums) come back as numbers, booleans as 1/0: what the same query
// returns on SQLite, so the code above reads one shape from both stores.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(16, (v) => (v === 't' ? 1 : 0));

const init = workerData as Init;
const flag = new Int32Array(init.flag);
/** The open connection (or the one opening); null after a failure, so the next query opens another. */
let client: Promise<pg.Client> | null = null;

function connected(): Promise<pg.Client> {
  if (client) return client;
  const opening = (async () => {
    // An address that does not answer (a server switched off, a wrong host) fails in 10 s instead of the OS's minutes.
    // pipeline: each statement is written as soon as it is asked for ([Note: pipelined statements]).
    const c = new pg.Client({ connectionString: init.url, application_name: init.appName, connectionTimeoutMillis: 10_000, pipeline: true });
    c.on('error', () => {
      if (client === opening) client = null;
    });
    await c.connect();
    await c.query(`SET TIME ZONE '${init.timeZone.replace(/'/g, "''")}'`);
    return c;
  })();
  opening.catch(() => {
    if (client === opening) client = null;
  });
  return (client = opening);
}

async function disconnect(): Promise<Answer> {
  const c = client;
  client = null;
  await c?.then((open) => open.end()).catch(() => undefined);
  return { reply: { ok: true, chunks: [], columns: [], rowCount: 0 }, rows: 0, lastRow: null };
}

/**
 * [Note: rows serialized as they come] A page's rows used to wait in this thread's heap until the whole answer was in,
 * so every young-generation collection found them alive and copied them, then moved them to the old generation: on a
 * 100k CSV export this thread spent ~0.48 s of its ~1 s in garbage collection. Now every ROWS_PER_CHUNK rows are
 * serialized (V8's serializer, the one postMessage uses) as soon as they are parsed, and their strings die young:
 * ~0.23 s of collection, and that export 1.94 → 1.80 s (medians of 6 alternating runs). The caller deserializes the
 * chunks in order. A larger young generation instead (16 or 32 MB) gained nothing.
 */
const ROWS_PER_CHUNK = 100;

/** What the page's reader needs besides the reply: its row count and last row (the keyset of the page after). */
type Answer = { reply: PgReply; rows: number; lastRow: unknown[] | null };

const failed = (err: unknown): Answer => {
  const e = err as { message?: string; code?: string; detail?: string };
  const reply: PgReply = { ok: false, message: String(e.message ?? err), ...(e.code ? { code: e.code } : {}), ...(e.detail ? { detail: e.detail } : {}) };
  return { reply, rows: 0, lastRow: null };
};

async function answer(req: Query): Promise<Answer> {
  let c: pg.Client;
  try {
    c = await connected();
  } catch (err) {
    return failed(err);
  }
  return new Promise((resolve) => {
    // Rows travel as arrays with one list of column names: cheaper to parse here and to copy across threads than
    // an object per row (the caller builds the objects it needs).
    const config: pg.QueryArrayConfig = { text: req.sql, values: req.params, rowMode: 'array', ...(req.name ? { name: req.name } : {}) };
    const q = new pg.Query(config as pg.QueryConfig);
    const chunks: Uint8Array[] = [];
    let chunk: unknown[][] = [];
    let rows = 0;
    let lastRow: unknown[] | null = null;
    // A 'row' listener and no callback: node-postgres keeps no rows of its own.
    q.on('row', (row: unknown[]) => {
      chunk.push((lastRow = row));
      rows++;
      if (chunk.length === ROWS_PER_CHUNK) {
        chunks.push(serialize(chunk));
        chunk = [];
      }
    });
    q.on('error', (err) => resolve(failed(err)));
    q.on('end', (res: pg.QueryResult | pg.QueryResult[]) => {
      // A multi-statement text (exec) answers an array of results; the caller wants none of them.
      if (Array.isArray(res)) return resolve({ reply: { ok: true, chunks: [], columns: [], rowCount: 0 }, rows: 0, lastRow: null });
      if (chunk.length > 0) chunks.push(serialize(chunk));
      resolve({ reply: { ok: true, chunks, columns: res.fields.map((f) => f.name), rowCount: res.rowCount ?? 0 }, rows, lastRow });
    });
    try {
      c.query(q);
    } catch (err) {
      resolve(failed(err)); // a client that cannot take queries answers through 'error'; this is in case one throws
    }
  });
}

/**
 * [Note: pages read ahead] A keyset page can only be asked for once the page before it has arrived, so the caller's
 * wait for each page is the server's reading it plus this thread's parsing it, one after the other: on a 100k CSV
 * export the engine thread sat idle for ~0.8 s of ~1.9. So when a full page with `readAhead` is answered, this thread
 * asks the server for the next one at once, and the caller's request for it, when it comes, takes that answer. It is
 * a read, run at most one page early: the same as the caller asking a moment sooner. The page ahead is dropped when
 * the next paged request is any other (a reader that stopped early), and read again if it failed (a dropped
 * connection reopens for the caller's request, as it would have without it). On two cores much of that idle time is
 * the server and this thread busy on both, so the gain is smaller than the wait: 1.87 → 1.79 s for that export.
 */
let ahead: { key: string; reply: Promise<Answer> } | null = null;

const pageKey = (req: Query) => `${req.sql}\u0000${JSON.stringify(req.params ?? [])}`;

/** The request for the page after `reply`, or null when there is none (a short page, an error, no key column). */
function pageAfter(req: Query, { reply, rows, lastRow }: Answer): Query | null {
  const spec = req.readAhead;
  if (!spec || !reply.ok || rows !== spec.size || !lastRow || !req.params) return null;
  const at = spec.keys.map((k) => reply.columns.indexOf(k));
  if (at.some((i) => i < 0)) return null;
  return { ...req, params: [...req.params.slice(0, req.params.length - at.length), ...at.map((i) => lastRow[i])] };
}

function pageReply(req: Query): Promise<Answer> {
  const key = pageKey(req);
  const ready = ahead?.key === key ? ahead.reply : null;
  ahead = null;
  const reply = ready ? ready.then((r) => (r.reply.ok ? r : answer(req))) : answer(req);
  void reply.then((r) => {
    const next = pageAfter(req, r);
    if (next) ahead = { key: pageKey(next), reply: answer(next) };
  });
  return reply;
}

/**
 * The chunks' memory moves to the caller instead of being copied into the message and out again: a page's worth of
 * fresh memory less per page, each of its memory pages a page fault ([Note: export text encoded into reused buffers]).
 */
const transferable = (chunks: Uint8Array[]) => chunks.filter((c) => c.byteOffset === 0 && c.byteLength === c.buffer.byteLength).map((c) => c.buffer as ArrayBuffer);

let last: Promise<unknown> = Promise.resolve();
let posting = Promise.resolve();
init.port.on('message', (req: PgRequest) => {
  // Each statement goes to the server the moment it arrives, behind the ones before it: the server runs the next while
  // this thread reads the last one's rows ([Note: pipelined statements]). Answers go back in the order asked; closing
  // waits for every answer before it.
  const reply = 'close' in req ? last.then(disconnect) : req.readAhead ? pageReply(req) : answer(req);
  last = reply;
  posting = posting.then(async () => {
    const answered = (await reply).reply;
    init.port.postMessage(answered, answered.ok ? transferable(answered.chunks) : []);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
    if ('close' in req) {
      ahead = null;
      init.port.close();
    }
  });
});
