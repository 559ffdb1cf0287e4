// A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temp folder, start it on a free port,
// hand back its URL. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
// (runuser). Nothing here is used by the app itself: a team server is the office's own PostgreSQL.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The folder holding initdb/pg_ctl, or null when PostgreSQL is not installed. */
export function findPgBin() {
  const roots = ['/usr/lib/postgresql'];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = path.join(root, v, 'bin');
      if (fs.existsSync(path.join(bin, 'initdb'))) return bin;
    }
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  return onPath ? path.dirname(onPath) : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a cluster. Resolves to { url, stop() } or { skip: reason } when PostgreSQL is not installed or
 * cannot start here (the caller prints the reason and skips).
 */
export async function startCluster() {
  const bin = findPgBin();
  if (!bin) return { skip: 'PostgreSQL is not installed (apt-get install postgresql)' };
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-pg-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const run = (cmd, args) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    return execFileSync(full[0], full[1], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  try {
    if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const port = await freePort();
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const stop = () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        /* already stopped */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return { url, stop };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { skip: `PostgreSQL could not start here: ${String(err.stderr || err.message).trim().split('\n').pop()}` };
  }
}
