// Which fields need the clerk's attention — the heart of keyboard-first verification. Pure (no DOM) so
// the detail panel, column mode and tests agree on one rule.
import type { DocumentFilter, FieldDetail } from '../shared/api.ts';
import { DOC_TYPES, REVIEW_STATES, type Finding } from '../shared/types.ts';
import { fieldsOf, isAbsentField } from '../shared/fields.ts';
import { isReviewable } from '../shared/review-rules.ts';

export type AttentionOptions = { threshold: number; onlyAttention: boolean };

/**
 * A pending field needs attention when it has an error/warning finding or its confidence is below the
 * threshold. In "only what needs attention" mode the other pending fields count as pre-accepted (the
 * engine accepts them on confirm), so a clean document takes one keystroke; otherwise every pending
 * field is visited.
 */
export function needsAttention(field: FieldDetail, findings: readonly Finding[], opts: AttentionOptions): boolean {
  if (field.state !== 'pending') return false;
  if (!opts.onlyAttention) return true;
  if (findings.some((f) => f.field === field.name && (f.severity === 'error' || f.severity === 'warning'))) return true;
  if (isAbsentField(field.value, field.confidence)) return false;
  return field.confidence !== null && field.confidence < opts.threshold;
}

/** Index of the next field needing attention after `from` (wrapping), or -1. */
export function nextAttentionIndex(fields: readonly FieldDetail[], findings: readonly Finding[], opts: AttentionOptions, from: number): number {
  const n = fields.length;
  for (let step = 1; step <= n; step++) {
    const i = (from + step + n) % n;
    const f = fields[i];
    if (f && needsAttention(f, findings, opts)) return i;
  }
  return -1;
}

/** The finding whose fix F4 applies for a field: errors before warnings. */
export function fixFor(field: string, findings: readonly Finding[]): Finding | null {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...findings].filter((f) => f.field === field && f.fix).sort((a, b) => rank[a.severity] - rank[b.severity])[0] ?? null;
}

/** Fields in the document's catalogue order (shared/fields.ts), the order the clerk reads the scan in. */
export function orderFields(fields: readonly FieldDetail[], catalogue: readonly string[]): FieldDetail[] {
  const rank = (name: string) => {
    const i = catalogue.indexOf(name);
    return i < 0 ? catalogue.length : i;
  };
  return [...fields].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/**
 * Column mode's filter: the grid's filter narrowed to the document types that have `field`, to recognised documents
 * (nothing else has a value to accept — [Note: only recognised data is verified]) and, when asked, to documents not
 * yet verified. Null when nothing can match, so no query is sent.
 */
export function columnFilter(filter: DocumentFilter, field: string, skipVerified: boolean): DocumentFilter | null {
  const types = DOC_TYPES.filter((t) => fieldsOf(t).includes(field) && (!filter.types?.length || filter.types.includes(t)));
  const review = skipVerified ? (filter.review?.length ? filter.review : REVIEW_STATES).filter((r) => r !== 'verified') : filter.review;
  const statuses = (filter.statuses?.length ? filter.statuses : (['recognised'] as const)).filter((st) => isReviewable(st));
  // An empty list would mean "no condition" to the engine, not "nothing": stop here instead.
  if (types.length === 0 || statuses.length === 0 || (review && review.length === 0)) return null;
  return { ...filter, types, statuses, ...(review ? { review } : {}) };
}
