// Header: sections, queue counts, progress, speed, ETA, a recompute of checks under way, pause/resume (with why and when the queue tries again), the
// cost meter (billed documents and their estimated roubles — [Note: what a submission costs]; «демо» in demo mode),
// and «Ещё…»: the rest of the cost meter, bulk retry, help and language. Controls never shrink; only the queue's
// counters give way, so every control stays visible and clickable from 1280 px up.
import { useEffect, useRef, useState } from 'react';
import type { QueueState } from '../../shared/api.ts';
import type { Language } from '../../shared/types.ts';
import { useApp } from '../app-context.ts';
import { formatDuration, formatRub } from '../format.ts';

export type Screen = 'review' | 'cases' | 'stats' | 'settings';

type Props = {
  queue: QueueState | null;
  /** Cases rechecked of all, while checks are recomputed in the background (after a threshold change). */
  checks: { done: number; total: number } | null;
  screen: Screen;
  demo: boolean;
  onScreen: (s: Screen) => void;
  onPauseToggle: () => void;
  onLanguage: (l: Language) => void;
  onExport: () => void;
  onRetryFailed: () => void;
  onHelp: () => void;
};

function HeaderMenu({ queue, demo, onLanguage, onRetryFailed, onHelp, onClose }: Pick<Props, 'queue' | 'demo' | 'onLanguage' | 'onRetryFailed' | 'onHelp'> & { onClose: () => void }) {
  const { lang, t } = useApp();
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const away = (e: MouseEvent) => { if (ref.current && !ref.current.contains(e.target as Node) && !(e.target as Element).closest?.('[data-testid="header-more"]')) onClose(); };
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', esc);
    return () => { document.removeEventListener('mousedown', away); document.removeEventListener('keydown', esc); };
  }, [onClose]);
  const cost = queue?.cost;
  const money = (n: number) => (demo ? t('header.demoMoney') : `${formatRub(n, lang)} ₽`);
  const failed = queue ? queue.counts.failed : 0;
  return (
    <div className="header-menu" role="menu" ref={ref} data-testid="header-menu">
      {cost ? (
        <div className="menu-costs">
          <div>{t('header.costTotalX', { n: cost.totalDocuments, money: money(cost.totalRub) })}</div>
          {cost.savedDuplicates + cost.savedRejected > 0 ? <div className="good">{t('header.savedX', { n: cost.savedDuplicates + cost.savedRejected, money: money(cost.savedRub) })}</div> : null}
          {cost.uncertainCases > 0 ? <div className="paused-reason">{t('header.uncertain', { n: cost.uncertainCases })}</div> : null}
          <div className="muted">{cost.dailyCap > 0 ? t('header.cap', { n: cost.dailyCap }) : t('header.noCap')}</div>
          <div className="muted">{t('header.price', { rub: formatRub(cost.pricePerDocumentRub, lang) })}</div>
        </div>
      ) : null}
      <button type="button" role="menuitem" className="btn" disabled={failed === 0} onClick={() => { onClose(); onRetryFailed(); }} data-testid="retry-failed">{t('retry.menu', { n: failed })}</button>
      <button type="button" role="menuitem" className="btn" onClick={() => { onClose(); onHelp(); }}>{t('help.open')}</button>
      <label className="menu-lang">{t('header.language')}
        <select aria-label={t('header.language')} value={lang} onChange={(e) => onLanguage(e.target.value as Language)} data-testid="language">
          <option value="ru">{t('lang.ru')}</option>
          <option value="en">{t('lang.en')}</option>
        </select>
      </label>
    </div>
  );
}

