// Dev/test entry of the engine-host worker: loads the TypeScript sources through tsx, like bin/scandesk.js
// (Node 20 does not apply `--import tsx` from a worker's execArgv). Releases run the bundled host-worker.cjs.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
