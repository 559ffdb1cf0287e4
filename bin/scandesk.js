#!/usr/bin/env node
// Headless entry point (`npx scandesk …`). Runs the TypeScript engine directly through tsx, so the CLI
// works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
