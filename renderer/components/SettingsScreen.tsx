// Settings: credentials (write-only), API, watched folders, queue limits (live), review thresholds,
// language, privacy (retention purge, masking, key-storage warning). [Note: credentials never reach the renderer] —
// we only ever show the status. Deleting a case lives next to the case (DeleteCaseButton), not here.
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/api.ts';
import type { CredentialsStatus, Folder, Settings } from '../../shared/settings.ts';
import { DOC_TYPES, type DocType } from '../../shared/types.ts';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { docTypeLabel } from '../i18n.ts';

export function CredentialsForm({ onSaved }: { onSaved?: (s: CredentialsStatus) => void }) {
  const { lang, t, toast } = useApp();
  const [status, setStatus] = useState<CredentialsStatus | null>(null);
  const [token, setToken] = useState('');
  const [machineUid, setMachineUid] = useState('');
  const [projectId, setProjectId] = useState('');
  useEffect(() => { call('settings:credentials-status', {}).then(setStatus).catch((err: unknown) => toast('error', errorText(err, lang))); }, [lang, toast]);
  const save = async () => {
    try {
      const s = await call('settings:set-credentials', { token, machineUid, projectId });
      setStatus(s);
      setToken(''); setMachineUid(''); setProjectId('');
      toast('info', t('common.saved'));
      onSaved?.(s);
    } catch (err) {
      toast('error', errorText(err, lang));
    }
  };
  return (
    <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="credentials-form">
      <p className="full" data-testid="credentials-status">
        {status?.configured ? t('settings.credsConfigured', { hint: status.machineUidHint ?? '', storage: status.storage }) : t('settings.credsMissing')}
        {status?.warning ? <span className="bad"> · {status.warning}</span> : null}
      </p>
      <label>{t('settings.token')}<input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} /></label>
      <label>{t('settings.machineUid')}<input type="password" autoComplete="off" value={machineUid} onChange={(e) => setMachineUid(e.target.value)} /></label>
      <label>{t('settings.projectId')}<input type="password" autoComplete="off" value={projectId} onChange={(e) => setProjectId(e.target.value)} /></label>
      <p className="full muted">{t('settings.credsNote')}</p>
      <div className="full row">
        <button type="submit" className="btn btn-primary" disabled={!token || !machineUid || !projectId}>{t('settings.credsSave')}</button>
        {status?.configured ? <button type="button" className="btn btn-danger" onClick={() => { call('settings:clear-credentials', {}).then(setStatus).catch((err: unknown) => toast('error', errorText(err, lang))); }}>{t('settings.credsClear')}</button> : null}
      </div>
    </form>
  );
}

function FolderRow({ folder, onChanged }: { folder: Folder; onChanged: () => void }) {
  const { lang, t, toast } = useApp();
  const update = (patch: Parameters<typeof call<'folders:update'>>[1]) => {
    call('folders:update', patch).then(onChanged).catch((err: unknown) => toast('error', errorText(err, lang)));
  };
  const o = folder.options;
  return (
    <tr>
      <td className="mono">{folder.path}</td>
      <td>
        <select value={folder.defaultType} onChange={(e) => update({ id: folder.id, defaultType: e.target.value as DocType })}>
          {DOC_TYPES.map((d) => <option key={d} value={d}>{docTypeLabel(lang, d)}</option>)}
        </select>
      </td>
      <td><input type="number" min={200} step={100} value={o.settleMs} onChange={(e) => update({ id: folder.id, options: { settleMs: Number(e.target.value) } })} /></td>
      <td>
        <select value={o.polling} onChange={(e) => update({ id: folder.id, options: { polling: e.target.value as Folder['options']['polling'] } })}>
          {(['auto', 'on', 'off'] as const).map((p) => <option key={p} value={p}>{t(`settings.polling.${p}`)}</option>)}
        </select>
      </td>
      <td>
        <select value={o.duplicatePolicy} onChange={(e) => update({ id: folder.id, options: { duplicatePolicy: e.target.value as Folder['options']['duplicatePolicy'] } })}>
          {(['skip', 'warn', 'allow'] as const).map((p) => <option key={p} value={p}>{t(`settings.duplicates.${p}`)}</option>)}
        </select>
      </td>
      <td>
        <select value={o.originals} onChange={(e) => update({ id: folder.id, options: { originals: e.target.value as Folder['options']['originals'] } })}>
          {(['keep', 'move'] as const).map((p) => <option key={p} value={p}>{t(`settings.originals.${p}`)}</option>)}
        </select>
      </td>
      <td><button type="button" className="btn btn-small btn-danger" onClick={() => { call('folders:remove', { id: folder.id }).then(onChanged).catch((err: unknown) => toast('error', errorText(err, lang))); }}>{t('common.remove')}</button></td>
    </tr>
  );
}

