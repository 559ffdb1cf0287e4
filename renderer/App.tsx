// The app shell: loads info/settings/folders/queue state, subscribes to pushes (debounced re-query),
// and switches between the review grid (+ detail panel), cases, statistics, settings and first run.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { AppInfo, DocumentFilter, DocumentRow, QueueState } from '../shared/api.ts';
import type { Folder, Settings } from '../shared/settings.ts';
import { printable } from '../shared/printable.ts';
import type { Language } from '../shared/types.ts';
import { call, onEvent, transport } from './api.ts';
import { AppContext, errorToaster, type AppContextValue } from './app-context.ts';
import { translate } from './i18n.ts';
import { findNextDocument } from './review-navigation.ts';
import { ColumnMode } from './components/ColumnMode.tsx';
import { DetailPanel } from './components/DetailPanel.tsx';
import { CaseGrid } from './components/CaseGrid.tsx';
import { DocumentGrid, type SortSpec } from './components/DocumentGrid.tsx';
import { DropZone } from './components/DropZone.tsx';
import { ExportDialog } from './components/ExportDialog.tsx';
import { FirstRun } from './components/FirstRun.tsx';
import { Header, type Screen } from './components/Header.tsx';
import { QuickFilters } from './components/QuickFilters.tsx';
import { SettingsScreen } from './components/SettingsScreen.tsx';
import { Toasts } from './components/Toasts.tsx';
import { HelpOverlay } from './components/HelpOverlay.tsx';
import { RetryFailed } from './components/RetryFailed.tsx';
import { askNotificationPermissionOnFirstClick, desktopNotify, usePauseNotification } from './notifications.ts';
import { useToasts } from './useToasts.ts';
import { ToolbarActions } from './components/ToolbarActions.tsx';
import { useGlobalKey } from './useGlobalKey.ts';

const REFRESH_DEBOUNCE_MS = 400;
// The charts (uPlot) load when Статистика is first opened, not with the grid.
const StatsView = lazy(() => import('./components/StatsView.tsx').then((m) => ({ default: m.StatsView })));

