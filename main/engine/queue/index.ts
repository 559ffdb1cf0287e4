// Submission queue (STYLE.md "Background work", "The database is the queue").
// queued → [intent committed: 'sending'] → POST add_document → [document_id committed: 'processing'] → polls →
// [result committed in one transaction: 'done'] → signal 'case:finished'. A crash between intent and document_id
// leaves 'sending' without an id: on start that case becomes 'uncertain' and is NEVER resent automatically.
// The same holds for an upload that timed out after it was sent ([Note: which upload failures may be retried]).
import fs from 'node:fs/promises';
import pLimit from 'p-limit';
import type { DocStatus } from '../../../shared/types.ts';
import { DOC_STATUSES } from '../../../shared/types.ts';
import type { QueueState } from '../../../shared/api/queue.ts';
import type { EngineContext, EngineModule, QueueController } from '../context.ts';
import { UserError } from '../dispatch.ts';
import { buildAddDocumentBody, createBeorgClient, NO_RESPONSE_MESSAGE, type BeorgClient, type BeorgOutcome, type ProcessInfo } from '../beorg/client.ts';
import { parseResultBody, type ParsedResult } from '../beorg/parse.ts';
import { createDocumentFieldsWriter } from '../store/document-fields.ts';
import type { Credentials } from '../secrets.ts';
import { createRateBudget, type Permit } from './rate-budget.ts';
import { billedDocuments, rub } from './cost.ts';
import { createQueueRepo, OVERDUE_REASON, UNCERTAIN_REASON, type SubmitDocRow } from './repo.ts';

export { UNCERTAIN_REASON, OVERDUE_REASON, NO_RESPONSE_MESSAGE };

export type QueueOptions = {
  /** HTTP for the Beorg client (tests/bench may wrap it); defaults to global fetch. */
  fetch?: typeof fetch;
};

type BlockReason = Exclude<QueueState['pausedReason'], null>;

// After a 429 pause the whole queue restarts at RAMP_START of its rate and doubles every RAMP_STEP_MS
// (¼ → ½ → full in 2 × 2 s): a provider that just throttled us sees a gradual ramp, not the old burst at once.
const RAMP_START = 0.25;
const RAMP_STEP_MS = 2_000;
const MAX_BACKOFF_MS = 60_000;

/** Exponential back-off with full jitter in [base/2, base]. */
function backoff(attempt: number, baseMs: number, random = Math.random): number {
  const b = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(b / 2 + random() * (b / 2));
}