export function Header({ queue, checks, screen, demo, onScreen, onPauseToggle, onLanguage, onExport, onRetryFailed, onHelp }: Props) {
  const { lang, t } = useApp();
  const [menu, setMenu] = useState(false);
  const c = queue?.counts;
  const queued = c ? c.seen + c.waiting + c.queued : 0;
  const inFlight = queue ? queue.inFlight : 0;
  const done = c ? c.recognised : 0;
  const failed = c ? c.failed + c.rejected + c.uncertain : 0;
  const total = queued + inFlight + done + failed;
  const progress = total > 0 ? (done + failed) / total : 0;
  const cost = queue?.cost;
  const clock = (ms: number) => new Date(ms).toLocaleTimeString(lang === 'ru' ? 'ru-RU' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  // The engine's own message (Russian, e.g. the API's reason) is shown in Russian and kept as a tooltip in English.
  const detail = queue?.pausedMessage && queue.pausedReason !== 'clerk' ? queue.pausedMessage : null;
  const pausedText = queue?.pausedReason
    ? `${t(`header.paused.${queue.pausedReason}`)}${detail && lang === 'ru' && detail !== t(`header.paused.${queue.pausedReason}`) ? ` — ${detail}` : ''}`
    : '';
  return (
    <header className="header">
      <div className="brand">ScanDesk</div>
      {demo ? <span className="demo-badge" data-testid="demo-badge" title={t('demo.banner')}>{t('demo.badge')}</span> : null}
      <nav className="tabs" aria-label={t('nav.label')}>
        {(['review', 'cases', 'stats', 'settings'] as const).map((s) => (
          <button key={s} type="button" className={`tab${screen === s ? ' tab-active' : ''}`} aria-current={screen === s ? 'page' : undefined} onClick={() => onScreen(s)}>
            {t(`nav.${s}`)}
          </button>
        ))}
        <button type="button" className="tab" onClick={onExport} data-testid="open-export">{t('nav.export')}</button>
      </nav>
      <div className="queue" data-testid="queue-state" title={`${t('header.queued')}: ${queued} · ${t('header.inFlight')}: ${inFlight} · ${t('header.done')}: ${done} · ${t('header.failed')}: ${failed}`}>
        <span className="counter"><b data-testid="q-queued">{queued}</b> {t('header.queued')}</span>
        <span className="counter"><b>{inFlight}</b> {t('header.inFlight')}</span>
        <span className="counter ok"><b data-testid="q-done">{done}</b> {t('header.done')}</span>
        <span className={`counter${failed > 0 ? ' bad' : ''}`}><b>{failed}</b> {t('header.failed')}</span>
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
          <div className="progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
        {queue && queue.docsPerMinute > 0 ? <span className="muted">{t('header.perMinute', { n: queue.docsPerMinute.toFixed(1) })}</span> : null}
        {queue?.etaMs ? <span className="muted">{t('header.eta', { t: formatDuration(queue.etaMs, lang) })}</span> : null}
        {checks ? <span className="muted" data-testid="checks-progress">{t('header.recheck', { done: checks.done, total: checks.total })}</span> : null}
      </div>
      {queue?.pausedReason ? (
        <span className="paused-reason" data-testid="paused-reason" title={detail ?? pausedText}>
          <span className="paused-text">{pausedText}</span>
          {queue.nextTryAt !== null ? <span data-testid="next-try"> · {t('header.nextTry', { t: clock(queue.nextTryAt) })}</span> : null}
        </span>
      ) : null}
      <button type="button" className="btn btn-small header-pause" onClick={onPauseToggle} disabled={!queue}>{queue?.paused ? t('header.resume') : t('header.pause')}</button>
      {cost ? (
        <div className="cost" data-testid="cost-meter" title={t('header.price', { rub: formatRub(cost.pricePerDocumentRub, lang) })}>
          <span data-testid="cost-today">{demo ? t('header.costTodayDemo', { n: cost.todayDocuments }) : t('header.costToday', { n: cost.todayDocuments, rub: formatRub(cost.todayRub, lang) })}</span>
        </div>
      ) : null}
      <div className="header-more-wrap">
        <button type="button" className="btn btn-small" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu((m) => !m)} data-testid="header-more">{t('header.more')}</button>
        {menu ? <HeaderMenu queue={queue} demo={demo} onLanguage={onLanguage} onRetryFailed={onRetryFailed} onHelp={onHelp} onClose={() => setMenu(false)} /> : null}
      </div>
    </header>
  );
}
