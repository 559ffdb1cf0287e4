// The thread that owns a PostgreSQL connection for a synchronous caller ([Note: PostgreSQL behind a synchronous
// connection]). It answers queries one at a time, in the order sent: each reply goes on the port first, then the
// shared count of replies goes up and the caller, blocked in Atomics.wait, wakes and reads it. A lost connection is
// re-opened on the next query.
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';

type Init = { url: string; flag: SharedArrayBuffer; port: MessagePort; timeZone: string; appName: string };
export type PgRequest = { sql: string; params?: unknown[]; name?: string } | { close: true };
export type PgReply =
  | { ok: true; rows: unknown[][]; columns: string[]; rowCount: number }
  | { ok: false; message: string; code?: string; detail?: string };

// int8 (counts, ids, epoch-ms times) and numeric (sums) come back as numbers, booleans as 1/0: what the same query
// returns on SQLite, so the code above reads one shape from both stores.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(16, (v) => (v === 't' ? 1 : 0));

const init = workerData as Init;
const flag = new Int32Array(init.flag);
let client: pg.Client | null = null;

async function connected(): Promise<pg.Client> {
  if (client) return client;
  // An address that does not answer (a server switched off, a wrong host) fails in 10 s instead of the OS's minutes.
  const c = new pg.Client({ connectionString: init.url, application_name: init.appName, connectionTimeoutMillis: 10_000 });
  c.on('error', () => {
    if (client === c) client = null;
  });
  await c.connect();
  await c.query(`SET TIME ZONE '${init.timeZone.replace(/'/g, "''")}'`);
  client = c;
  return c;
}

async function disconnect(): Promise<PgReply> {
  await client?.end().catch(() => undefined);
  client = null;
  return { ok: true, rows: [], columns: [], rowCount: 0 };
}

async function answer(req: Exclude<PgRequest, { close: true }>): Promise<PgReply> {
  try {
    const c = await connected();
    // Rows travel as arrays with one list of column names: cheaper to parse here and to copy across threads than
    // an object per row (the caller builds the objects it needs).
    const res = await c.query({ text: req.sql, values: req.params, rowMode: 'array', ...(req.name ? { name: req.name } : {}) });
    // A multi-statement text (exec) answers an array of results; the caller wants none of them.
    if (Array.isArray(res)) return { ok: true, rows: [], columns: [], rowCount: 0 };
    return { ok: true, rows: res.rows as unknown[][], columns: res.fields.map((f) => f.name), rowCount: res.rowCount ?? 0 };
  } catch (err) {
    const e = err as { message?: string; code?: string; detail?: string };
    return { ok: false, message: String(e.message ?? err), ...(e.code ? { code: e.code } : {}), ...(e.detail ? { detail: e.detail } : {}) };
  }
}

let running: Promise<unknown> = Promise.resolve();
let posting = Promise.resolve();
init.port.on('message', (req: PgRequest) => {
  // A query starts the moment the one before it is answered, before that answer is copied to the caller
  // ([Note: pipelined statements]); answers go back in the order asked, closing after every answer before it.
  const reply = running.then(() => ('close' in req ? disconnect() : answer(req)));
  running = reply;
  posting = posting.then(async () => {
    init.port.postMessage(await reply);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
    if ('close' in req) init.port.close();
  });
});
