// Where the review goes after a document is done: the next recognised document still pending review in the list's
// order (clean ones too: each needs its one confirming keystroke), wrapping to the top for the ones before it.
// Documents without recognised data are never reached ([Note: only recognised data is verified]).
import type { DocumentFilter, ListQuery } from '../shared/api.ts';
import { call } from './api.ts';

export async function findNextDocument(filter: DocumentFilter, sort: ListQuery['sort'], afterId?: number): Promise<number | null> {
  const next = await call('documents:next-attention', { sort, filter, include: 'pending', ...(afterId === undefined ? {} : { afterId }) });
  if (next.id !== null && next.id !== afterId) return next.id;
  if (afterId === undefined) return null;
  const first = await call('documents:next-attention', { sort, filter, include: 'pending' });
  return first.id !== afterId ? first.id : null;
}
