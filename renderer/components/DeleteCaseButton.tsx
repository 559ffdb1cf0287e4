// "Удалить дело": removes every trace of one person's case (rows, cached previews and uploads — see
// main/engine/privacy.ts) after a confirmation that names the case. The clerk's original scans stay.
// Placed where a case is in view (the detail panel); it only needs the case id and its label.
import { useRef, useState } from 'react';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { Modal } from './Modal.tsx';

type Props = { caseId: number; caseLabel: string; onDeleted?: () => void };

export function DeleteCaseButton({ caseId, caseLabel, onDeleted }: Props) {
  const { lang, t, toast } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('privacy:delete-case', { caseId });
      setConfirming(false);
      toast('info', t('deleteCase.done', { docs: r.removedDocuments, files: r.removedFiles }));
      onDeleted?.();
    } catch (err) {
      setError(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => { setError(null); setConfirming(true); }} data-testid="delete-case">{t('deleteCase.button')}</button>
      {confirming ? (
        <DeleteCaseDialog caseLabel={caseLabel} busy={busy} error={error} onCancel={() => setConfirming(false)} onConfirm={() => void remove()} />
      ) : null}
    </>
  );
}

/** The question, as a modal that holds the focus (cancel first) and keeps its keys from the detail panel behind it. */
function DeleteCaseDialog({ caseLabel, busy, error, onCancel, onConfirm }: { caseLabel: string; busy: boolean; error: string | null; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useApp();
  const cancelRef = useRef<HTMLButtonElement | null>(null);
  // The label is rendered as text (React escapes it): file and case names are untrusted input.
  const title = t('deleteCase.title', { label: caseLabel });
  return (
    <Modal label={title} testId="delete-case-dialog" focusRef={cancelRef} onCancel={onCancel} busy={busy}>
      <h3>{title}</h3>
      <p>{t('deleteCase.text')}</p>
      {error ? <p className="bad" role="alert">{error}</p> : null}
      <div className="modal-actions">
        <button type="button" className="btn" ref={cancelRef} onClick={onCancel} disabled={busy}>{t('common.cancel')}</button>
        <button type="button" className="btn btn-danger" onClick={onConfirm} disabled={busy} data-testid="delete-case-confirm">{t('deleteCase.confirm')}</button>
      </div>
    </Modal>
  );
}
