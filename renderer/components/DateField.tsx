// A date filter typed as «дд.мм.гггг» in every locale. <input type=date> shows the browser's own format (mm/dd/yyyy
// under an English locale), so this is a text field with a mask: dots appear as digits are typed, Enter or leaving the
// field applies it, and a date that does not exist is marked and explained instead of being dropped silently.
import { useEffect, useState } from 'react';
import { useApp } from '../app-context.ts';
import { formatRuDate, maskRuDate, parseRuDate } from '../format.ts';

type Props = { valueMs: number | undefined; endOfDay: boolean; onChange: (ms: number | undefined) => void; testId?: string };

export function DateField({ valueMs, endOfDay, onChange, testId }: Props) {
  const { t } = useApp();
  const shown = valueMs === undefined ? '' : formatRuDate(valueMs);
  const [text, setText] = useState(shown);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => { setText(shown); setInvalid(false); }, [shown]);
  const apply = () => {
    const ms = parseRuDate(text, endOfDay);
    if (ms === null) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    if (ms !== valueMs) onChange(ms);
  };
  return (
    <input
      type="text"
      inputMode="numeric"
      className={`date-input${invalid ? ' invalid' : ''}`}
      placeholder={t('date.placeholder')}
      title={invalid ? t('date.invalid') : t('date.placeholder')}
      aria-invalid={invalid}
      value={text}
      maxLength={10}
      onChange={(e) => { setText(maskRuDate(e.target.value)); setInvalid(false); }}
      onBlur={apply}
      onKeyDown={(e) => { if (e.key === 'Enter') apply(); }}
      data-testid={testId}
    />
  );
}
