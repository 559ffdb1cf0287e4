// Settings › team mode: the PostgreSQL server this computer works on. The address is write-only like the Beorg
// credentials (it may hold a password): the form shows where the database is now and which server is saved, without
// the password, and a saved change applies from the next start.
import { useEffect, useState } from 'react';
import type { TeamServerStatus } from '../../shared/settings.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';

export function TeamServerForm() {
  const { lang, t, toast, clearToasts, toastError } = useApp();
  const [status, setStatus] = useState<TeamServerStatus | null>(null);
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => { call('settings:team-server-status', {}).then(setStatus).catch((err: unknown) => toastError(err)); }, [lang, toastError]);
  const apply = async (request: Promise<TeamServerStatus>) => {
    setBusy(true);
    try {
      setStatus(await request);
      clearToasts('team-server');
      setUrl('');
      toast('info', t('settings.teamRestart'));
    } catch (err) {
      toastError(err, 'team-server');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void apply(call('settings:set-team-server', { url })); }} data-testid="team-server-form">
      <p className="full" data-testid="team-server-status">
        {status?.active ? t('settings.teamActive', { address: status.active }) : t('settings.teamLocal')}
        {status?.configured && status.address !== status.active ? <> · {t('settings.teamSaved', { address: status.address ?? '' })} · {t('settings.teamRestart')}</> : null}
      </p>
      <label className="full">{t('settings.teamUrl')}
        <input type="password" autoComplete="off" spellCheck={false} placeholder="postgres://…@сервер:5432/scandesk" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="team-server-url" />
      </label>
      <p className="full muted">{t('settings.teamNote')} <span className="mono">npx scandesk db migrate-to postgres://…</span></p>
      <div className="full row">
        <button type="submit" className="btn btn-primary" disabled={busy || !url.trim()}>{t('settings.teamSave')}</button>
        {status?.configured ? <button type="button" className="btn" disabled={busy} onClick={() => void apply(call('settings:clear-team-server', {}))}>{t('settings.teamClear')}</button> : null}
      </div>
    </form>
  );
}
