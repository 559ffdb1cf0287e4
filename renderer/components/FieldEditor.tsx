// One field of the verification form: recognised value beside the editable one, confidence, state,
// findings (source API/ScanDesk, message in the UI language, fix suggestion with its key).
import { forwardRef } from 'react';
import type { FieldDetail } from '../../shared/api.ts';
import type { Finding } from '../../shared/types.ts';
import { useApp } from '../app-context.ts';
import { percent } from '../format.ts';
import { fieldLabel } from '../i18n.ts';
import { isAbsentField } from '../../shared/fields.ts';

type Props = {
  field: FieldDetail;
  findings: Finding[];
  draft: string;
  current: boolean;
  attention: boolean;
  threshold: number;
  onDraft: (value: string) => void;
  onFocus: () => void;
  onApplyFix: (findingId: number) => void;
};

export const FieldEditor = forwardRef<HTMLInputElement, Props>(function FieldEditor(
  { field, findings, draft, current, attention, threshold, onDraft, onFocus, onApplyFix },
  ref,
) {
  const { lang, t } = useApp();
  const worst = findings.find((f) => f.severity === 'error') ?? findings.find((f) => f.severity === 'warning') ?? findings[0];
  const low = !isAbsentField(field.value, field.confidence) && field.confidence !== null && field.confidence < threshold;
  const tone = worst?.severity === 'error' ? 'error' : worst?.severity === 'warning' ? 'warning' : low ? 'low' : 'ok';
  const changed = draft !== (field.value ?? '');
  return (
    <div
      className={`field field-${tone} field-state-${field.state}${current ? ' field-current' : ''}${attention ? ' field-attention' : ''}`}
      data-field={field.name}
      data-state={field.state}
      data-attention={attention ? 'yes' : 'no'}
    >
      <label className="field-label" htmlFor={`field-${field.name}`}>{fieldLabel(lang, field.name)}</label>
      <span className="field-original" title={t('detail.recognised')}>{field.recognised ?? '—'}</span>
      <input
        ref={ref}
        id={`field-${field.name}`}
        className={`field-input${changed ? ' field-changed' : ''}`}
        value={draft}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onDraft(e.target.value)}
        // Typing replaces the value: select all on focus, so the first key overwrites.
        onFocus={(e) => { e.currentTarget.select(); onFocus(); }}
      />
      <span className={`field-conf conf-${low ? 'low' : 'ok'}`}>{percent(field.confidence)}</span>
      <span className="field-state">{t(`detail.state.${field.state}`)}</span>
      {findings.length > 0 ? (
        <ul className="field-findings">
          {findings.map((f) => (
            <li key={f.id} className={`finding finding-${f.severity}`} data-code={f.code}>
              <span className={`source source-${f.source}`}>{t(`detail.source.${f.source}`)}</span>
              <span className="finding-text">{lang === 'en' ? f.messageEn : f.messageRu}</span>
              {f.fix ? (
                <button type="button" className="btn btn-small btn-fix" tabIndex={-1} onClick={() => onApplyFix(f.id)} title={lang === 'en' ? f.fix.noteEn : f.fix.noteRu}>
                  {t('detail.fix', { v: f.fix.value })}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});
