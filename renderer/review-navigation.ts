// Where Enter goes after a document is done. First the engine's next document needing attention
// ('documents:next-attention', list order); when none is left, the first recognised document still
// pending review — clean documents need their one confirming keystroke too (Enter / Ctrl+Enter).
import type { DocumentFilter, ListQuery } from '../shared/api.ts';
import { call } from './api.ts';

export async function findNextDocument(filter: DocumentFilter, sort: ListQuery['sort'], afterId?: number): Promise<number | null> {
  const attention = await call('documents:next-attention', { sort, filter, afterId });
  if (attention.id !== null && attention.id !== afterId) return attention.id;
  const pending = await call('documents:list', {
    offset: 0,
    limit: 2,
    sort,
    filter: { ...filter, review: ['pending'], statuses: filter.statuses ?? ['recognised'] },
  });
  return pending.rows.find((r) => r.id !== afterId)?.id ?? null;
}
