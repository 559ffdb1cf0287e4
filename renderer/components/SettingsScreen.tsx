// Settings: credentials (write-only), API, watched folders, queue limits (live), review thresholds,
// language, privacy (retention purge, masking, key-storage warning). [Note: credentials never reach the renderer] —
// we only ever show the status. Deleting a case lives next to the case (DeleteCaseButton), not here.
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/api.ts';
import type { CredentialsStatus, Folder, Settings } from '../../shared/settings.ts';
import { DOC_TYPES, type DocType } from '../../shared/types.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { docTypeLabel } from '../i18n.ts';
import { ExportFolderSetting } from './ExportFolderSetting.tsx';
import { FolderPicker } from './FolderPicker.tsx';
import { NumberSetting } from './NumberSetting.tsx';
import { TeamServerForm } from './TeamServerForm.tsx';

export function CredentialsForm({ onSaved }: { onSaved?: (s: CredentialsStatus) => void }) {
  const { lang, t, toast, clearToasts, toastError } = useApp();
  const [status, setStatus] = useState<CredentialsStatus | null>(null);
  const [token, setToken] = useState('');
  const [machineUid, setMachineUid] = useState('');
  const [projectId, setProjectId] = useState('');
  useEffect(() => { call('settings:credentials-status', {}).then(setStatus).catch((err: unknown) => toastError(err)); }, [lang, toastError]);
  const save = async () => {
    // The engine refuses these too; saying which field and what to do beats «Некорректные параметры запроса».
    if (token.trim().length < 8 || machineUid.trim().length < 8) return toast('error', t('settings.credsTooShort'), 'credentials');
    if (!projectId.trim()) return toast('error', t('settings.credsProjectMissing'), 'credentials');
    try {
      const s = await call('settings:set-credentials', { token, machineUid, projectId });
      clearToasts('credentials');
      setStatus(s);
      setToken(''); setMachineUid(''); setProjectId('');
      toast('info', t('common.saved'));
      onSaved?.(s);
    } catch (err) {
      toastError(err, 'credentials');
    }
  };
  return (
    <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="credentials-form">
      <p className="full" data-testid="credentials-status">
        {status?.configured ? t('settings.credsConfiguredX', { hint: status.machineUidHint ?? '', storage: t(`settings.storage.${status.storage}`) }) : t('settings.credsMissing')}
        {status?.warning ? <span className="bad"> · {status.warning}</span> : null}
      </p>
      <label>{t('settings.token')}<input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} /></label>
      <label>{t('settings.machineUidX')}<input type="password" autoComplete="off" value={machineUid} onChange={(e) => setMachineUid(e.target.value)} /></label>
      <label>{t('settings.projectIdX')}<input type="password" autoComplete="off" value={projectId} onChange={(e) => setProjectId(e.target.value)} /></label>
      <p className="full muted">{t('settings.credsNote')}</p>
      <div className="full row">
        <button type="submit" className="btn btn-primary" disabled={!token && !machineUid && !projectId}>{t('settings.credsSave')}</button>
        {status?.configured ? <button type="button" className="btn btn-danger" onClick={() => { call('settings:clear-credentials', {}).then(setStatus).catch((err: unknown) => toastError(err)); }}>{t('settings.credsClear')}</button> : null}
      </div>
    </form>
  );
}

function FolderRow({ folder, onChanged }: { folder: Folder; onChanged: () => void }) {
  const { lang, t, toastError } = useApp();
  const update = (patch: Parameters<typeof call<'folders:update'>>[1]) => {
    call('folders:update', patch).then(onChanged).catch((err: unknown) => toastError(err));
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
      <td><input type="number" min={0.2} step={0.5} value={o.settleMs / 1000} onChange={(e) => { const s = Number(e.target.value.replace(',', '.')); if (Number.isFinite(s) && s >= 0.2) update({ id: folder.id, options: { settleMs: Math.round(s * 1000) } }); }} /></td>
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
      <td><button type="button" className="btn btn-small btn-danger" onClick={() => { call('folders:remove', { id: folder.id }).then(onChanged).catch((err: unknown) => toastError(err)); }}>{t('common.remove')}</button></td>
    </tr>
  );
}

