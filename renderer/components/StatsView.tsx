// Statistics ('stats:get'): simple SVG bar charts — documents per day, corrections per field, failures by reason.
import { useEffect, useState } from 'react';
import type { Stats } from '../../shared/api.ts';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';
import { fieldLabel } from '../i18n.ts';

type Bar = { label: string; values: number[] };

function BarChart({ bars, colors, legend }: { bars: Bar[]; colors: string[]; legend?: string[] }) {
  const max = Math.max(1, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const rowH = 20;
  const labelW = 190;
  const width = 640;
  return (
    <figure className="chart">
      <svg width={width} height={bars.length * rowH + 4} role="img">
        {bars.map((b, i) => {
          let x = labelW;
          return (
            <g key={b.label} transform={`translate(0, ${i * rowH})`}>
              <text x={labelW - 6} y={14} textAnchor="end" className="chart-label">{b.label}</text>
              {b.values.map((v, j) => {
                const w = (v / max) * (width - labelW - 50);
                const rect = <rect key={j} x={x} y={3} width={w} height={rowH - 6} fill={colors[j % colors.length]} />;
                x += w;
                return rect;
              })}
              <text x={x + 4} y={14} className="chart-value">{b.values.reduce((a, v) => a + v, 0)}</text>
            </g>
          );
        })}
      </svg>
      {legend ? <figcaption className="legend">{legend.map((l, i) => <span key={l}><i style={{ background: colors[i] }} />{l}</span>)}</figcaption> : null}
    </figure>
  );
}

export function StatsView({ refreshTick }: { refreshTick: number }) {
  const { lang, t, toast } = useApp();
  const [stats, setStats] = useState<Stats | null>(null);
  useEffect(() => {
    call('stats:get', { days: 30 }).then(setStats).catch((err: unknown) => toast('error', errorText(err, lang)));
  }, [refreshTick, lang, toast]);
  if (!stats) return <div className="screen">{t('app.loading')}</div>;
  return (
    <div className="screen stats" data-testid="stats">
      <h2>{t('stats.title')}</h2>
      <section>
        <h3>{t('stats.perDay')}</h3>
        {stats.perDay.length === 0 ? <p className="muted">{t('stats.empty')}</p> : (
          <BarChart bars={stats.perDay.map((d) => ({ label: d.day, values: [d.verified, d.recognised - d.verified > 0 ? d.recognised - d.verified : 0, d.failed] }))} colors={['#16a34a', '#60a5fa', '#dc2626']} legend={[t('stats.verified'), t('stats.recognised'), t('stats.failed')]} />
        )}
      </section>
      <section>
        <h3>{t('stats.corrections')}</h3>
        {stats.correctionsPerField.length === 0 ? <p className="muted">{t('stats.empty')}</p> : (
          <BarChart bars={stats.correctionsPerField.map((c) => ({ label: fieldLabel(lang, c.field), values: [c.count] }))} colors={['#d97706']} />
        )}
      </section>
      <section>
        <h3>{t('stats.failures')}</h3>
        {stats.failuresByReason.length === 0 ? <p className="muted">{t('stats.empty')}</p> : (
          <BarChart bars={stats.failuresByReason.map((c) => ({ label: c.reason, values: [c.count] }))} colors={['#dc2626']} />
        )}
      </section>
    </div>
  );
}
