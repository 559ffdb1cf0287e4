// Settled files waiting for a decode slot, and the slot's run: decide.ts's processFile, then the case pass.
//
// [Note: settled files wait as data] A settled file waits for one of DECODE_WIDTH decode slots as an entry in a
// plain FIFO (its Pending record), not as a parked async call: 10,000 queued files used to hold 10,000 suspended
// checkSettled frames, p-limit closures and promise chains (~6 KB of heap each, 60 MB at 10,000 files).
import os from 'node:os';
import type { Folder } from '../../../shared/settings.ts';
import type { Hub } from './hub.ts';
import type { Pending } from './settle.ts';

/**
 * [Note: one instance decides a file] Several instances may watch one folder on one database; each notices every
 * file. Before hashing and decoding, an instance claims the file's row for DECIDE_CLAIM_MS (one conditional UPDATE:
 * only one writer wins). A row already decided elsewhere is dropped here; a row another live instance is deciding is
 * looked at again after a while, so if that instance dies its claim lapses (or its lease goes) and this one takes over.
 */
const DECIDE_CLAIM_MS = 60_000;
const CLAIMED_ELSEWHERE_RETRY_MS = 5_000;

/** Files hashed and decoded at once ([Note: pre-flight memory]); on a 2-core PC one, so a core stays free for the
 *  window and the grid's reads while a large folder comes in. */
const DECODE_WIDTH = Math.max(1, Math.min(2, os.availableParallelism() - 1));

type SettleHooks = {
  pending: Map<string, Pending>;
  schedule(abs: string, ms: number): void;
  noteFile(folder: Folder, abs: string): Promise<void>;
};

export function createDecodeQueue(hub: Hub, settle: SettleHooks) {
  const { log } = hub.ctx;
  const { pending, schedule, noteFile } = settle;
  const ready: (Pending | undefined)[] = [];
  let readyHead = 0;
  let decoding = 0;

  function pump() {
    while (hub.isRunning() && decoding < DECODE_WIDTH && readyHead < ready.length) {
      const p = ready[readyHead];
      ready[readyHead++] = undefined;
      if (readyHead >= 1024 && readyHead * 2 >= ready.length) {
        ready.splice(0, readyHead);
        readyHead = 0;
      }
      // Changed since (back to settling), removed with its folder, vanished or already done: a stale entry.
      if (!p || p.stage !== 'ready' || pending.get(p.abs) !== p) continue;
      decoding++;
      p.stage = 'processing';
      hub.track(runFile(p));
    }
  }

  /** 'mine' when this instance may decide the file now ([Note: one instance decides a file]). */
  function claimDecision(p: Pending): 'mine' | 'busy' | 'decided' {
    if (p.docId === null) return 'mine'; // a new version of a decided file: its row is made by the decision itself
    const now = hub.ctx.clock.now();
    if (hub.q.claimDecision.run({ id: p.docId, me: hub.ctx.instanceId, now, until: now + DECIDE_CLAIM_MS }).changes > 0) return 'mine';
    const status = hub.q.doc.get(p.docId)?.status;
    return status === 'seen' || status === 'waiting' ? 'busy' : 'decided';
  }

  async function runFile(p: Pending): Promise<void> {
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      decoding--;
      pump();
    };
    const folder = hub.getFolder(p.folderId);
    const claim = folder ? claimDecision(p) : 'mine';
    if (!folder || claim === 'decided') {
      // Its folder was removed while it waited, or another instance has decided it already.
      pending.delete(p.abs);
      freeSlot();
      return;
    }
    if (claim === 'busy') {
      freeSlot();
      return schedule(p.abs, CLAIMED_ELSEWHERE_RETRY_MS);
    }
    try {
      const { committed } = await hub.decide.processFile(folder, p);
      freeSlot(); // the next file decodes while this decision waits for its batch's commit
      await committed;
    } catch (err) {
      // Unexpected (disk full, I/O error): retry later instead of deciding for good, but never forever.
      p.attempts++;
      log.warn('intake: processing failed', { attempt: p.attempts, err: String(err) });
      if (p.attempts < 5) return schedule(p.abs, folder.options.settleMs * 2 ** p.attempts);
      pending.delete(p.abs);
      if (p.docId !== null) hub.setStatus(p.docId, 'rejected', `Не удалось обработать файл: ${String(err).slice(0, 200)}`, 'intake.error');
      return;
    } finally {
      freeSlot();
    }
    if (pending.get(p.abs) === p) pending.delete(p.abs);
    if (p.dirty && hub.isRunning()) await noteFile(folder, p.abs);
    hub.cases.requestEvaluate();
  }

  return {
    /** A settled file joins the FIFO. */
    push(p: Pending) {
      p.stage = 'ready';
      ready.push(p);
      pump();
    },
    reset() {
      ready.length = 0;
      readyHead = 0;
    },
  };
}
