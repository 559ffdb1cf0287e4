// Dev/test entry of the PostgreSQL connection thread: loads the TypeScript source through tsx (as the engine host's
// worker-dev.mjs does). Releases run the bundled pg-worker.cjs.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
