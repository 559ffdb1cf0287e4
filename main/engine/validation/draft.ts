// The shape every pure validator returns: a finding without database ids. The module turns drafts into rows.
import type { FindingSource, Severity } from '../../../shared/types.ts';

/** A one-key fix the clerk may accept; never applied silently. */
export type Fix = { value: string; noteRu: string; noteEn: string };

export type FindingDraft = {
  field: string | null;
  severity: Severity;
  /** Stable machine code, e.g. 'inn.checksum'. */
  code: string;
  messageRu: string;
  messageEn: string;
  fix?: Fix;
};

/** A draft placed in a case: which document (index into the case's docs), who found it, what it points at. */
export type CaseFindingDraft = FindingDraft & {
  docIndex: number | null;
  source: FindingSource;
  /** Index of another document of the same case this finding points at (cross-document checks). */
  relatedDocIndex?: number;
  /** Database id of a document outside the case (duplicate person). */
  relatedDocumentId?: number;
};

export function draft(field: string | null, severity: Severity, code: string, messageRu: string, messageEn: string, fix?: Fix): FindingDraft {
  return fix ? { field, severity, code, messageRu, messageEn, fix } : { field, severity, code, messageRu, messageEn };
}
