// Several clerks on one database: who is verifying a document right now, and the version check that keeps one
// clerk's edit from overwriting another's.
//
// [Note: one clerk's edit never overwrites another's] Every clerk's write to a document bumps `documents.version`
// and records the clerk in `edited_by`, in the same transaction as the change. An edit carries the version the clerk
// saw; when the row has moved on since AND the latest write was another clerk's, the edit is refused with the
// other clerk's name and nothing is written: the clerk sees the fresh value and decides again. The clerk's own quick
// successive edits (sent before the previous answer arrived) are not conflicts: they are one person's sequence. A claim
// (two minutes, renewed while the document stays open) keeps a second clerk from starting on the same document at
// all; an expired claim is anyone's, so a clerk whose PC died blocks nobody for long. The SQL is plain enough for
// SQLite and PostgreSQL alike: one conditional upsert decides a claim atomically on both.
import type { EngineContext } from '../context.ts';
import { UserError } from '../dispatch.ts';

/** How long a claim lasts without renewal; the review screen renews it every 30 s while the document is open. */
export const CLAIM_MS = 120_000;

export type ReviewClaims = ReturnType<typeof createReviewClaims>;

export function createReviewClaims(ctx: EngineContext) {
  const { db } = ctx;
  const claimUpsert = db.prepare(
    `INSERT INTO doc_claims(document_id, clerk, claimed_until) VALUES (?, ?, ?)
     ON CONFLICT(document_id) DO UPDATE SET clerk = excluded.clerk, claimed_until = excluded.claimed_until
     WHERE doc_claims.clerk = excluded.clerk OR doc_claims.claimed_until <= ?`,
  );
  const holder = db.prepare<[number, number], { clerk: string; claimed_until: number }>(
    'SELECT clerk, claimed_until FROM doc_claims WHERE document_id = ? AND claimed_until > ?',
  );
  const releaseOne = db.prepare('DELETE FROM doc_claims WHERE document_id = ? AND clerk = ?');
  const releaseAll = db.prepare('DELETE FROM doc_claims WHERE clerk = ?');
  const docVersion = db.prepare<[number], { version: number; edited_by: string | null }>('SELECT version, edited_by FROM documents WHERE id = ?');
  const bump = db.prepare('UPDATE documents SET version = version + 1, edited_by = ? WHERE id = ?');
  // One statement decides, so two clerks' simultaneous edits cannot both pass a read-then-write check.
  const bumpIfCurrent = db.prepare(
    `UPDATE documents SET version = version + 1, edited_by = ?
     WHERE id = ? AND (version = ? OR edited_by IS NULL OR edited_by = ?)`,
  );

  const claimedError = (clerk: string) => new UserError('claimed', `Проверяет: ${clerk}`, `Being verified by ${clerk}`);

  /** The other clerk verifying this document now, or null (none, expired, or it is this clerk). */
  function otherHolder(id: number): string | null {
    const h = holder.get(id, ctx.clock.now());
    return h && h.clerk !== ctx.actor ? h.clerk : null;
  }

  return {
    otherHolder,
    /** Claims (or renews) the document for this clerk; refused with the holder's name while another clerk has it. */
    claim(id: number): { claimedBy: string; until: number } {
      const now = ctx.clock.now();
      const until = now + CLAIM_MS;
      if (docVersion.get(id) === undefined) throw new UserError('not-found', 'Документ не найден', 'Document not found');
      const won = claimUpsert.run(id, ctx.actor, until, now).changes > 0;
      if (!won) throw claimedError(otherHolder(id) ?? '?');
      return { claimedBy: ctx.actor, until };
    },
    release(id: number): void {
      releaseOne.run(id, ctx.actor);
    },
    /** On stop: this clerk's claims end with the session. */
    releaseMine(): void {
      releaseAll.run(ctx.actor);
    },
    version(id: number): number {
      return docVersion.get(id)?.version ?? 0;
    },
    /**
     * Inside the edit's transaction, before the change: refuses an edit of a document another clerk holds, or one made
     * against a version another clerk has since replaced; then counts this write.
     */
    guardAndCount(id: number, seenVersion: number | undefined): void {
      const other = otherHolder(id);
      if (other !== null) throw claimedError(other);
      if (seenVersion === undefined) {
        bump.run(ctx.actor, id);
        return;
      }
      if (bumpIfCurrent.run(ctx.actor, id, seenVersion, ctx.actor).changes > 0) return;
      const row = docVersion.get(id);
      if (!row) return; // requireDoc reports the missing document
      throw new UserError(
        'conflict',
        `Документ изменил другой сотрудник (${row.edited_by ?? '?'}). Обновлено — проверьте значение.`,
        `Another clerk (${row.edited_by ?? '?'}) changed this document. Reloaded — check the value.`,
      );
    },
  };
}
