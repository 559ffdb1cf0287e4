// First run: choose a folder + credentials, or start the demo (built-in samples + simulator).
import { useState } from 'react';
import type { AppInfo } from '../../shared/api.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { CredentialsForm } from './SettingsScreen.tsx';
import { FolderPicker } from './FolderPicker.tsx';

export function FirstRun({ onDone }: { onDone: (info: AppInfo) => void }) {
  const { t, toastError } = useApp();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const run = async (fn: () => Promise<AppInfo>) => {
    setBusy(true);
    try {
      onDone(await fn());
    } catch (err) {
      toastError(err, 'first-run');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="screen first-run" data-testid="first-run">
      <h1>{t('firstRun.title')}</h1>
      <p>{t('firstRun.intro')}</p>
      <section>
        <label className="stack">{t('firstRun.folder')}
          <span className="row">
            <input className="grow" value={path} onChange={(e) => setPath(e.target.value)} placeholder={'C:\\Сканы\\Входящие'} />
            <button type="button" className="btn" onClick={() => setPicking(true)} data-testid="pick-folder">{t('picker.open')}</button>
          </span>
        </label>
        {picking ? <FolderPicker onClose={() => setPicking(false)} onChoose={(p) => { setPath(p); setPicking(false); }} /> : null}
        <CredentialsForm />
        <button type="button" className="btn btn-primary start-btn" disabled={busy || !path.trim()} onClick={() => void run(async () => { await call('folders:add', { path: path.trim(), defaultType: 'PASSPORT' }); return call('app:first-run-done', {}); })}>{t('firstRun.start')}</button>
      </section>
      <section>
        <button type="button" className="btn btn-big" disabled={busy} onClick={() => void run(() => call('app:start-demo', { count: 12 }))} data-testid="start-demo">{t('firstRun.demo')}</button>
        <p className="muted">{t('firstRun.demoNote')}</p>
      </section>
    </div>
  );
}
