// A number setting typed by a clerk: a text field (a number field drops «0,85» in some locales and says nothing), read
// with a comma or a point; ratios also take per cent («85» = 0.85, the grid shows confidence in %). A value that does
// not fit says what to type and shows the stored value again. Saved when the field is left or on Enter.
import { useEffect, useState } from 'react';
import { useApp } from '../app-context.ts';
import { parseRatio } from '../format.ts';

type Props = {
  label: string;
  settingKey: string;
  /** Stored value. */
  value: number;
  /** Stored units per shown unit (ms shown as s: 1000). */
  unit?: number;
  /** Limits in shown units. */
  min: number;
  max: number;
  ratio?: boolean;
  integer?: boolean;
  onSave: (stored: number) => void;
};

export function NumberSetting({ label, settingKey, value, unit = 1, min, max, ratio = false, integer = false, onSave }: Props) {
  const { lang, t, toast, clearToasts } = useApp();
  const show = (v: number) => {
    const n = Math.round((v / unit) * 1000) / 1000;
    return lang === 'ru' ? String(n).replace('.', ',') : String(n);
  };
  const [text, setText] = useState(show(value));
  useEffect(() => setText(show(value)), [value, lang, unit]);
  const apply = () => {
    const raw = text.trim().replace(/\s/g, '');
    const shown = ratio ? parseRatio(raw) : /^-?\d+([.,]\d+)?$/.test(raw) ? Number(raw.replace(',', '.')) : null;
    if (shown === null || shown < min || shown > max || (integer && !Number.isInteger(shown))) {
      toast('error', ratio ? t('settings.ratioInvalid', { v: text }) : t('settings.numberInvalid', { v: text, min: show(min * unit), max: show(max * unit) }), `setting:${settingKey}`);
      setText(show(value));
      return;
    }
    clearToasts(`setting:${settingKey}`);
    const stored = unit === 1 ? shown : Math.round(shown * unit);
    setText(show(stored));
    if (stored !== value) onSave(stored);
  };
  return (
    <label>{label}
      <input type="text" inputMode="decimal" value={text} data-setting={settingKey}
        onChange={(e) => setText(e.target.value)} onBlur={apply} onKeyDown={(e) => { if (e.key === 'Enter') apply(); }} />
    </label>
  );
}
