// While a document is open in the review panel, this clerk holds it: others see «Проверяет: …» and cannot edit it.
// The claim lasts two minutes in the engine and is renewed here every 30 s; leaving the document releases it. When
// another clerk holds it, the claim is refused and the panel shows who (DocumentDetail.claimedBy); the renewal keeps
// trying, so the document becomes this clerk's as soon as the other one leaves.
import { useEffect } from 'react';
import { ApiCallError, call } from './api.ts';

const RENEW_MS = 30_000;

export function useDocumentClaim(documentId: number, onError: (err: unknown) => void): void {
  useEffect(() => {
    let open = true;
    const claim = () => {
      call('documents:claim', { id: documentId }).catch((err: unknown) => {
        // 'claimed' is shown by the panel from the document itself; anything else is the clerk's to know.
        if (open && !(err instanceof ApiCallError && err.code === 'claimed')) onError(err);
      });
    };
    claim();
    const timer = setInterval(claim, RENEW_MS);
    return () => {
      open = false;
      clearInterval(timer);
      call('documents:release', { id: documentId }).catch(() => undefined); // an engine already gone has released it
    };
  }, [documentId, onError]);
}
