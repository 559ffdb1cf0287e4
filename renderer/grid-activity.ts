// The grid's reads share one reader thread (main/engine/host/reader.ts), which answers one request at a time, so a
// slow secondary query (quick-filter counts, facets: tens of ms over 100k rows, more on a busy PC) sent before the
// grid's rows would delay the rows a clerk is waiting for. GridHost reports the
// grids' row requests here; while a grid is mounted, secondary queries wait until it has its rows (and has loaded
// at least once). With no grid on screen (the component harness) they go at once.
import type { IDatasource } from 'ag-grid-community';
import type { ArgsOf, ResultOf } from '../shared/api.ts';
import { call } from './api.ts';

let mounted = 0;
let inFlight = 0;
let loadedOnce = false;
let waiters: (() => void)[] = [];

const idle = () => mounted === 0 || (loadedOnce && inFlight === 0);

function release(): void {
  if (!idle()) return;
  const ready = waiters;
  waiters = [];
  for (const resolve of ready) resolve();
}

/** Call when a grid asks for rows; call the returned function once the answer (or failure) is in. */
function gridRowsRequested(): () => void {
  inFlight++;
  let settled = false;
  return () => {
    if (settled) return;
    settled = true;
    inFlight--;
    loadedOnce = true;
    release();
  };
}

/** The datasource a grid is given (GridHost.tsx): every block request is counted until its answer is in. */
export function trackedDatasource(source: IDatasource): IDatasource {
  return {
    ...source,
    getRows(params) {
      const done = gridRowsRequested();
      source.getRows({
        ...params,
        successCallback: (rows, lastRow) => { done(); params.successCallback(rows, lastRow); },
        failCallback: () => { done(); params.failCallback(); },
      });
    },
  };
}

/** A grid mounts (call the returned function when it unmounts): from now on secondary queries wait for its rows. */
export function gridMounted(): () => void {
  mounted++;
  loadedOnce = false;
  return () => {
    mounted--;
    release();
  };
}

/** Resolves when no grid row request is pending and the first rows have arrived. */
export function whenGridIdle(): Promise<void> {
  if (idle()) return Promise.resolve();
  return new Promise((resolve) => waiters.push(resolve));
}

// The first page of the document grid is asked for while the app itself is still loading (main.tsx), so the
// engine's answer overlaps the first render instead of following it. The grid takes it only if its first
// request is exactly that one (same sort, filter, block).
let prefetched: { key: string; rows: Promise<ResultOf<'documents:list'>> } | null = null;

export function prefetchDocumentRows(query: ArgsOf<'documents:list'>): void {
  const rows = call('documents:list', query);
  rows.catch(() => undefined); // a failure is reported by the grid's own request, if it is ever taken
  prefetched = { key: JSON.stringify(query), rows };
}

/** The prefetched answer for this query (once), or null. */
export function takePrefetchedRows(query: ArgsOf<'documents:list'>): Promise<ResultOf<'documents:list'>> | null {
  const hit = prefetched !== null && prefetched.key === JSON.stringify(query) ? prefetched.rows : null;
  prefetched = null;
  return hit;
}
