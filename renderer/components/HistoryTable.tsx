// The document's history in the panel: when, who, what (translated action), and for field edits the
// recognised value beside the old and new one — so a reviewer sees what the API read and what changed.
import type { AuditEntry, FieldDetail } from '../../shared/api.ts';
import { useApp } from '../app-context.ts';
import { formatDateTime } from '../format.ts';
import { fieldLabel, historyActionLabel } from '../i18n.ts';

type Props = { history: AuditEntry[]; fields: FieldDetail[] };

const shown = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

/** Rows without a field say what happened through their value only for these actions (reason, the findings
 *  confirmed despite, format). */
function detailOf(h: AuditEntry): string {
  if (h.action === 'reject' || h.action === 'confirm-despite-findings') return h.newValue ?? '';
  if (h.action === 'export') return (h.newValue ?? '').toUpperCase();
  return '';
}

export function HistoryTable({ history, fields }: Props) {
  const { lang, t } = useApp();
  if (history.length === 0) return <p className="muted">{t('detail.noHistory')}</p>;
  const recognised = new Map(fields.map((f) => [f.name, f.recognised]));
  return (
    <table className="history" data-testid="history">
      <thead>
        <tr>
          <th>{t('history.when')}</th>
          <th>{t('history.who')}</th>
          <th>{t('history.what')}</th>
          <th>{t('history.field')}</th>
          <th>{t('history.recognised')}</th>
          <th>{t('history.old')}</th>
          <th>{t('history.new')}</th>
        </tr>
      </thead>
      <tbody>
        {history.map((h) => (
          <tr key={`${h.action}-${h.id}`} data-action={h.action} data-field={h.field ?? ''}>
            <td>{formatDateTime(h.at, lang)}</td>
            <td>{h.actor}</td>
            <td>{historyActionLabel(lang, h.action)}</td>
            {h.field !== null ? (
              <>
                <td>{fieldLabel(lang, h.field)}</td>
                <td className="mono history-recognised">{shown(recognised.get(h.field))}</td>
                <td className="mono history-old">{shown(h.oldValue)}</td>
                <td className="mono history-new">{shown(h.newValue)}</td>
              </>
            ) : (
              <td colSpan={4} className="history-detail">{detailOf(h)}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
