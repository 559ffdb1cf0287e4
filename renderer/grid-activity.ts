// The engine answers one request at a time, so a slow secondary query (quick-filter counts, facets: a few hundred
// ms over 100k rows) sent before the grid's rows would delay the rows a clerk is waiting for. The grids report
// their row requests here; secondary queries wait until the grid has its rows (and has loaded at least once).
let inFlight = 0;
let loadedOnce = false;
let waiters: (() => void)[] = [];

function release(): void {
  if (!loadedOnce || inFlight > 0) return;
  const ready = waiters;
  waiters = [];
  for (const resolve of ready) resolve();
}

/** Call when a grid asks for rows; call the returned function once the answer (or failure) is in. */
export function gridRowsRequested(): () => void {
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

/** Resolves when no grid row request is pending and the first rows have arrived. */
export function whenGridIdle(): Promise<void> {
  if (loadedOnce && inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => waiters.push(resolve));
}