export function SettingsScreen({ folders, onFoldersChanged }: { folders: Folder[]; onFoldersChanged: () => void }) {
  const { lang, t, settings, setSettings, toast } = useApp();
  const [draft, setDraft] = useState<Settings>(settings);
  const [newPath, setNewPath] = useState('');
  const [newType, setNewType] = useState<DocType>('PASSPORT');
  const [keyWarning, setKeyWarning] = useState<AppInfo['keyWarning']>(null);
  const [purgeResult, setPurgeResult] = useState<string | null>(null);
  useEffect(() => setDraft(settings), [settings]);
  useEffect(() => { call('app:info', {}).then((i) => setKeyWarning(i.keyWarning)).catch(() => undefined); }, []);

  const save = async (patch: Partial<Settings>) => {
    try {
      setSettings(await call('settings:set', patch));
      if (patch.concurrency !== undefined || patch.rps !== undefined) await call('queue:set-limits', { concurrency: patch.concurrency, rps: patch.rps });
      toast('info', t('common.saved'));
    } catch (err) {
      setDraft(settings); // show what is really stored, not the refused value
      toast('error', errorText(err, lang));
    }
  };
  const purgeNow = async () => {
    setPurgeResult(null);
    try {
      // A retention period typed but not yet saved (no blur yet) counts.
      if (draft.retentionDays !== settings.retentionDays) setSettings(await call('settings:set', { retentionDays: draft.retentionDays }));
      const { purgedDocuments } = await call('privacy:purge-now', {});
      setPurgeResult(draft.retentionDays === 0 ? t('settings.purgeOff') : t('settings.purgeDone', { n: purgedDocuments }));
    } catch (err) {
      toast('error', errorText(err, lang));
    }
  };
  // `unit`: how many stored units one shown unit is. Durations are stored in ms and shown in seconds (unit 1000):
  // a clerk thinks of an upload wait in seconds. step/min/max are in shown units.
  const num = (key: keyof Settings, label: string, step: number, min: number, max: number, unit = 1) => (
    <label>{label}
      <input type="number" step={step} min={min} max={max} value={(draft[key] as number) / unit} data-setting={key}
        onChange={(e) => setDraft({ ...draft, [key]: unit === 1 ? Number(e.target.value) : Math.round(Number(e.target.value) * unit) })}
        onBlur={() => { if (draft[key] !== settings[key]) void save({ [key]: draft[key] }); }} />
    </label>
  );
  const check = (key: keyof Settings, label: string) => (
    <label className="check"><input type="checkbox" checked={draft[key] as boolean} data-setting={key} onChange={(e) => { setDraft({ ...draft, [key]: e.target.checked }); void save({ [key]: e.target.checked }); }} />{label}</label>
  );
  return (
    <div className="screen settings" data-testid="settings">
      <h2>{t('settings.title')}</h2>
      <section><h3>{t('settings.credentials')}</h3><CredentialsForm /></section>
      <section>
        <h3>{t('settings.api')}</h3>
        <div className="form-grid">
          <label>{t('settings.apiUrl')}<input value={draft.apiUrl} onChange={(e) => setDraft({ ...draft, apiUrl: e.target.value })} onBlur={() => { if (draft.apiUrl !== settings.apiUrl) void save({ apiUrl: draft.apiUrl }); }} /></label>
          <label>{t('settings.project')}<input value={draft.projectId} onChange={(e) => setDraft({ ...draft, projectId: e.target.value })} onBlur={() => { if (draft.projectId !== settings.projectId) void save({ projectId: draft.projectId }); }} /></label>
        </div>
      </section>
      <section>
        <h3>{t('settings.folders')}</h3>
        {folders.length === 0 ? <p className="muted">{t('settings.noFolders')}</p> : (
          <table className="table">
            <thead><tr><th>{t('settings.folderPath')}</th><th>{t('settings.defaultType')}</th><th>{t('settings.settle')}</th><th>{t('settings.polling')}</th><th>{t('settings.duplicates')}</th><th>{t('settings.originals')}</th><th /></tr></thead>
            <tbody>{folders.map((f) => <FolderRow key={f.id} folder={f} onChanged={onFoldersChanged} />)}</tbody>
          </table>
        )}
        <form className="row" onSubmit={(e) => { e.preventDefault(); call('folders:add', { path: newPath.trim(), defaultType: newType }).then(() => { setNewPath(''); onFoldersChanged(); }).catch((err: unknown) => toast('error', errorText(err, lang))); }}>
          <input className="grow" placeholder={t('settings.folderPath')} value={newPath} onChange={(e) => setNewPath(e.target.value)} data-testid="new-folder-path" />
          <select value={newType} onChange={(e) => setNewType(e.target.value as DocType)}>{DOC_TYPES.map((d) => <option key={d} value={d}>{docTypeLabel(lang, d)}</option>)}</select>
          <button type="submit" className="btn" disabled={!newPath.trim()}>{t('common.add')}</button>
        </form>
      </section>
      <section>
        <h3>{t('settings.queue')}</h3>
        <div className="form-grid">
          {num('concurrency', t('settings.concurrency'), 1, 1, 64)}
          {num('rps', t('settings.rps'), 0.5, 0.1, 100)}
          {num('dailyCap', t('settings.dailyCap'), 1, 0, 1_000_000)}
          {num('uploadTimeoutMs', t('settings.uploadTimeout'), 1, 1, 900, 1000)}
          <p className="full muted">{t('settings.uploadTimeoutNote')}</p>
        </div>
      </section>
      <section>
        <h3>{t('settings.review')}</h3>
        <div className="form-grid">
          {num('confidenceThreshold', t('settings.threshold'), 0.01, 0, 1)}
          {num('matchThreshold', t('settings.matchThreshold'), 0.01, 0, 1)}
          {num('livenessThreshold', t('settings.livenessThreshold'), 0.01, 0, 1)}
          <label>{t('settings.language')}
            <select value={draft.language} onChange={(e) => void save({ language: e.target.value as Settings['language'] })}>
              <option value="ru">{t('lang.ru')}</option><option value="en">{t('lang.en')}</option>
            </select>
          </label>
          {check('onlyAttention', t('settings.onlyAttention'))}
        </div>
      </section>
      <section data-testid="privacy">
        <h3>{t('settings.privacy')}</h3>
        {keyWarning ? <p className="bad" role="alert" data-testid="key-warning">{lang === 'en' ? keyWarning.en : keyWarning.ru}</p> : null}
        <div className="form-grid">
          {num('retentionDays', t('settings.retentionDays'), 1, 0, 3650)}
          <div className="row">
            <button type="button" className="btn" onClick={() => void purgeNow()} data-testid="purge-now">{t('settings.purgeNow')}</button>
            {purgeResult ? <span className="good" role="status" data-testid="purge-result">{purgeResult}</span> : null}
          </div>
          {check('maskPassportNumbers', t('settings.mask'))}
          <p className="full muted">{t('settings.retentionNote')}</p>
          <p className="full muted">{t('settings.deleteCaseHint')}</p>
        </div>
      </section>
    </div>
  );
}