/** Local midnight of `now`: the cost meter counts "today" in the clerk's day. */
function startOfLocalDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function createQueueModule(ctx: EngineContext, opts: QueueOptions = {}): EngineModule & { controller: QueueController } {
  const { db, clock, log } = ctx;
  const repo = createQueueRepo(db);
  const fieldsWriter = createDocumentFieldsWriter(db);
  const settings = () => ctx.settings.get();
  const budget = createRateBudget({ rps: settings().rps, burst: settings().burst, clock });
  const limit = pLimit(settings().concurrency);

  let client: BeorgClient | null = null;
  let clientKey = '';
  const getClient = (): BeorgClient => {
    const s = settings();
    const key = `${s.apiUrl}|${s.requestTimeoutMs}|${s.uploadTimeoutMs}`;
    if (!client || key !== clientKey) {
      client = createBeorgClient({ baseUrl: s.apiUrl, timeoutMs: s.requestTimeoutMs, uploadTimeoutMs: s.uploadTimeoutMs, fetch: opts.fetch });
      clientKey = key;
    }
    return client;
  };

  // Global gates. A 429 or "offline" blocks every request until `blockedUntil`; auth blocks until resume/new creds.
  let block: { reason: BlockReason; message: string | null; until: number | null } | null = null;
  let rateLimitStreak = 0;
  let offlineStreak = 0;
  let authFailedFor: Credentials | null = null;

  let running = false;
  let stopping = false;
  let stopController = new AbortController();
  const busy = new Set<number>(); // case ids with a job scheduled or running
  const jobs = new Set<Promise<void>>();
  let wakeTimer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];
  let wasActive = false;
  let finishedSinceIdle = 0;

  const unsubs: (() => void)[] = [];

  const now = () => clock.now();
  const isClerkPaused = () => ctx.settings.getRaw<boolean>('queue.paused') === true;

  function credentials(): Credentials | null {
    const c = ctx.secrets.get();
    if (c && authFailedFor && c.token === authFailedFor.token && c.machineUid === authFailedFor.machineUid && c.projectId === authFailedFor.projectId) return c;
    if (c && authFailedFor) {
      authFailedFor = null; // new credentials: try again
      if (block?.reason === 'auth') block = null;
    }
    return c;
  }

  /** The cap counts billed documents ([Note: what a submission costs]); the last case sent may overshoot it by
   *  at most its own documents (a case is never split). */
  function dailyCapReached(): boolean {
    const cap = settings().dailyCap;
    if (cap <= 0) return false;
    return (repo.billable.get(startOfLocalDay(now()))?.today ?? 0) >= cap;
  }

  /** Why nothing may be sent right now (uploads), or null. Polls are only stopped by network-level blocks. */
  function uploadBlock(): { reason: BlockReason; message: string | null; until: number | null } | null {
    const t = now();
    if (!credentials()) return { reason: 'no-credentials', message: 'Не заданы учётные данные Beorg (токен, machine_uid, project_id): отправка приостановлена', until: null };
    if (block && block.until !== null && block.until <= t) block = null;
    if (block) return block;
    if (isClerkPaused()) return { reason: 'clerk', message: null, until: null };
    if (dailyCapReached()) return { reason: 'daily-cap', message: `Достигнут дневной лимит: ${settings().dailyCap} док. Отправка продолжится завтра или после увеличения лимита`, until: null };
    return null;
  }
  function pollBlock() {
    const t = now();
    if (block && block.until !== null && block.until <= t) block = null;
    if (block) return block;
    if (!credentials()) return { reason: 'no-credentials' as const, message: null, until: null };
    return null;
  }

  // ---------- scheduling ----------
  function wake(): void {
    if (!running || stopping) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = setTimeout(tick, 0);
  }

  function scheduleWake(at: number): void {
    if (!running || stopping) return;
    const delay = Math.max(0, Math.min(at - now(), 60_000));
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = setTimeout(tick, delay);
  }

  function tick(): void {
    wakeTimer = null;
    if (!running || stopping) return;
    const t = now();
    const free = () => Math.max(0, limit.concurrency - busy.size);
    if (!pollBlock()) {
      for (const { id } of repo.duePolls.all(t, 200)) {
        if (free() <= 0) break;
        if (!busy.has(id)) launch(id, () => pollCase(id));
      }
    }
    if (!uploadBlock()) {
      for (const { id } of repo.dueUploads.all(t, 200)) {
        if (free() <= 0) break;
        if (!busy.has(id)) launch(id, () => submitCase(id));
      }
    }
    // Sleep until the next due time (or the end of a block); jobs finishing also wake us.
    // Something already due but not launched (budget wait, concurrency full) is woken by a finishing job instead.
    const hasRoom = free() > 0;
    const ub = uploadBlock();
    const pb = pollBlock();
    const nextUpload = !ub && hasRoom ? (repo.nextUpload.get()?.t ?? null) : null;
    const nextPoll = !pb && hasRoom ? (repo.nextPoll.get()?.t ?? null) : null;
    const candidates = [nextUpload, nextPoll, ub?.until ?? null, pb?.until ?? null, t + 1000 /* re-check gates (clerk resume, new creds, cap) */]
      .filter((x): x is number => x !== null && x > t);
    scheduleWake(Math.max(t + 5, Math.min(...candidates)));
    pushProgress();
    checkIdle();
  }

  function launch(caseId: number, job: () => Promise<void>): void {
    busy.add(caseId);
    const p = limit(job)
      .catch((err: unknown) => log.error('queue job failed', { caseId, err: String(err) }))
      .finally(() => {
        busy.delete(caseId);
        jobs.delete(p);
        pushProgress();
        wake();
        checkIdle();
      });
    jobs.add(p);
  }

  // ---------- outcomes shared by uploads and polls ----------
  /** `billed` = documents billed by this request ([Note: what a submission costs]), 0 for everything but an accepted upload. */
  function recordRequest(caseId: number, kind: 'upload' | 'poll', outcome: BeorgOutcome<unknown>, startedAt: number, billed = 0): void {
    const status = 'status' in outcome ? outcome.status : null;
    const o = outcome.kind === 'auth' || outcome.kind === 'not-found' || outcome.kind === 'invalid' ? 'final' : outcome.kind;
    repo.apiRequest.run({ at: startedAt, caseId, kind, status, outcome: o, ms: now() - startedAt, billable: billed });
  }

  /** Reactions that affect everyone. Returns true when the outcome was a global condition. */
  function applyGlobal(outcome: BeorgOutcome<unknown>, creds: Credentials): boolean {
    const t = now();
    switch (outcome.kind) {
      case 'rate-limited': {
        rateLimitStreak++;
        const wait = outcome.retryAfterMs ?? backoff(rateLimitStreak, 1000);
        const until = t + Math.max(200, wait);
        if (!block || (block.until ?? Infinity) < until) block = { reason: 'rate-limit', message: 'Сервер Beorg просит снизить частоту запросов: пауза', until };
        // Come back gently: a fraction of the rate when the pause ends, doubling step by step (RAMP_START).
        budget.rampUp({ from: until, startFactor: RAMP_START, stepMs: RAMP_STEP_MS });
        log.warn('queue: 429, pausing all requests', { waitMs: until - t });
        return true;
      }
      case 'offline': {
        offlineStreak++;
        const until = t + backoff(offlineStreak, 2000);
        block = { reason: 'offline', message: `${outcome.message}: отправка приостановлена`, until };
        return true;
      }
      case 'auth':
        authFailedFor = creds;
        block = { reason: 'auth', message: outcome.message, until: null };
        ctx.events.emit('notify', { level: 'error', messageRu: outcome.message, messageEn: 'Invalid Beorg token or machine_uid: sending paused' });
        return true;
      case 'ok':
      case 'not-ready':
        rateLimitStreak = 0;
        offlineStreak = 0;
        return false;
      case 'transient':
      case 'no-response':
      case 'not-found':
      case 'invalid':
        offlineStreak = 0;
        return false;
    }
  }

  // ---------- upload ----------
  function processInfoFor(docs: SubmitDocRow[]): ProcessInfo[] {
    const keyOf = (d: SubmitDocRow, i: number) => d.api_key ?? `${d.doc_type}${i + 1}`;
    const selfie = docs.findIndex((d) => d.doc_type === 'SELFIE');
    return docs.map((d, i): ProcessInfo => {
      const key = keyOf(d, i);
      switch (d.doc_type) {
        case 'PASSPORT':
          return selfie >= 0
            ? { key, type: 'PASSPORT', options: { stages: ['verification', 'biometry_match'], relation: { biometry_match: keyOf(docs[selfie]!, selfie) } } }
            : { key, type: 'PASSPORT', options: { stages: ['verification'] } };
        case 'SELFIE':
          return { key, type: 'SELFIE', options: { stages: ['biometry_liveness'] } };
        default:
          return { key, type: d.doc_type };
      }
    });
  }

  function failCase(caseId: number, message: string, kind: string, fromStatuses: DocStatus[]): void {
    const t = now();
    db.transaction(() => {
      repo.failCase.run({ id: caseId, err: message, kind, now: t });
      for (const from of fromStatuses) repo.docStatus.run({ caseId, status: 'failed', reason: message, code: `queue.${kind}`, now: t, from });
    })();
    finished(caseId, 'failed');
  }

  function finished(caseId: number, state: 'done' | 'failed'): void {
    finishedSinceIdle++;
    ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
    ctx.signals.emit('case:finished', { caseId, state });
  }

  async function submitCase(caseId: number): Promise<void> {
    const signal = stopController.signal;
    if (stopping || uploadBlock()) return;
    const c = repo.getCase.get(caseId);
    if (!c || c.state !== 'queued') return;
    const docs = repo.submitDocs.all(caseId);
    if (docs.length === 0) return failCase(caseId, 'В деле нет документов для отправки', 'final', []);
    let images: Buffer[];
    try {
      images = await Promise.all(docs.map((d) => fs.readFile(d.upload_path ?? d.current_path ?? d.path)));
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      return failCase(caseId, `Файл недоступен (${code || 'ошибка чтения'}): проверьте, что скан не перемещён и не удалён`, 'final', ['queued']);
    }
    const creds = credentials();
    if (!creds) return;
    const body = buildAddDocumentBody(creds, images, processInfoFor(docs));
    let permit: Permit;
    try {
      permit = await budget.take(signal);
    } catch {
      return; // stopping: nothing committed yet
    }
    if (stopping || uploadBlock()) return permit.release();
    // Intent BEFORE the POST: a crash from here until the document_id commit makes the case 'uncertain'.
    const t0 = permit.at; // api_requests.at = the start the budget counted
    const took = db.transaction(() => {
      const r = repo.intent.run({ id: caseId, now: t0 });
      if (r.changes === 0) return false;
      repo.docStatus.run({ caseId, status: 'sending', reason: null, code: null, now: t0, from: 'queued' });
      return true;
    })();
    if (!took) return permit.release();
    pushProgress();
    // The POST is not aborted by stop(): a drain lets it finish so its document_id is committed.
    let outcome: BeorgOutcome<{ documentId: string }>;
    try {
      outcome = await getClient().addDocumentBody(body);
    } finally {
      permit.release(); // [Note: a request counts until its answer]
    }
    const t = now();
    if (outcome.kind === 'ok') {
      db.transaction(() => {
        repo.submitted.run({ id: caseId, docId: outcome.value.documentId, now: t, nextPoll: t + firstPollDelay(), deadline: t + settings().pollDeadlineMs });
        repo.docStatus.run({ caseId, status: 'processing', reason: null, code: null, now: t, from: 'sending' });
        recordRequest(caseId, 'upload', outcome, t0, billedDocuments(docs.map((d) => d.doc_type)));
      })();
      applyGlobal(outcome, creds);
      ctx.events.documentsChanged(docs.map((d) => d.id));
      return;
    }
    const global = applyGlobal(outcome, creds);
    const requeue = (nextTry: number | null, err: string, kind: string, refund: boolean) =>
      db.transaction(() => {
        repo.backToQueue.run({ id: caseId, nextTry, err, kind, refund: refund ? 1 : 0, now: t });
        repo.docStatus.run({ caseId, status: 'queued', reason: null, code: null, now: t, from: 'sending' });
        recordRequest(caseId, 'upload', outcome, t0);
      })();
    switch (outcome.kind) {
      case 'rate-limited':
        return requeue(block?.until ?? null, 'Пауза из-за ограничения частоты (429)', 'rate-limit', true);
      case 'offline':
        return requeue(block?.until ?? null, outcome.message, 'offline', true);
      case 'auth':
        return requeue(null, outcome.message, 'auth', true);
      case 'not-found':
        // Unknown project: every upload would fail the same way — block like auth, keep the case queued.
        block = { reason: 'auth', message: outcome.message, until: null };
        authFailedFor = creds;
        return requeue(null, outcome.message, 'auth', true);
      case 'not-ready':
      case 'transient': {
        const attempts = c.attempts + 1;
        const message = outcome.kind === 'transient' ? outcome.message : 'Неожиданный ответ сервера Beorg';
        if (attempts >= settings().maxAttempts) {
          recordRequest(caseId, 'upload', outcome, t0);
          return failCase(caseId, `${message}. Попыток: ${attempts}. Можно повторить вручную`, 'transient', ['sending']);
        }
        return requeue(t + backoff(attempts, 1000), message, 'transient', false);
      }
      case 'invalid':
        recordRequest(caseId, 'upload', outcome, t0);
        return failCase(caseId, outcome.message, 'final', ['sending']);
      case 'no-response':
        // [Note: which upload failures may be retried] — sent, no answer: maybe created and billed. Never resent.
        db.transaction(() => {
          repo.uncertainCase.run({ id: caseId, err: outcome.message, now: t });
          repo.docStatus.run({ caseId, status: 'uncertain', reason: outcome.message, code: 'queue.no-response', now: t, from: 'sending' });
          recordRequest(caseId, 'upload', outcome, t0);
        })();
        log.warn('queue: upload got no answer, case is uncertain', { caseId });
        ctx.events.emit('notify', { level: 'warning', messageRu: outcome.message, messageEn: 'No answer to an upload: the document may already be billed; check before resubmitting' });
        ctx.events.documentsChanged(docs.map((d) => d.id));
        return;
    }
    void global;
  }

  /** First poll: the median of recent processing times (clamped), else the configured default. */
  function firstPollDelay(): number {
    const s = settings();
    const ds = repo.recentDurations.all().map((r) => r.d).filter((d) => d >= 0).sort((a, b) => a - b);
    if (ds.length < 5) return s.pollFirstDelayMs;
    const median = ds[Math.floor(ds.length / 2)]!;
    return Math.min(s.pollMaxIntervalMs, Math.max(Math.min(250, s.pollFirstDelayMs), median));
  }

  function nextPollInterval(polls: number): number {
    const s = settings();
    return Math.min(s.pollMaxIntervalMs, Math.round(s.pollFirstDelayMs * 1.5 ** Math.max(0, polls)));
  }

  // ---------- poll ----------
  async function pollCase(caseId: number): Promise<void> {
    const signal = stopController.signal;
    const c = repo.getCase.get(caseId);
    if (!c || c.state !== 'processing' || !c.beorg_document_id) return;
    const creds = credentials();
    if (!creds) return;
    let permit: Permit;
    try {
      permit = await budget.take(signal);
    } catch {
      return;
    }
    if (stopping || pollBlock()) return permit.release();
    const t0 = permit.at; // api_requests.at = the start the budget counted
    let outcome: BeorgOutcome<{ raw: string }>;
    try {
      outcome = await getClient().getResult(creds.token, c.beorg_document_id, signal);
    } catch {
      return; // aborted by stop(): re-polling is free, the next run polls again
    } finally {
      permit.release(); // [Note: a request counts until its answer]
    }
    const t = now();
    applyGlobal(outcome, creds);
    const overdue = c.overdue === 1 || (c.poll_deadline_at !== null && t >= c.poll_deadline_at);
    const later = (delay: number, err: string | null, kind: string | null, inc: number) =>
      db.transaction(() => {
        repo.pollLater.run({ id: caseId, inc, nextPoll: t + delay, overdue: overdue ? 1 : 0, err, kind, now: t });
        if (overdue && c.overdue === 0) repo.docOverdue.run({ caseId, reason: OVERDUE_REASON, now: t });
        recordRequest(caseId, 'poll', outcome, t0);
      })();
    switch (outcome.kind) {
      case 'ok':
        storeResult(caseId, outcome.value.raw, t0, outcome);
        return;
      case 'not-ready':
        later(overdue ? settings().pollMaxIntervalMs : nextPollInterval(c.polls), null, null, 1);
        if (overdue && c.overdue === 0) ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
        return;
      case 'rate-limited':
      case 'offline':
        return later(Math.max(0, (block?.until ?? t) - t), outcome.kind === 'offline' ? outcome.message : 'Пауза из-за ограничения частоты (429)', outcome.kind, 0);
      case 'auth':
        return later(settings().pollMaxIntervalMs, outcome.message, 'auth', 0);
      case 'transient':
      case 'no-response':
        // Never re-submit: keep polling with back-off (the document exists on Beorg's side).
        return later(Math.max(nextPollInterval(c.polls), backoff(Math.min(c.polls + 1, 6), 1000)), outcome.message, 'transient', 1);
      case 'not-found':
      case 'invalid':
        recordRequest(caseId, 'poll', outcome, t0);
        return failCase(caseId, outcome.message, 'final', ['processing']);
    }
  }

  function storeResult(caseId: number, raw: string, t0: number, outcome: BeorgOutcome<unknown>): void {
    const t = now();
    const parsed = parseResultBody(raw);
    const threshold = settings().confidenceThreshold;
    const docs = repo.docsIn.all(caseId, 'processing');
    let state: 'done' | 'failed' = 'done';
    db.transaction(() => {
      recordRequest(caseId, 'poll', outcome, t0);
      if (!parsed.ok) {
        state = 'failed';
        const reason = `Не удалось разобрать ответ Beorg: ${parsed.error}`;
        repo.done.run({ id: caseId, state, raw, now: t, err: reason, kind: 'final' });
        repo.docStatus.run({ caseId, status: 'failed', reason, code: 'queue.bad-result', now: t, from: 'processing' });
        return;
      }
      repo.done.run({ id: caseId, state, raw, now: t, err: null, kind: null });
      applyResult(docs, parsed.result, threshold, t);
    })();
    finished(caseId, state);
  }

  function applyResult(docs: { id: number; api_key: string | null }[], result: ParsedResult, threshold: number, t: number): void {
    const byKey = new Map(result.documents.map((d) => [d.key.toLowerCase(), d]));
    for (const doc of docs) {
      const r = doc.api_key ? byKey.get(doc.api_key.toLowerCase()) : undefined;
      if (!r) {
        repo.docResult.run({
          id: doc.id, status: 'failed', reason: `В ответе Beorg нет документа с ключом ${doc.api_key ?? '—'}`, code: 'queue.missing-in-result',
          broken: null, br: '[]', brRu: '[]', ver: null, match: null, live: null, raw: null, now: t,
        });
        continue;
      }
      repo.docResult.run({
        id: doc.id, status: 'recognised', reason: null, code: null,
        broken: r.broken === null ? null : r.broken ? 1 : 0,
        br: JSON.stringify(r.brokenReasons), brRu: JSON.stringify(r.brokenReasonsRu),
        ver: r.verifications === null ? null : JSON.stringify(r.verifications),
        match: r.matchScore, live: r.livenessScore, raw: JSON.stringify(r), now: t,
      });
      fieldsWriter.replace(doc.id, r.fields, threshold, t);
    }
  }

  // ---------- state, idle, progress ----------
  function computeState(): QueueState {
    const s = settings();
    const t = now();
    const counts = Object.fromEntries(DOC_STATUSES.map((k) => [k, 0])) as Record<DocStatus, number>;
    for (const r of repo.statusCounts.all()) if (r.status in counts) counts[r.status] = r.n;
    const bill = repo.billable.get(startOfLocalDay(t)) ?? { total: 0, today: 0 };
    const saved = Object.fromEntries(repo.savedCounts.all().map((r) => [r.status, r.n])) as Record<string, number>;
    const savedDuplicates = saved.duplicate ?? 0;
    const savedRejected = saved.rejected ?? 0;
    // Rate over the last 5 minutes, or since the batch's first completion if that is more recent (≥ 30 s),
    // so a fresh batch does not show a rate diluted by idle minutes.
    const since = t - 5 * 60_000;
    const first = repo.firstDoneSince.get(since)?.t ?? null;
    const windowMs = Math.max(30_000, t - (first ?? since));
    const recent = repo.recentDone.get(since)?.n ?? 0;
    const docsPerMinute = Math.round((recent / (windowMs / 60_000)) * 10) / 10;
    const remaining = counts.queued + counts.sending + counts.processing;
    const blk = uploadBlock();
    return {
      paused: blk !== null,
      pausedReason: blk?.reason ?? null,
      pausedMessage: blk?.message ?? null,
      nextTryAt: blk?.until ?? null,
      counts,
      inFlight: busy.size,
      docsPerMinute,
      etaMs: remaining === 0 ? 0 : docsPerMinute > 0 ? Math.round((remaining / docsPerMinute) * 60_000) : null,
      concurrency: limit.concurrency,
      rps: s.rps,
      cost: {
        todayDocuments: bill.today,
        todayRub: rub(bill.today, s.pricePerDocumentRub),
        totalDocuments: bill.total,
        totalRub: rub(bill.total, s.pricePerDocumentRub),
        savedDuplicates,
        savedRejected,
        savedRub: rub(savedDuplicates + savedRejected, s.pricePerDocumentRub),
        uncertainCases: repo.uncertainCount.get()?.n ?? 0,
        dailyCap: s.dailyCap,
        pricePerDocumentRub: s.pricePerDocumentRub,
      },
    };
  }

  let progressTimer: NodeJS.Timeout | null = null;
  function pushProgress(): void {
    if (progressTimer) return;
    progressTimer = setTimeout(() => {
      progressTimer = null;
      try {
        ctx.events.emit('queue:progress', computeState());
      } catch (err) {
        log.warn('queue progress failed', { err: String(err) });
      }
    }, 100);
  }

  /** Idle = nothing queued/sending/processing and no job running; queued cases that cannot be sent (auth,
   *  no credentials) do not keep the queue "busy" so the CLI can report instead of hanging. */
  function isIdle(): boolean {
    if (busy.size > 0) return false;
    const blk = uploadBlock();
    // Blocks that no amount of waiting lifts today (the daily cap resets at midnight): report instead of hanging.
    const blockedForGood = blk !== null && (blk.reason === 'auth' || blk.reason === 'no-credentials' || blk.reason === 'daily-cap');
    const n = blockedForGood ? repo.nonQueuedActive.get()?.n ?? 0 : repo.activeCount.get()?.n ?? 0;
    if (blockedForGood && n > 0 && pollBlock()) return true;
    return n === 0;
  }

  function checkIdle(): void {
    if (!running) return;
    const idle = isIdle();
    if (!idle) {
      wasActive = true;
      return;
    }
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
    if (wasActive) {
      wasActive = false;
      const n = finishedSinceIdle;
      finishedSinceIdle = 0;
      ctx.signals.emit('queue:idle', { finishedCases: n });
      if (n > 0) ctx.events.emit('notify', { level: 'info', messageRu: `Пакет обработан: дел ${n}`, messageEn: `Batch finished: ${n} cases` });
      pushProgress();
    }
  }

  const controller: QueueController = {
    idle({ signal } = {}) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const done = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          idleWaiters = idleWaiters.filter((w) => w !== done);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        // Checked on the next tick so a case queued just before idle() is counted.
        idleWaiters.push(done);
        if (running) wake();
      });
    },
  };

  // ---------- handlers ----------
  const state = (): QueueState => computeState();

  function requireCase(caseId: number) {
    const c = repo.getCase.get(caseId);
    if (!c) throw new UserError('not-found', 'Дело не найдено', 'Case not found');
    return c;
  }

  return {
    name: 'queue',
    controller,
    handlers: {
      'queue:state': () => state(),
      'queue:pause': () => {
        ctx.settings.setRaw('queue.paused', true);
        pushProgress();
        return state();
      },
      'queue:resume': () => {
        ctx.settings.setRaw('queue.paused', false);
        // The clerk says "try again": lift auth/offline blocks (a 429 pause is the server's, keep it).
        if (block && block.reason !== 'rate-limit') block = null;
        authFailedFor = null;
        wake();
        return state();
      },
      'queue:set-limits': ({ concurrency, rps }) => {
        const patch: { concurrency?: number; rps?: number } = {};
        if (concurrency !== undefined) patch.concurrency = concurrency;
        if (rps !== undefined) patch.rps = rps;
        ctx.settings.set(patch);
        wake();
        return state();
      },
      'cases:cancel': ({ caseId }) => {
        const c = requireCase(caseId);
        if (c.state !== 'queued' && c.state !== 'collecting')
          throw new UserError('invalid-state', 'Отменить можно только дело, которое ещё не отправлено', 'Only cases not yet sent can be cancelled');
        const t = now();
        db.transaction(() => {
          repo.setCase.run({ id: caseId, state: 'cancelled', now: t });
          db.prepare(`UPDATE documents SET status = 'cancelled', status_reason = 'Отменено оператором', updated_at = ? WHERE case_id = ? AND status IN ('queued','seen','waiting')`).run(t, caseId);
        })();
        ctx.signals.emit('case:finished', { caseId, state: 'cancelled' });
        ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
        pushProgress();
      },
      'cases:retry': ({ caseId }) => {
        const c = requireCase(caseId);
        if (c.state !== 'failed') throw new UserError('invalid-state', 'Повторить можно только дело с ошибкой', 'Only failed cases can be retried');
        const t = now();
        db.transaction(() => {
          if (c.beorg_document_id) {
            // Already submitted (and paid): fetch the result again instead of re-sending.
            repo.repollCase.run({ id: caseId, now: t });
            db.prepare(`UPDATE documents SET status = 'processing', status_reason = NULL, status_code = NULL, updated_at = ? WHERE case_id = ? AND status = 'failed'`).run(t, caseId);
          } else {
            repo.requeueCase.run({ id: caseId, now: t });
            repo.requeueDocs.run({ caseId, now: t });
          }
        })();
        ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
        wake();
      },
      'cases:reprocess': ({ caseId, confirm }) => {
        const c = requireCase(caseId);
        const documents = billedDocuments(repo.billableDocTypes.all(caseId).map((r) => r.doc_type));
        const costRub = rub(documents, settings().pricePerDocumentRub);
        if (!confirm) return { documents, costRub, submitted: false };
        if (!['done', 'failed', 'uncertain'].includes(c.state))
          throw new UserError('invalid-state', 'Повторно распознать можно только завершённое дело', 'Only finished cases can be re-processed');
        const t = now();
        db.transaction(() => {
          repo.audit.run({ at: t, actor: ctx.actor, caseId, action: 'reprocess', details: JSON.stringify({ previousDocumentId: c.beorg_document_id, documents, costRub }) });
          repo.requeueCase.run({ id: caseId, now: t });
          repo.requeueDocs.run({ caseId, now: t });
        })();
        ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
        wake();
        return { documents, costRub, submitted: true };
      },
      'cases:resolve-uncertain': ({ caseId, action }) => {
        const c = requireCase(caseId);
        if (c.state !== 'uncertain') throw new UserError('invalid-state', 'Дело не в состоянии «неизвестно»', 'Case is not uncertain');
        const t = now();
        db.transaction(() => {
          repo.audit.run({ at: t, actor: ctx.actor, caseId, action: `resolve-uncertain:${action}`, details: null });
          if (action === 'resubmit') {
            repo.requeueCase.run({ id: caseId, now: t });
            repo.requeueDocs.run({ caseId, now: t });
          } else {
            repo.failCase.run({ id: caseId, err: 'Отмечено оператором как неотправленное', kind: 'final', now: t });
            repo.docStatus.run({ caseId, status: 'failed', reason: 'Отмечено оператором: не распознано', code: 'queue.uncertain-failed', now: t, from: 'uncertain' });
          }
        })();
        if (action === 'mark-failed') ctx.signals.emit('case:finished', { caseId, state: 'failed' });
        ctx.events.documentsChanged(repo.caseDocIds.all(caseId).map((r) => r.id));
        wake();
      },
    },
    start() {
      const t = now();
      // Crash recovery: 'sending' without a document_id may or may not have reached Beorg — the clerk decides.
      const recovered = db.transaction(() => {
        const r = repo.recover.run({ reason: UNCERTAIN_REASON, now: t });
        repo.recoverDocs.run({ reason: UNCERTAIN_REASON, now: t });
        repo.recoverSending.run({ now: t });
        repo.recoverSendingDocs.run();
        repo.resumePolls.run({ now: t });
        return r.changes;
      })();
      if (recovered > 0) {
        log.warn('queue: cases marked uncertain after an interrupted send', { count: recovered });
        ctx.events.emit('notify', { level: 'warning', messageRu: `Дел с неизвестным статусом отправки: ${recovered}. ${UNCERTAIN_REASON}`, messageEn: `${recovered} case(s) may have been sent before a crash: check the Beorg cabinet` });
      }
      stopping = false;
      stopController = new AbortController();
      running = true;
      unsubs.push(ctx.signals.on('case:queued', () => wake()));
      unsubs.push(
        ctx.settings.onChange((s) => {
          limit.concurrency = s.concurrency;
          budget.setLimits(s.rps, s.burst);
          wake();
        }),
      );
      wake();
    },
    async stop() {
      stopping = true;
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = null;
      stopController.abort(new DOMException('Queue stopping', 'AbortError'));
      // In-flight POSTs finish and are committed; polls and budget waits abort.
      await Promise.allSettled([...jobs]);
      if (progressTimer) clearTimeout(progressTimer);
      progressTimer = null;
      for (const u of unsubs.splice(0)) u();
      running = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    },
  };
}
