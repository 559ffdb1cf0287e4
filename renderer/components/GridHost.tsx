// AG Grid (Community) mounted with its own DOM renderer instead of ag-grid-react. ag-grid-react draws every cell
// as a React component; our cells are plain text + a CSS class, and the React layer was most of the script time
// between the first block of rows arriving and the first row on screen (and of each scrolled-in row). The grid
// is created once per mount (remount with a React `key` for initial-only options such as localeText); later
// option changes go through updateGridOptions, and event handlers always call the latest props. Both grids get
// the same two behaviours here: the remembered layout (restored before the first request, saved on every sort,
// move, resize or show/hide) and a re-query of the blocks in view on each pushed change.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { createGrid, type GridApi, type GridOptions, type IDatasource } from 'ag-grid-community';
import { gridMounted, trackedDatasource } from '../grid-activity.ts';
import { restoreColumnState, saveColumnState } from './grid-layout.ts';

type Props<T> = {
  options: GridOptions<T>;
  /** Infinite-row-model source: set after onReady (so a restored sort is in the first request), replaced when it changes. */
  datasource: IDatasource;
  /** Called once the grid exists and its saved layout is applied (before the first row request). */
  onReady?: (api: GridApi<T>) => void;
  /** localStorage key of the remembered layout (widths, order, visibility, sort). */
  layoutKey: string;
  /** Each change (not the first value) re-queries the blocks in view, keeping the scroll position. */
  refreshTick: number;
};

const isHandler = (key: string) => /^on[A-Z]/.test(key);
/** Grid events that change the remembered layout, and whether this one is final (a drag reports as it goes). */
const LAYOUT_EVENTS: Record<string, (e: { finished?: boolean }) => boolean> = {
  onSortChanged: () => true,
  onColumnVisible: () => true,
  onColumnMoved: (e) => e.finished === true,
  onColumnResized: (e) => e.finished === true,
};

export function GridHost<T>({ options, datasource, onReady, layoutKey, refreshTick }: Props<T>) {
  const host = useRef<HTMLDivElement>(null);
  const api = useRef<GridApi<T> | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const applied = useRef<GridOptions<T>>(options);
  const tracked = useMemo(() => trackedDatasource(datasource), [datasource]);

  useLayoutEffect(() => {
    const initial: Record<string, unknown> = {};
    // A stable proxy per handler, reading the current props: no re-registration on every render. The layout
    // events also save the layout (grid options, not api.addEventListener: that needs AG Grid's EventApiModule).
    const proxy = (key: string) => (event: unknown) => {
      if (LAYOUT_EVENTS[key]?.(event as { finished?: boolean }) && api.current) saveColumnState(layoutKey, api.current);
      (latest.current as Record<string, ((e: unknown) => void) | undefined>)[key]?.(event);
    };
    for (const [key, value] of Object.entries(options)) initial[key] = isHandler(key) ? proxy(key) : value;
    for (const key of Object.keys(LAYOUT_EVENTS)) initial[key] ??= proxy(key);
    const unmounted = gridMounted();
    const created = createGrid(host.current!, initial as GridOptions<T>);
    api.current = created;
    applied.current = options;
    restoreColumnState(layoutKey, created);
    onReady?.(created);
    created.setGridOption('datasource', tracked);
    return () => {
      api.current = null;
      created.destroy();
      unmounted();
    };
    // Created once per mount by design (see the header comment).
  }, []);

  useEffect(() => {
    const gridApi = api.current;
    if (gridApi && gridApi.getGridOption('datasource') !== tracked) gridApi.setGridOption('datasource', tracked);
  }, [tracked]);

  const shownTick = useRef(refreshTick);
  useEffect(() => {
    if (shownTick.current === refreshTick) return; // the first rows are being loaded anyway
    shownTick.current = refreshTick;
    api.current?.refreshInfiniteCache();
  }, [refreshTick]);

  useEffect(() => {
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (!isHandler(key) && (applied.current as Record<string, unknown>)[key] !== value) changed[key] = value;
    }
    applied.current = options;
    if (Object.keys(changed).length > 0) api.current?.updateGridOptions(changed as GridOptions<T>);
  });

  return <div ref={host} className="grid-host" />;
}
