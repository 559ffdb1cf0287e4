// The app proper, loaded by main.tsx once its first requests are on their way: renders the app inside an error
// boundary with the settings and app info main.tsx asked for. A failure to reach main shows a clear message
// instead of a blank window.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppInfo, ResultOf } from '../shared/api.ts';
import { DEFAULT_SETTINGS } from '../shared/settings-defaults.ts';
import { ApiCallError, errorText, NO_TOKEN } from './api.ts';
import { App } from './App.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { translate } from './i18n.ts';

export type BootAnswers = [PromiseSettledResult<ResultOf<'settings:get'>>, PromiseSettledResult<ResultOf<'app:info'>>];

export async function boot(answers: Promise<BootAnswers>): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  const [settingsRes, infoRes] = await answers;
  if (infoRes.status === 'rejected' && infoRes.reason instanceof ApiCallError && infoRes.reason.code === NO_TOKEN) {
    // Opened without `?t=`: reloading cannot help; say how to open the app (both languages: no settings yet).
    root.render(
      <div className="no-token" role="alert" data-testid="no-token">
        <h2>{translate('ru', 'noToken.title')}</h2>
        <p>{translate('ru', 'noToken.text')}</p>
        <p className="mono">npm run web · npx scandesk web → http://127.0.0.1:…/?t=…</p>
        <hr />
        <h2 lang="en">{translate('en', 'noToken.title')}</h2>
        <p lang="en">{translate('en', 'noToken.text')}</p>
      </div>,
    );
    return;
  }
  if (infoRes.status === 'rejected' && settingsRes.status === 'rejected') {
    // main is unreachable: say so clearly rather than showing a blank window.
    root.render(
      <div className="crash" role="alert">
        <h2>{errorText(infoRes.reason, DEFAULT_SETTINGS.language)}</h2>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>{translate('ru', 'app.reload')}</button>
      </div>,
    );
    return;
  }
  // One of them failed: work with defaults and show why (the clerk can still review).
  const settings = settingsRes.status === 'fulfilled' ? settingsRes.value : DEFAULT_SETTINGS;
  const info: AppInfo = infoRes.status === 'fulfilled' ? infoRes.value : { version: '', mode: 'web', firstRun: false, demo: false, dataDir: '', exportDir: '', user: '', keyStorage: 'none', keyWarning: null };
  const bootError = [settingsRes, infoRes].find((r) => r.status === 'rejected');
  root.render(
    <StrictMode>
      <ErrorBoundary lang={settings.language}>
        <App initialSettings={settings} initialInfo={info} bootError={bootError ? errorText(bootError.reason, settings.language) : null} />
      </ErrorBoundary>
    </StrictMode>,
  );
}

