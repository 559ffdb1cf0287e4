// Header: queue counts, progress, speed, ETA, pause/resume (with why and when the queue tries again), cost meter
// (billed documents and their estimated roubles — [Note: what a submission costs]), language switch.
import type { QueueState } from '../../shared/api.ts';
import type { Language } from '../../shared/types.ts';
import { useApp } from '../app-context.ts';
import { formatDuration, formatRub } from '../format.ts';

export type Screen = 'review' | 'cases' | 'stats' | 'settings';

type Props = {
  queue: QueueState | null;
  screen: Screen;
  onScreen: (s: Screen) => void;
  onPauseToggle: () => void;
  onLanguage: (l: Language) => void;
  onExport: () => void;
};

export function Header({ queue, screen, onScreen, onPauseToggle, onLanguage, onExport }: Props) {
  const { lang, t } = useApp();
  const c = queue?.counts;
  const queued = c ? c.seen + c.waiting + c.queued : 0;
  const inFlight = queue ? queue.inFlight : 0;
  const done = c ? c.recognised : 0;
  const failed = c ? c.failed + c.rejected + c.uncertain : 0;
  const total = queued + inFlight + done + failed;
  const progress = total > 0 ? (done + failed) / total : 0;
  const cost = queue?.cost;
  const saved = cost ? cost.savedDuplicates + cost.savedRejected : 0;
  const money = (n: number) => formatRub(n, lang);
  const clock = (ms: number) => new Date(ms).toLocaleTimeString(lang === 'ru' ? 'ru-RU' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  // The engine's own message (Russian, e.g. the API's reason) is shown in Russian and kept as a tooltip in English.
  const detail = queue?.pausedMessage && queue.pausedReason !== 'clerk' ? queue.pausedMessage : null;
  return (
    <header className="header">
      <div className="brand">ScanDesk</div>
      <nav className="tabs" aria-label={t('nav.label')}>
        {(['review', 'cases', 'stats', 'settings'] as const).map((s) => (
          <button key={s} type="button" className={`tab${screen === s ? ' tab-active' : ''}`} aria-current={screen === s ? 'page' : undefined} onClick={() => onScreen(s)}>
            {t(`nav.${s}`)}
          </button>
        ))}
        <button type="button" className="tab" onClick={onExport} data-testid="open-export">{t('nav.export')}</button>
      </nav>
      <div className="queue" data-testid="queue-state">
        <span className="counter" title={t('header.queued')}><b data-testid="q-queued">{queued}</b> {t('header.queued')}</span>
        <span className="counter" title={t('header.inFlight')}><b>{inFlight}</b> {t('header.inFlight')}</span>
        <span className="counter ok"><b data-testid="q-done">{done}</b> {t('header.done')}</span>
        <span className={`counter${failed > 0 ? ' bad' : ''}`}><b>{failed}</b> {t('header.failed')}</span>
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
          <div className="progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
        {queue && queue.docsPerMinute > 0 ? <span className="muted">{t('header.perMinute', { n: queue.docsPerMinute.toFixed(1) })}</span> : null}
        {queue?.etaMs ? <span className="muted">{t('header.eta', { t: formatDuration(queue.etaMs, lang) })}</span> : null}
        {queue?.pausedReason ? (
          <span className="paused-reason" data-testid="paused-reason" title={detail ?? undefined}>
            {t(`header.paused.${queue.pausedReason}`)}
            {detail && lang === 'ru' && detail !== t(`header.paused.${queue.pausedReason}`) ? ` — ${detail}` : ''}
            {queue.nextTryAt !== null ? <span data-testid="next-try"> · {t('header.nextTry', { t: clock(queue.nextTryAt) })}</span> : null}
          </span>
        ) : null}
        <button type="button" className="btn btn-small" onClick={onPauseToggle} disabled={!queue}>{queue?.paused ? t('header.resume') : t('header.pause')}</button>
      </div>
      {cost ? (
        <div className="cost" data-testid="cost-meter" title={t('header.price', { rub: money(cost.pricePerDocumentRub) })}>
          <span data-testid="cost-today">{t('header.costToday', { n: cost.todayDocuments, rub: money(cost.todayRub) })}</span>
          <span className="muted">{t('header.costTotal', { n: cost.totalDocuments, rub: money(cost.totalRub) })}</span>
          {saved > 0 ? <span className="good">{t('header.saved', { n: saved, rub: money(cost.savedRub) })}</span> : null}
          {cost.uncertainCases > 0 ? <span className="paused-reason">{t('header.uncertain', { n: cost.uncertainCases })}</span> : null}
          <span className="muted">{cost.dailyCap > 0 ? t('header.cap', { n: cost.dailyCap }) : t('header.noCap')}</span>
        </div>
      ) : null}
      <select className="lang" aria-label={t('header.language')} value={lang} onChange={(e) => onLanguage(e.target.value as Language)} data-testid="language">
        <option value="ru">{t('lang.ru')}</option>
        <option value="en">{t('lang.en')}</option>
      </select>
    </header>
  );
}