export function SettingsScreen({ folders, onFoldersChanged, demo, onInfo }: { folders: Folder[]; onFoldersChanged: () => void; demo: boolean; onInfo: (i: AppInfo) => void }) {
  const { lang, t, settings, setSettings, toast, clearToasts, toastError } = useApp();
  const [picking, setPicking] = useState(false);
  const [startingDemo, setStartingDemo] = useState(false);
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
      toastError(err);
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
      toastError(err);
    }
  };
  // `unit`: how many stored units one shown unit is. Durations are stored in ms and shown in seconds (unit 1000):
  // a clerk thinks of an upload wait in seconds. min/max are in shown units.
  const num = (key: keyof Settings, label: string, min: number, max: number, opts: { unit?: number; ratio?: boolean; integer?: boolean } = {}) => (
    <NumberSetting label={label} settingKey={key} value={draft[key] as number} min={min} max={max} {...opts}
      onSave={(v) => { setDraft((d) => ({ ...d, [key]: v })); void save({ [key]: v }); }} />
  );
  const check = (key: keyof Settings, label: string) => (
    <label className="check"><input type="checkbox" checked={draft[key] as boolean} data-setting={key} onChange={(e) => { setDraft({ ...draft, [key]: e.target.checked }); void save({ [key]: e.target.checked }); }} />{label}</label>
  );
  return (
    <div className="screen settings" data-testid="settings">
      <h2>{t('settings.title')}</h2>
      <section><h3>{t('settings.credentials')}</h3><CredentialsForm /></section>
      <section><h3>{t('settings.team')}</h3><TeamServerForm /></section>
      <section>
        <h3>{t('settings.api')}</h3>
        <div className="form-grid">
          <label>{t('settings.apiUrl')}<input value={draft.apiUrl} onChange={(e) => setDraft({ ...draft, apiUrl: e.target.value })} onBlur={() => { if (draft.apiUrl !== settings.apiUrl) void save({ apiUrl: draft.apiUrl }); }} /></label>
          <label>{t('settings.project')}<input value={draft.projectId} onChange={(e) => setDraft({ ...draft, projectId: e.target.value })} onBlur={() => { if (draft.projectId !== settings.projectId) void save({ projectId: draft.projectId }); }} /></label>
          {demo ? <p className="full good" data-testid="demo-note">{t('demo.settingsNote')}</p> : (
            <div className="full row">
              <button type="button" className="btn" disabled={startingDemo} data-testid="settings-demo"
                onClick={() => { setStartingDemo(true); call('app:start-demo', { count: 12 }).then((i) => { onInfo(i); onFoldersChanged(); }).catch((err: unknown) => toastError(err)).finally(() => setStartingDemo(false)); }}>
                {t('demo.switch')}
              </button>
              <span className="muted small">{t('demo.switchNote')}</span>
            </div>
          )}
        </div>
      </section>
      <section>
        <h3>{t('settings.folders')}</h3>
        {folders.length === 0 ? <p className="muted">{t('settings.noFolders')}</p> : (
          <table className="table">
            <thead><tr><th>{t('settings.folderPath')}</th><th>{t('settings.defaultType')}</th><th>{t('settings.settleSec')}</th><th>{t('settings.polling')}</th><th>{t('settings.duplicates')}</th><th>{t('settings.originals')}</th><th /></tr></thead>
            <tbody>{folders.map((f) => <FolderRow key={f.id} folder={f} onChanged={onFoldersChanged} />)}</tbody>
          </table>
        )}
        <form className="row" onSubmit={(e) => { e.preventDefault(); call('folders:add', { path: newPath.trim(), defaultType: newType }).then(() => { setNewPath(''); clearToasts('folders:add'); onFoldersChanged(); }).catch((err: unknown) => toastError(err, 'folders:add')); }}>
          <input className="grow" placeholder={t('settings.folderPath')} value={newPath} onChange={(e) => setNewPath(e.target.value)} data-testid="new-folder-path" />
          <button type="button" className="btn" onClick={() => setPicking(true)} data-testid="pick-folder">{t('picker.open')}</button>
          <select value={newType} onChange={(e) => setNewType(e.target.value as DocType)}>{DOC_TYPES.map((d) => <option key={d} value={d}>{docTypeLabel(lang, d)}</option>)}</select>
          <button type="submit" className="btn" disabled={!newPath.trim()}>{t('common.add')}</button>
        </form>
        {picking ? <FolderPicker onClose={() => setPicking(false)} onChoose={(p) => { setNewPath(p); setPicking(false); }} /> : null}
      </section>
      <section>
        <h3>{t('settings.queue')}</h3>
        <div className="form-grid">
          {num('concurrency', t('settings.concurrency'), 1, 64, { integer: true })}
          {num('rps', t('settings.rps'), 0.1, 100)}
          {num('dailyCap', t('settings.dailyCap'), 0, 1_000_000, { integer: true })}
          {num('uploadTimeoutMs', t('settings.uploadTimeout'), 1, 900, { unit: 1000 })}
          <p className="full muted">{t('settings.uploadTimeoutNote')}</p>
        </div>
      </section>
      <section>
        <h3>{t('settings.review')}</h3>
        <div className="form-grid">
          {num('confidenceThreshold', t('settings.threshold'), 0, 1, { ratio: true })}
          {num('matchThreshold', t('settings.matchThreshold'), 0, 1, { ratio: true })}
          {num('livenessThreshold', t('settings.livenessThreshold'), 0, 1, { ratio: true })}
          <label>{t('settings.language')}
            <select value={draft.language} onChange={(e) => void save({ language: e.target.value as Settings['language'] })}>
              <option value="ru">{t('lang.ru')}</option><option value="en">{t('lang.en')}</option>
            </select>
          </label>
          {check('onlyAttention', t('settings.onlyAttention'))}
          <label>{t('settings.clerkName')}<input value={draft.clerkName} maxLength={64} placeholder={t('settings.clerkNamePlaceholder')} data-setting="clerkName" onChange={(e) => setDraft({ ...draft, clerkName: e.target.value })} onBlur={() => { if (draft.clerkName !== settings.clerkName) void save({ clerkName: draft.clerkName }); }} /></label>
          <p className="full muted">{t('settings.clerkNameNote')}</p>
        </div>
      </section>
      <section>
        <h3>{t('settings.exportSection')}</h3>
        <ExportFolderSetting />
      </section>
      <section data-testid="privacy">
        <h3>{t('settings.privacy')}</h3>
        {keyWarning ? <p className="bad" role="alert" data-testid="key-warning">{lang === 'en' ? keyWarning.en : keyWarning.ru}</p> : null}
        <div className="form-grid">
          {num('retentionDays', t('settings.retentionDays'), 0, 3650, { integer: true })}
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
