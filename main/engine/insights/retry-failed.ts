// «Повторить все с ошибками»: the quote (how many failed cases and documents, how many are sent again and what that
// costs) and the retry itself. The retry goes case by case through the queue's own 'cases:retry', so the queue stays
// the one writer of case state: a case that already has a Beorg document_id is fetched again (paid once already),
// any other is sent again and billed ([Note: what a submission costs]).
import type { Handlers } from '../../../shared/api.ts';
import type { RetryFailedQuote } from '../../../shared/api/insights.ts';
import type { EngineContext } from '../context.ts';
import { dispatch, UserError } from '../dispatch.ts';
import { billedDocuments, rub } from '../queue/cost.ts';

export function createRetryFailed(ctx: EngineContext, getHandlers: () => Handlers) {
  const failedCases = ctx.db.prepare<[], { id: number; sent: number }>(
    `SELECT id, beorg_document_id IS NOT NULL AS sent FROM cases WHERE state = 'failed' ORDER BY id`,
  );
  const failedDocs = ctx.db.prepare<[], { n: number }>(
    `SELECT count(*) AS n FROM documents d JOIN cases c ON c.id = d.case_id WHERE c.state = 'failed' AND d.status = 'failed'`,
  );
  // The same documents the queue bills for a case (queue/repo.ts billableDocTypes).
  const docTypes = ctx.db.prepare<[number], { doc_type: string }>(
    `SELECT doc_type FROM documents WHERE case_id = ? AND status NOT IN ('rejected','ignored','duplicate','cancelled')`,
  );

  function quote(): RetryFailedQuote & { ids: number[] } {
    const cases = failedCases.all();
    const resendIds = cases.filter((c) => !c.sent).map((c) => c.id);
    const billed = resendIds.reduce((n, id) => n + billedDocuments(docTypes.all(id).map((r) => r.doc_type)), 0);
    return {
      ids: cases.map((c) => c.id),
      cases: cases.length,
      documents: failedDocs.get()?.n ?? 0,
      resend: resendIds.length,
      costRub: rub(billed, ctx.settings.get().pricePerDocumentRub),
      retried: 0,
    };
  }

  return async ({ confirm }: { confirm: boolean }): Promise<RetryFailedQuote> => {
    const { ids, ...q } = quote();
    if (!confirm) return q;
    let retried = 0;
    const refused: string[] = [];
    for (const caseId of ids) {
      const res = await dispatch(getHandlers(), 'cases:retry', { caseId }, ctx.log);
      if (res.ok) retried++;
      else refused.push(`${caseId}: ${res.error.messageRu ?? res.error.message}`);
    }
    if (retried === 0 && refused.length > 0) throw new UserError('retry-refused', `Не удалось повторить: ${refused.slice(0, 3).join('; ')}`, 'Retry refused');
    if (refused.length > 0) ctx.log.warn('bulk retry: some cases refused', { refused });
    ctx.log.info('bulk retry of failed cases', { retried, resend: q.resend, costRub: q.costRub });
    return { ...q, retried };
  };
}
