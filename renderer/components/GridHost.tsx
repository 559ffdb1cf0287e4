// AG Grid (Community) mounted with its own DOM renderer instead of ag-grid-react. ag-grid-react draws every cell
// as a React component; our cells are plain text + a CSS class, and the React layer was most of the script time
// between the first block of rows arriving and the first row on screen (and of each scrolled-in row). The grid
// is created once per mount (remount with a React `key` for initial-only options such as localeText); later
// option changes go through updateGridOptions, and event handlers always call the latest props.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { createGrid, type GridApi, type GridOptions, type IDatasource } from 'ag-grid-community';
import { gridMounted, trackedDatasource } from '../grid-activity.ts';

type Props<T> = {
  options: GridOptions<T>;
  /** Infinite-row-model source: set after onReady (so a restored sort is in the first request), replaced when it changes. */
  datasource: IDatasource;
  onReady: (api: GridApi<T>) => void;
};

const isHandler = (key: string) => /^on[A-Z]/.test(key);

export function GridHost<T>({ options, datasource, onReady }: Props<T>) {
  const host = useRef<HTMLDivElement>(null);
  const api = useRef<GridApi<T> | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const applied = useRef<GridOptions<T>>(options);
  const tracked = useMemo(() => trackedDatasource(datasource), [datasource]);

  useLayoutEffect(() => {
    const initial: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      // A stable proxy per handler, reading the current props: no re-registration on every render.
      initial[key] = isHandler(key) ? (event: unknown) => (latest.current as Record<string, ((e: unknown) => void) | undefined>)[key]?.(event) : value;
    }
    const unmounted = gridMounted();
    const created = createGrid(host.current!, initial as GridOptions<T>);
    api.current = created;
    applied.current = options;
    onReady(created);
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
