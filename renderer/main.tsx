// Entry point, kept tiny on purpose: the first page of grid rows, the settings and the app info are asked for
// before the ~900 KB of React and AG Grid (boot.tsx) is fetched and evaluated, so the engine's answers overlap
// that work instead of following it. The "loading" text is in index.html, shown before any script runs.
import { call } from './api.ts';
import { prefetchDocumentRows } from './grid-activity.ts';
import { initialRowsQuery } from './components/grid-layout.ts';
import './styles.css';

prefetchDocumentRows(initialRowsQuery());
const answers = Promise.allSettled([call('settings:get', {}), call('app:info', {})] as const);

import('./boot.tsx')
  .then((m) => m.boot(answers))
  .catch((err: unknown) => {
    // The app's own script failed to load (a broken install or build): say so instead of a blank window.
    const root = document.getElementById('root')!;
    root.className = 'crash';
    root.setAttribute('role', 'alert');
    root.textContent = `Не удалось загрузить интерфейс ScanDesk / Could not load the ScanDesk interface: ${String(err)}`;
  });
