// A uPlot chart (canvas, ~50 KB, draws thousands of points in a few ms) on a real time axis: x values are epoch
// seconds, ticks and the legend read in the clerk's date form (дд.мм, чч:мм) whatever the browser locale. The chart
// follows its container's width.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const pad = (n: number) => String(n).padStart(2, '0');
export const dayLabel = (sec: number) => { const d = new Date(sec * 1000); return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}`; };
export const fullLabel = (sec: number, withTime: boolean) => {
  const d = new Date(sec * 1000);
  const date = `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
  return withTime ? `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}` : date;
};

/** Tick labels: «дд.мм» at midnights and on long ranges, «чч:мм» within a day. */
export function timeTicks(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    if (incr >= 86_400 || (d.getHours() === 0 && d.getMinutes() === 0)) return dayLabel(s);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  });
}

export type ChartSpec = { series: uPlot.Series[]; axes?: uPlot.Axis[]; scales?: uPlot.Scales; withTime: boolean; height?: number };

export function UPlotChart({ spec, data, testId, lang }: { spec: ChartSpec; data: uPlot.AlignedData; testId: string; lang: string }) {
  const host = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const num = (v: number) => v.toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU', { maximumFractionDigits: 2 });
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: spec.height ?? 220,
      scales: { x: { time: true }, ...spec.scales },
      series: [{ label: lang === 'en' ? 'Time' : 'Время', value: (_u, v) => (v === null ? '—' : fullLabel(v, spec.withTime)) }, ...spec.series],
      axes: spec.axes ?? [{ values: timeTicks }, { values: (_u, splits) => splits.map(num) }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    const chart = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(320, el.clientWidth), height: opts.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [spec, data, lang]);
  return <div className="uplot-host" ref={host} data-testid={testId} />;
}
