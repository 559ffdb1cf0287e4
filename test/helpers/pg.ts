// A fresh PostgreSQL database per test. The cluster comes from SCANDESK_TEST_PG_URL (scripts/test-unit.js starts
// one throwaway cluster per run) or, when a file runs on its own, from a cluster this process starts and stops.
// When PostgreSQL is not installed the test skips and prints why.
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
// @ts-expect-error plain JS module shared with the test scripts
import { startCluster } from '../../scripts/pg-cluster.js';

let cluster: Promise<{ url?: string; skip?: string }> | null = null;

function clusterUrl(): Promise<{ url?: string; skip?: string }> {
  if (process.env.SCANDESK_TEST_PG_URL) return Promise.resolve({ url: process.env.SCANDESK_TEST_PG_URL });
  if (!cluster) {
    cluster = (startCluster() as Promise<{ url?: string; skip?: string; stop?: () => void }>).then((c) => {
      if (c.stop) after(() => c.stop!());
      return c;
    });
  }
  return cluster;
}

/**
 * For a describe() over both stores: a new database's URL, or the reason PostgreSQL tests skip here (printed).
 * Top-level await in a test file: `const pg = await pgDatabaseForSuite(); describe('…', { skip: pg.skip }, …)`.
 */
export async function pgDatabaseForSuite(): Promise<{ url: string; skip?: undefined } | { url?: undefined; skip: string }> {
  const c = await clusterUrl();
  if (!c.url) {
    console.log(`skip: ${c.skip}`);
    return { skip: c.skip ?? 'PostgreSQL is not available' };
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: c.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(c.url);
  u.pathname = `/${name}`;
  return { url: u.toString() };
}
