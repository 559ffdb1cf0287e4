// F1: every keyboard shortcut on one card. Esc, F1 or a click outside closes it.
import { useEffect } from 'react';
import { useApp } from '../app-context.ts';
import type { MessageKey } from '../i18n.ts';

const GROUPS: { title: MessageKey; keys: [string, MessageKey][] }[] = [
  { title: 'help.grid', keys: [['F9', 'help.k.f9'], ['Enter / двойной щелчок', 'help.k.open']] },
  {
    title: 'help.review',
    keys: [
      ['Enter', 'help.k.enter'], ['А–Я, 0–9', 'help.k.type'], ['Ctrl+Enter', 'help.k.ctrlEnter'], ['F4', 'help.k.f4'], ['F7', 'help.k.f7'],
      ['F8', 'help.k.f8'], ['Ctrl+Z', 'help.k.ctrlZ'], ['Ctrl+Shift+Z', 'help.k.ctrlShiftZ'], ['+ − 0 R', 'help.k.viewer'], ['Esc', 'help.k.esc'],
    ],
  },
  { title: 'help.column', keys: [['Enter / ↓', 'help.k.columnEnter'], ['PgUp / PgDn', 'help.k.columnPages'], ['Esc', 'help.k.esc']] },
  { title: 'help.anywhere', keys: [['F1', 'help.k.f1']] },
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const { t, lang } = useApp();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' || e.key === 'F1') {
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  const keyName = (k: string) => (lang === 'en' ? k.replace('двойной щелчок', 'double-click').replace('А–Я', 'A–Z') : k);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="modal modal-wide" role="dialog" aria-modal="true" aria-label={t('help.title')} data-testid="help-overlay">
        <h3>{t('help.title')}</h3>
        {GROUPS.map((g) => (
          <section key={g.title}>
            <h4>{t(g.title)}</h4>
            <table className="help-keys"><tbody>
              {g.keys.map(([k, what]) => <tr key={k + what}><td><kbd>{keyName(k)}</kbd></td><td>{t(what)}</td></tr>)}
            </tbody></table>
          </section>
        ))}
        <div className="modal-actions"><button type="button" className="btn" onClick={onClose} autoFocus>{t('common.close')}</button></div>
      </div>
    </div>
  );
}
