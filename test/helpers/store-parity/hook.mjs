// `--import` this to run a test file with every SQLite database it opens placed on PostgreSQL instead (the parity run,
// scripts/test-unit.js --pg-parity): module resolution sends main/engine/db/open.ts to open-on-pg.ts.
import { register } from 'node:module';
register('./loader.mjs', import.meta.url);
