// Statistics ('stats:charts'): time series on uPlot (documents per hour, cost per day against the daily cap, API
// latency and 429s) and simple bars for categories (corrections per field, review time, failure reasons).
import { useEffect, useMemo, useState } from 'react';
import uPlot from 'uplot';
import type { Charts } from '../../shared/api.ts';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { formatRub } from '../format.ts';
import { fieldLabel, type Translate } from '../i18n.ts';
import { timeTicks, UPlotChart, type ChartSpec } from './UPlotChart.tsx';

type Bar = { label: string; values: number[] };

function BarChart({ bars, colors, legend, testId }: { bars: Bar[]; colors: string[]; legend?: string[]; testId: string }) {
  const max = Math.max(1, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const rowH = 20;
  const labelW = 230;
  const width = 560;
  return (
    <figure className="chart" data-testid={testId}>
      <svg width={width} height={bars.length * rowH + 4} role="img">
        {bars.map((b, i) => {
          let x = labelW;
          return (
            <g key={b.label} transform={`translate(0, ${i * rowH})`}>
              <text x={labelW - 6} y={14} textAnchor="end" className="chart-label">{b.label.length > 36 ? `${b.label.slice(0, 35)}…` : b.label}<title>{b.label}</title></text>
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

const line = (label: string, stroke: string, extra: Partial<uPlot.Series> = {}): uPlot.Series => ({ label, stroke, width: 2, points: { show: false }, ...extra });

function specs(t: Translate, lang: string): { hour: ChartSpec; day: ChartSpec; api: ChartSpec } {
  const num = (_u: uPlot, splits: number[]) => splits.map((v) => v.toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU'));
  return {
    hour: {
      withTime: true,
      series: [
        line(t('stats.recognised'), '#2563eb', { fill: 'rgba(37,99,235,.08)' }),
        line(t('stats.verified'), '#16a34a'),
        line(t('stats.failed'), '#dc2626'),
      ],
    },
    day: {
      withTime: false,
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [{ values: timeTicks }, { values: num, label: '₽' }],
      series: [
        line(t('stats.costRub'), '#d97706', { fill: 'rgba(217,119,6,.45)', paths: uPlot.paths.bars?.({ size: [0.6, 48] }), points: { show: false } }),
        line(t('stats.cap'), '#7c3aed', { dash: [6, 4] }),
      ],
    },
    api: {
      withTime: true,
      scales: { ms: { auto: true }, n: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { values: timeTicks },
        { scale: 'ms', values: num, label: t('stats.meanMs') },
        { scale: 'n', side: 1, values: num, grid: { show: false }, label: t('stats.count') },
      ],
      series: [
        line(t('stats.meanMs'), '#2563eb', { scale: 'ms' }),
        line(t('stats.maxMs'), '#93c5fd', { scale: 'ms', dash: [4, 3] }),
        line(t('stats.rateLimited'), '#dc2626', { scale: 'n', points: { show: true, size: 6 } }),
        line(t('stats.errors'), '#6b7280', { scale: 'n' }),
      ],
    },
  };
}

export function StatsView({ refreshTick }: { refreshTick: number }) {
  const { lang, t, toastError } = useApp();
  const [days, setDays] = useState(7);
  const [c, setC] = useState<Charts | null>(null);
  useEffect(() => {
    call('stats:charts', { days }).then(setC).catch((err: unknown) => toastError(err));
  }, [refreshTick, days, lang, toastError]);
  const s = useMemo(() => (c ? specs(t, lang) : null), [c, t, lang]);
  const data = useMemo(() => {
    if (!c) return null;
    const capRub = c.dailyCap > 0 ? c.dailyCap * c.pricePerDocumentRub : null;
    return {
      hour: [c.perHour.t, c.perHour.recognised, c.perHour.verified, c.perHour.failed] as uPlot.AlignedData,
      day: [c.perDay.t, c.perDay.rub, c.perDay.t.map(() => capRub)] as uPlot.AlignedData,
      api: [c.api.t, c.api.meanMs, c.api.maxMs, c.api.rateLimited, c.api.errors] as uPlot.AlignedData,
    };
  }, [c]);
  if (!c || !s || !data) return <div className="screen">{t('app.loading')}</div>;
  const secText = (sec: number | null) => (sec === null ? '' : sec >= 60 ? t('stats.min', { n: Math.round(sec / 60) }) : t('stats.sec', { n: sec }));
  return (
    <div className="screen stats" data-testid="stats">
      <h2>{t('stats.title')}</h2>
      <div className="stats-range" role="radiogroup" aria-label={t('stats.range')}>
        <span className="muted">{t('stats.range')}:</span>
        {([1, 7, 30] as const).map((d) => (
          <button key={d} type="button" role="radio" aria-checked={days === d} className={`chip${days === d ? ' chip-active' : ''}`} onClick={() => setDays(d)}>{t(`stats.days${d}`)}</button>
        ))}
      </div>
      <div className="stats-grid">
        <section><h3>{t('stats.perHour')}</h3><UPlotChart spec={s.hour} data={data.hour} testId="chart-per-hour" lang={lang} /></section>
        <section>
          <h3>{t('stats.costPerDay')}</h3>
          {c.perDay.t.length === 0 ? <p className="muted">{t('stats.empty')}</p> : <UPlotChart spec={s.day} data={data.day} testId="chart-cost" lang={lang} />}
          <p className="stats-note">{c.dailyCap > 0 ? t('stats.capNote', { n: c.dailyCap, rub: formatRub(c.dailyCap * c.pricePerDocumentRub, lang) }) : t('stats.noCap')}</p>
        </section>
        <section><h3>{t('stats.api')}</h3><UPlotChart spec={s.api} data={data.api} testId="chart-api" lang={lang} /></section>
        <section>
          <h3>{t('stats.reviewTime')}</h3>
          {c.reviewTime.decisions === 0 ? <p className="muted">{t('stats.empty')}</p> : (
            <>
              <BarChart testId="chart-review" bars={c.reviewTime.buckets.map((b) => ({ label: t('stats.upTo', { t: secText(b.upToSec) }), values: [b.count] }))} colors={['#0891b2']} />
              <p className="stats-note">{t('stats.reviewMedian', { s: (c.reviewTime.medianSec ?? 0).toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU'), n: c.reviewTime.decisions })}</p>
            </>
          )}
        </section>
        <section>
          <h3>{t('stats.fieldsWrong')}</h3>
          {c.correctionsPerField.length === 0 ? <p className="muted">{t('stats.empty')}</p> : (
            <BarChart testId="chart-corrections" bars={c.correctionsPerField.slice(0, 15).map((x) => ({ label: fieldLabel(lang, x.field), values: [x.count] }))} colors={['#d97706']} />
          )}
        </section>
        <section>
          <h3>{t('stats.failures')}</h3>
          {c.failuresByReason.length === 0 ? <p className="muted">{t('stats.empty')}</p> : (
            <BarChart testId="chart-failures" bars={c.failuresByReason.map((x) => ({ label: x.reason, values: [x.count] }))} colors={['#dc2626']} />
          )}
        </section>
      </div>
    </div>
  );
}
