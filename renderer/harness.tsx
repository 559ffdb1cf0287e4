// Component harness for test/e2e/components.spec.ts: mounts one component in real Chromium.
// ?c=field-editor — the field editor with a fixture field (pure props; its callbacks are logged to the DOM);
// ?c=quick-filters — the quick filters against the real engine (served by the web server with its token);
// ?c=drop-zone — the drop zone against the real engine (tests dispatch a synthetic folder drop);
// ?c=delete-case&case=<id>&label=<text> — the delete-case button against the real engine.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { DocumentFilter, FieldDetail } from '../shared/api.ts';
import { DEFAULT_SETTINGS } from '../shared/settings-defaults.ts';
import type { Folder } from '../shared/settings.ts';
import type { Finding } from '../shared/types.ts';
import { call } from './api.ts';
import { AppContext, errorToaster, type AppContextValue } from './app-context.ts';
import { DeleteCaseButton } from './components/DeleteCaseButton.tsx';
import { DropZone } from './components/DropZone.tsx';
import { FieldEditor } from './components/FieldEditor.tsx';
import { QuickFilters } from './components/QuickFilters.tsx';
import { translate } from './i18n.ts';
import './styles.css';

const lang = new URLSearchParams(window.location.search).get('lang') === 'en' ? 'en' : 'ru';
const harnessToast: AppContextValue['toast'] = (level, text) => {
  const el = document.createElement('div');
  el.className = `harness-toast toast-${level}`;
  el.textContent = text;
  document.body.append(el);
};
const ctx: AppContextValue = {
  lang,
  t: (k, p) => translate(lang, k, p),
  settings: DEFAULT_SETTINGS,
  setSettings: () => undefined,
  clearToasts: () => undefined,
  toast: harnessToast,
  toastError: errorToaster(harnessToast, lang),
};

function FieldEditorHarness() {
  const field: FieldDetail = { name: 'IssueId', recognised: '77O-001', value: '77O-001', confidence: 0.62, state: 'pending' };
  const findings: Finding[] = [{
    id: 7, documentId: 1, caseId: 1, field: 'IssueId', severity: 'error', code: 'issue-id-format',
    messageRu: 'Код подразделения должен быть вида 000-000', messageEn: 'Department code must look like 000-000', source: 'local',
    fix: { value: '770-001', noteRu: 'Буква О вместо нуля', noteEn: 'Letter O instead of zero' }, relatedDocumentId: null,
  }];
  const [draft, setDraft] = useState(field.value ?? '');
  const [log, setLog] = useState<string[]>([]);
  return (
    <div style={{ padding: 20, width: 700 }}>
      <FieldEditor field={field} findings={findings} draft={draft} current attention threshold={0.9}
        onDraft={setDraft} onFocus={() => setLog((l) => [...l, 'focus'])} onApplyFix={(id) => setLog((l) => [...l, `fix:${id}`])} />
      <FieldEditor field={{ name: 'LastName', recognised: 'ИВАНОВ', value: 'ИВАНОВ', confidence: 0.99, state: 'accepted' }} findings={[]} draft="ИВАНОВ" current={false} attention={false} threshold={0.9}
        onDraft={() => undefined} onFocus={() => undefined} onApplyFix={() => undefined} />
      <output data-testid="draft">{draft}</output>
      <output data-testid="log">{log.join(',')}</output>
    </div>
  );
}

function QuickFiltersHarness() {
  const [filter, setFilter] = useState<DocumentFilter>({ quick: 'all' });
  const [folders, setFolders] = useState<Folder[]>([]);
  useEffect(() => { call('folders:list', {}).then(setFolders).catch(() => undefined); }, []);
  return (
    <div style={{ padding: 20 }}>
      <QuickFilters filter={filter} onChange={setFilter} refreshTick={0} folders={folders} />
      <output data-testid="filter">{JSON.stringify(filter)}</output>
    </div>
  );
}

function DeleteCaseHarness() {
  const q = new URLSearchParams(window.location.search);
  const [deleted, setDeleted] = useState(false);
  return (
    <div style={{ padding: 20 }}>
      <DeleteCaseButton caseId={Number(q.get('case'))} caseLabel={q.get('label') ?? ''} onDeleted={() => setDeleted(true)} />
      <output data-testid="deleted">{String(deleted)}</output>
    </div>
  );
}

const which = new URLSearchParams(window.location.search).get('c');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={ctx}>
      {which === 'quick-filters' ? <QuickFiltersHarness /> : which === 'drop-zone' ? <DropZone /> : which === 'delete-case' ? <DeleteCaseHarness /> : <FieldEditorHarness />}
    </AppContext.Provider>
  </StrictMode>,
);
