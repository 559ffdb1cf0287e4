// Entry of the `scandesk process` worker: loads the TypeScript sources through tsx, like bin/scandesk.js (Node does
// not apply `--import tsx` from a worker's execArgv).
import { register } from 'tsx/esm/api';
register();
await import('./cli-worker.ts');