export function App({ initialSettings, initialInfo, bootError }: { initialSettings: Settings; initialInfo: AppInfo; bootError: string | null }) {
  const [settings, setSettings] = useState(initialSettings);
  const [info, setInfo] = useState(initialInfo);
  const [queue, setQueue] = useState<QueueState | null>(null);
  const [folders, setFolders] = useState<Folder[]>([]);
  const [screen, setScreen] = useState<Screen>('review');
  const [filter, setFilter] = useState<DocumentFilter>({ quick: 'all' });
  const [sort, setSort] = useState<SortSpec>([]);
  const [openId, setOpenId] = useState<number | null>(null);
  const [lastOpened, setLastOpened] = useState<number | null>(null);
  const [selection, setSelection] = useState<DocumentRow[]>([]);
  const [refreshTick, setRefreshTick] = useState(0);
  const { toasts, toast, dismiss, clear: clearToasts } = useToasts();
  const [help, setHelp] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [columnMode, setColumnMode] = useState(false);
  const lang: Language = settings.language;
  const t = useCallback<AppContextValue['t']>((k, p) => translate(lang, k, p), [lang]);
  const toastError = useMemo(() => errorToaster(toast, lang), [toast, lang]);
  const ctx = useMemo<AppContextValue>(
    () => ({ lang, t, settings, setSettings, toast, clearToasts, toastError }),
    [lang, t, settings, toast, clearToasts, toastError],
  );
  // Settings and app info change together when demo mode starts (API address, demo flag): re-read both.
  const onInfo = useCallback((i: AppInfo) => {
    setInfo(i);
    call('settings:get', {}).then(setSettings).catch((err: unknown) => toastError(err));
  }, [lang, toastError]);
  const pauseText = useCallback((q: QueueState) => (q.pausedReason ? translate(lang, `header.paused.${q.pausedReason}`) : ''), [lang]);
  usePauseNotification(queue, pauseText);
  useEffect(() => askNotificationPermissionOnFirstClick(), []);
  useGlobalKey('F1', useCallback(() => setHelp(true), []));

  const loadFolders = useCallback(() => {
    call('folders:list', {}).then(setFolders).catch((err: unknown) => toastError(err));
  }, [lang, toastError]);

  useEffect(() => {
    if (bootError) toast('error', bootError);
  }, [bootError, toast]);

  useEffect(() => {
    loadFolders();
    call('queue:state', {}).then(setQueue).catch((err: unknown) => toastError(err));
    // Pushes carry ids and counts; we re-query what is shown, debounced so a busy queue costs ≤ 2.5 queries/s.
    let timer: number | null = null;
    const scheduleRefresh = () => {
      if (timer !== null) return;
      timer = window.setTimeout(() => { timer = null; setRefreshTick((n) => n + 1); }, REFRESH_DEBOUNCE_MS);
    };
    const offs = [
      onEvent('queue:progress', (q) => { setQueue(q); scheduleRefresh(); }),
      onEvent('documents:changed', scheduleRefresh),
      // Messages can quote file names and the API: [Note: control characters never reach a terminal, a log or a notification raw]
      onEvent('notify', (n) => {
        const text = printable(lang === 'en' ? n.messageEn : n.messageRu);
        toast(n.level, text);
        desktopNotify(text);
      }),
    ];
    return () => {
      for (const off of offs) off();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [lang, toast, toastError, loadFolders]);

  const changeLanguage = (l: Language) => {
    call('settings:set', { language: l }).then(setSettings).catch((err: unknown) => toastError(err));
  };
  const togglePause = () => {
    call(queue?.paused ? 'queue:resume' : 'queue:pause', {}).then(setQueue).catch((err: unknown) => toastError(err));
  };
  const openLocation = () => {
    const row = selection[0];
    if (!row) return;
    call('documents:open-location', { documentId: row.id })
      .then((r) => { if (!r.revealed || transport() === 'web') toast('info', t('grid.locationIs', { path: r.path })); })
      .catch((err: unknown) => toastError(err));
  };
  // F9 on the grid: open the first document needing attention in the current filter and sort.
  const startReview = useCallback(() => {
    findNextDocument(filter, sort)
      .then((id) => { if (id !== null) setOpenId(id); else toast('info', t('detail.allDone')); })
      .catch((err: unknown) => toastError(err));
  }, [sort, filter, toast, toastError, t, lang]);
  useGlobalKey('F9', startReview, openId === null && !columnMode && (screen === 'review' || screen === 'cases'));
  const onFilterChange = useCallback((f: DocumentFilter) => setFilter(f), []);
  const closeDetail = useCallback((id: number) => {
    setOpenId(null);
    setLastOpened(id);
    setRefreshTick((n) => n + 1);
  }, []);

  if (info.firstRun) {
    return (
      <AppContext.Provider value={ctx}>
        <FirstRun onDone={(i) => { onInfo(i); loadFolders(); }} />
        <Toasts toasts={toasts} onDismiss={dismiss} />
      </AppContext.Provider>
    );
  }

  return (
    <AppContext.Provider value={ctx}>
      <div className="app" lang={lang}>
        <Header
          queue={queue} screen={screen} demo={info.demo} onScreen={(s) => { setScreen(s); setOpenId(null); setColumnMode(false); }} onPauseToggle={togglePause}
          onLanguage={changeLanguage} onExport={() => setExporting(true)} onRetryFailed={() => setRetrying(true)} onHelp={() => setHelp(true)}
        />
        {info.demo ? <div className="demo-banner" role="note" data-testid="demo-banner">{t('demo.banner')}</div> : null}
        <main className="main">
          {screen === 'review' || screen === 'cases' ? (
            <div className="review-screen">
              <div className={openId !== null || columnMode ? 'hidden' : 'review-grid'}>
                <div className="toolbar">
                  <QuickFilters filter={filter} onChange={onFilterChange} refreshTick={refreshTick} folders={folders}>
                    <ToolbarActions onStartReview={startReview} canLocate={selection.length > 0} onLocate={openLocation} onColumnMode={() => setColumnMode(true)} />
                  </QuickFilters>
                </div>
                {screen === 'review' ? (
                  <DocumentGrid filter={filter} refreshTick={refreshTick} onOpen={setOpenId} onSelectionChange={setSelection} onSortChange={setSort} focusId={lastOpened} />
                ) : (
                  <CaseGrid filter={filter} refreshTick={refreshTick} onOpen={setOpenId} />
                )}
              </div>
              {openId !== null ? <DetailPanel key="detail" documentId={openId} filter={filter} sort={sort} onNavigate={setOpenId} onClose={closeDetail} /> : null}
              {columnMode && openId === null ? <ColumnMode filter={filter} sort={sort} onClose={() => { setColumnMode(false); setRefreshTick((n) => n + 1); }} /> : null}
            </div>
          ) : null}
          {screen === 'stats' ? <Suspense fallback={<div className="screen">{t('app.loading')}</div>}><StatsView refreshTick={refreshTick} /></Suspense> : null}
          {screen === 'settings' ? <SettingsScreen folders={folders} onFoldersChanged={loadFolders} demo={info.demo} onInfo={onInfo} /> : null}
        </main>
        {exporting ? <ExportDialog filter={filter} selection={selection.map((r) => r.id)} caseId={selection[0]?.caseId ?? null} onClose={() => setExporting(false)} /> : null}
        <DropZone />
        {retrying ? <RetryFailed demo={info.demo} onClose={() => setRetrying(false)} /> : null}
        {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
        <Toasts toasts={toasts} onDismiss={dismiss} />
      </div>
    </AppContext.Provider>
  );
}
