// Uploads: one case = one add_document. [Note: intent before the POST] The case is marked 'sending' (its intent)
// in a committed transaction BEFORE the request leaves; its document_id is committed as soon as it is answered. A
// crash in between leaves 'sending' without an id, which recovery turns into 'uncertain' — never resent
// automatically, because the server may already have created (and billed) it. The same holds for an upload that
// timed out after it was sent ([Note: which upload failures may be retried]).
import { createHash } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../../shared/settings.ts';
import { preflight } from '../intake/preflight.ts';
import { buildAddDocumentBody, type BeorgOutcome, type ProcessInfo } from '../beorg/client.ts';
import type { Credentials } from '../secrets.ts';
import type { Permit } from './rate-budget.ts';
import { billedDocuments } from './cost.ts';
import { backoff } from './gates.ts';
import type { QueueCore } from './core.ts';
import type { SubmitDocRow } from './repo.ts';

/** process_info for a case: a passport sent with a selfie asks for the face match against it. */
export function processInfoFor(docs: SubmitDocRow[]): ProcessInfo[] {
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

class ScanChanged extends Error {}

/**
 * A prepared upload is cached on the computer that checked the file; in team mode another computer may send the case
 * (the first one switched off, or its queue busy). It prepares the upload again from the original, read and
 * hash-checked as above, through a private copy, so what is prepared is exactly the checked content.
 */
async function prepareAgain(d: SubmitDocRow, uploadsDir: string, settings: Settings): Promise<Buffer> {
  const bytes = await readOriginal(d);
  await fs.mkdir(uploadsDir, { recursive: true, mode: 0o700 });
  const copy = path.join(uploadsDir, `${d.sha256 ?? d.id}.original.${process.pid}.tmp`);
  await fs.writeFile(copy, bytes, { mode: 0o600 });
  try {
    const again = await preflight(copy, bytes.length, d.sha256 ?? String(d.id), settings, uploadsDir);
    if (!again.ok) throw new ScanChanged();
    return again.uploadPath ? await fs.readFile(again.uploadPath) : bytes;
  } finally {
    await fs.rm(copy, { force: true });
  }
}

// [Note: the upload is the file that was checked]
// Intake checked a file's real path and hashed its content; by send time the name in the watched folder may have been
// swapped for a link (to a file outside the folder) or rewritten. A prepared upload lives in the private data folder
// and is read as is; an original is opened without following a link in its last component and must still hash to
// what intake recorded, or nothing is sent (the case fails with the reason, for the clerk to look at).
async function readForUpload(d: SubmitDocRow, uploadsDir: string, settings: Settings): Promise<Buffer> {
  if (d.upload_path) {
    try {
      return await fs.readFile(d.upload_path);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      return prepareAgain(d, uploadsDir, settings);
    }
  }
  return readOriginal(d);
}

async function readOriginal(d: SubmitDocRow): Promise<Buffer> {
  const handle = await fs.open(d.current_path ?? d.path, fsc.O_RDONLY | (fsc.O_NOFOLLOW ?? 0));
  try {
    const bytes = await handle.readFile();
    if (d.sha256 && createHash('sha256').update(bytes).digest('hex') !== d.sha256) throw new ScanChanged();
    return bytes;
  } finally {
    await handle.close();
  }
}

export function createSubmitter(core: QueueCore) {
  const { ctx, repo, budget, gates } = core;
  const { db, clock, log } = ctx;
  const settings = () => ctx.settings.get();

  /** First poll: the median of recent processing times (clamped), else the configured default. */
  function firstPollDelay(): number {
    const s = settings();
    const ds = repo.recentDurations.all().map((r) => r.d).filter((d) => d >= 0).sort((a, b) => a - b);
    if (ds.length < 5) return s.pollFirstDelayMs;
    const median = ds[Math.floor(ds.length / 2)]!;
    return Math.min(s.pollMaxIntervalMs, Math.max(Math.min(250, s.pollFirstDelayMs), median));
  }

  /** The scans of a case, or a failed case when one cannot be read or is no longer the file that was checked. */
  async function readImages(caseId: number, docs: SubmitDocRow[]): Promise<Buffer[] | null> {
    try {
      const uploadsDir = path.join(ctx.dataDir, 'cache', 'uploads');
      return await Promise.all(docs.map((d) => readForUpload(d, uploadsDir, settings())));
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const changed = err instanceof ScanChanged || code === 'ELOOP'; // ELOOP: the name is now a link
      core.failCase(caseId, changed
        ? 'Скан изменился после проверки (подменён ссылкой или перезаписан) — не отправлен: проверьте файл в папке'
        : `Файл недоступен (${code || 'ошибка чтения'}): проверьте, что скан не перемещён и не удалён`, 'final', ['queued']);
      return null;
    }
  }

  /** [Note: intent before the POST] Commits 'sending' at the start the budget counted; false if the case moved on. */
  function commitIntent(caseId: number, t0: number): boolean {
    return db.transaction(() => {
      // Checked again under the write lock: another instance may have sent up to the daily cap since the gate looked.
      if (gates.dailyCapReached()) return false;
      const r = repo.intent.run({ id: caseId, now: t0, owner: core.instance.id });
      if (r.changes === 0) return false;
      repo.docStatus.run({ caseId, status: 'sending', reason: null, code: null, now: t0, from: 'queued' });
      return true;
    })();
  }

  async function submitCase(caseId: number): Promise<void> {
    const signal = core.stopSignal();
    if (core.stopping() || gates.uploadBlock()) return;
    const c = repo.getCase.get(caseId);
    if (!c || c.state !== 'queued') return;
    const docs = repo.submitDocs.all(caseId);
    if (docs.length === 0) return core.failCase(caseId, 'В деле нет документов для отправки', 'final', []);
    const images = await readImages(caseId, docs);
    if (!images) return;
    const creds = gates.credentials();
    if (!creds) return;
    const body = buildAddDocumentBody(creds, images, processInfoFor(docs));
    let permit: Permit;
    try {
      permit = await budget.take(signal);
    } catch {
      return; // stopping: nothing committed yet
    }
    if (core.stopping() || gates.uploadBlock()) return permit.release();
    const t0 = permit.at; // api_requests.at = the start the budget counted
    if (!commitIntent(caseId, t0)) return permit.release();
    core.progress();
    // The POST is not aborted by stop(): a drain lets it finish so its document_id is committed.
    let outcome: BeorgOutcome<{ documentId: string }>;
    try {
      outcome = await core.client().addDocumentBody(body);
    } finally {
      permit.release(); // [Note: a request counts until its answer]
    }
    settle(caseId, c.attempts, docs, creds, outcome, t0);
  }

  /** Commits what the upload's answer means for the case. */
  function settle(caseId: number, attempts: number, docs: SubmitDocRow[], creds: Credentials, outcome: BeorgOutcome<{ documentId: string }>, t0: number): void {
    const t = clock.now();
    if (outcome.kind === 'ok') {
      db.transaction(() => {
        repo.submitted.run({ id: caseId, docId: outcome.value.documentId, now: t, nextPoll: t + firstPollDelay(), deadline: t + settings().pollDeadlineMs });
        repo.docStatus.run({ caseId, status: 'processing', reason: null, code: null, now: t, from: 'sending' });
        core.recordRequest(caseId, 'upload', outcome, t0, billedDocuments(docs.map((d) => d.doc_type)));
      })();
      gates.applyGlobal(outcome, creds);
      ctx.events.documentsChanged(docs.map((d) => d.id));
      return;
    }
    gates.applyGlobal(outcome, creds);
    const requeue = (nextTry: number | null, err: string, kind: string, refund: boolean) =>
      db.transaction(() => {
        repo.backToQueue.run({ id: caseId, nextTry, err, kind, refund: refund ? 1 : 0, now: t });
        repo.docStatus.run({ caseId, status: 'queued', reason: null, code: null, now: t, from: 'sending' });
        core.recordRequest(caseId, 'upload', outcome, t0);
      })();
    switch (outcome.kind) {
      case 'rate-limited':
        return requeue(gates.blockedUntil(), 'Пауза из-за ограничения частоты (429)', 'rate-limit', true);
      case 'offline':
        return requeue(gates.blockedUntil(), outcome.message, 'offline', true);
      case 'auth':
        return requeue(null, outcome.message, 'auth', true);
      case 'not-found':
        // Unknown project: every upload would fail the same way — block like auth, keep the case queued.
        gates.blockAsAuth(outcome.message, creds);
        return requeue(null, outcome.message, 'auth', true);
      case 'not-ready':
      case 'transient': {
        const n = attempts + 1;
        const message = outcome.kind === 'transient' ? outcome.message : 'Неожиданный ответ сервера Beorg';
        if (n >= settings().maxAttempts) {
          core.recordRequest(caseId, 'upload', outcome, t0);
          return core.failCase(caseId, `${message}. Попыток: ${n}. Можно повторить вручную`, 'transient', ['sending']);
        }
        return requeue(t + backoff(n, 1000), message, 'transient', false);
      }
      case 'invalid':
        core.recordRequest(caseId, 'upload', outcome, t0);
        return core.failCase(caseId, outcome.message, 'final', ['sending']);
      case 'no-response':
        // See [Note: which upload failures may be retried]: sent, no answer: maybe created and billed. Never resent.
        db.transaction(() => {
          repo.uncertainCase.run({ id: caseId, err: outcome.message, now: t });
          repo.docStatus.run({ caseId, status: 'uncertain', reason: outcome.message, code: 'queue.no-response', now: t, from: 'sending' });
          core.recordRequest(caseId, 'upload', outcome, t0);
        })();
        log.warn('queue: upload got no answer, case is uncertain', { caseId });
        ctx.events.emit('notify', { level: 'warning', messageRu: outcome.message, messageEn: 'No answer to an upload: the document may already be billed; check before resubmitting' });
        ctx.events.documentsChanged(docs.map((d) => d.id));
        return;
    }
  }

  return { submitCase };
}
