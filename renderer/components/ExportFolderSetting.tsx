// The export folder: the clerk types or picks it; '' means the default folder. What is shown afterwards comes from
// app:info, i.e. the folder the engine will really write to.
import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { FolderPicker } from './FolderPicker.tsx';

export function ExportFolderSetting() {
  const { t, settings, setSettings, toast, toastError } = useApp();
  const [draft, setDraft] = useState(settings.exportDir);
  const [inUse, setInUse] = useState('');
  const [picking, setPicking] = useState(false);
  useEffect(() => setDraft(settings.exportDir), [settings.exportDir]);
  useEffect(() => {
    call('app:info', {}).then((i) => setInUse(i.exportDir)).catch(() => undefined);
  }, [settings.exportDir]);

  const save = (exportDir: string) => {
    call('settings:set', { exportDir })
      .then((s) => { setSettings(s); toast('info', t('common.saved'), 'export-dir'); })
      .catch((err: unknown) => { setDraft(settings.exportDir); toastError(err, 'export-dir'); });
  };
  return (
    <div className="form-grid" data-testid="export-dir">
      <form className="full row" onSubmit={(e) => { e.preventDefault(); if (draft.trim() !== settings.exportDir) save(draft.trim()); }}>
        <label className="grow">{t('settings.exportDir')}
          <input value={draft} placeholder={t('settings.exportDirDefault')} onChange={(e) => setDraft(e.target.value)} data-testid="export-dir-input" />
        </label>
        <button type="button" className="btn" onClick={() => setPicking(true)}>{t('picker.open')}</button>
        <button type="submit" className="btn" data-testid="export-dir-save">{t('common.save')}</button>
        {settings.exportDir ? <button type="button" className="btn" onClick={() => save('')}>{t('settings.exportDirReset')}</button> : null}
      </form>
      <p className="full muted" data-testid="export-dir-in-use">{t('settings.exportDirInUse', { path: inUse })}</p>
      {picking ? <FolderPicker onClose={() => setPicking(false)} onChoose={(p) => { setDraft(p); setPicking(false); save(p); }} /> : null}
    </div>
  );
}
