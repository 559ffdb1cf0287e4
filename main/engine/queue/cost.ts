// [Note: what a submission costs]
// Beorg publishes no price list (beorg-api §1.1, §6): the only figure is "100 RUB ≈ 25 recognitions of a passport
// spread", i.e. ≈ 4 RUB per recognised document. The cost meter therefore counts BILLED DOCUMENTS, and this is the
// model, used everywhere a cost is shown or capped (header, CLI summary, daily cap, re-process quote):
//   one accepted add_document (HTTP 200 with a document_id) bills one document per non-SELFIE document in it;
//   a SELFIE is the biometry stage of the passport it is sent with, not a recognition of its own; a request made
//   of selfies only still bills 1.
// So a passport+selfie case is 1 document (≈ 4 RUB), passport+INN+selfie is 2. Roubles = documents ×
// settings.pricePerDocumentRub. Requests that failed, were rate-limited or got no answer bill 0 here; a request
// with no answer makes its case 'uncertain' (maybe billed) and is counted separately, never resent.
// The simulator bills one per result document (selfies included): its `billing()` is the provider-side view and
// may be higher than this estimate for cases with a selfie.
export function billedDocuments(docTypes: readonly string[]): number {
  if (docTypes.length === 0) return 0;
  return Math.max(1, docTypes.filter((t) => t !== 'SELFIE').length);
}

export const rub = (documents: number, pricePerDocumentRub: number): number => Math.round(documents * pricePerDocumentRub * 100) / 100;
