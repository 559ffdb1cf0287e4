// `scandesk sim` and `scandesk demo`: the Beorg simulator on loopback, and a demo run (sample scans processed on it)
// that ends by saying where its data is and how to open or export it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { num, parse } from './cli-args.ts';
import type { ProcessRun } from './cli.ts';
import { dataPaths } from './engine/paths.ts';

const EXIT_OK = 0;

export async function cmdSim(argv: string[]): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, 'time-scale': { type: 'string' }, 'rps-limit': { type: 'string' } });
  const { startSimulator, SIM_CREDENTIALS } = await import('./engine/sim/server.ts');
  const port = num(values.port, 'port', 0, 65535);
  const timeScale = num(values['time-scale'], 'time-scale', 0.0001, 100);
  const rps = num(values['rps-limit'], 'rps-limit', 0.1, 10_000);
  const sim = await startSimulator({
    ...(port !== undefined ? { port } : {}),
    config: { ...(timeScale !== undefined ? { timeScale } : {}), ...(rps !== undefined ? { rateLimit: { perSecond: rps, burst: Math.max(1, Math.ceil(rps)) } } : {}) },
  });
  // First stdout line is machine-readable (tests and scripts read it).
  process.stdout.write(`SIM_URL=${sim.url}\n`);
  process.stdout.write(
    `Симулятор Beorg / Beorg simulator: ${sim.url}\n  BEORG_TOKEN=${SIM_CREDENTIALS.token}\n  BEORG_MACHINE_UID=${SIM_CREDENTIALS.machineUid}\n  BEORG_PROJECT_ID=${SIM_CREDENTIALS.projectId}\n(демо-данные, не настоящие / demo credentials) Ctrl+C — остановить / to stop\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return EXIT_OK;
}

export async function cmdDemo(argv: string[], runProcess: (run: ProcessRun) => Promise<number>): Promise<number> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' }, folder: { type: 'string' }, count: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' } });
  const count = num(values.count, 'count', 1, 10_000) ?? 12;
  // One data folder holds the scans and the database, so `scandesk web --data-dir` opens exactly this run.
  const dataDir = path.resolve(values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-demo-')));
  const folder = path.resolve(values.folder ?? path.join(dataDir, 'Входящие'));
  const db = path.resolve(values.db ?? dataPaths(dataDir).db);
  fs.mkdirSync(folder, { recursive: true });
  const { generateSamples, demoScenarioFor } = await import('./engine/samples/index.ts');
  const { startSimulator, demoSimConfig, SIM_CREDENTIALS } = await import('./engine/sim/server.ts');
  process.stderr.write(`Создаю ${count} комплектов сканов в ${folder} / generating ${count} sample sets…\n`);
  await generateSamples({ dir: folder, count: Math.round(count), layout: 'mixed', scenarioFor: demoScenarioFor });
  const sim = await startSimulator({ config: demoSimConfig() });
  let code: number;
  try {
    code = await runProcess({
      folder, once: true, db, json: values.json === true, setUp: true,
      settings: { apiUrl: sim.url, pollFirstDelayMs: 300, pollMaxIntervalMs: 2000, rps: 20, burst: 10, concurrency: 8 },
      creds: { ...SIM_CREDENTIALS }, type: 'PASSPORT', poll: false, move: false,
    });
  } finally {
    await sim.close();
  }
  process.stderr.write(demoEpilogue(dataDir, folder, db));
  return code;
}

/** Where a demo run left its data and the commands that open or export it. */
export function demoEpilogue(dataDir: string, folder: string, db: string): string {
  const q = (p: string) => (/\s/.test(p) ? `"${p}"` : p);
  const openable = db === dataPaths(dataDir).db;
  return [
    '',
    `Данные демо / demo data: ${dataDir}`,
    `  сканы / scans: ${folder}`,
    `  база / database: ${db}`,
    ...(openable ? ['Открыть в браузере / open in the browser:', `  npx scandesk web --data-dir ${q(dataDir)}`] : []),
    'Выгрузить в Excel / export to Excel:',
    `  npx scandesk export --db ${q(db)} --format xlsx --out ${q(path.join(dataDir, 'демо.xlsx'))}`,
    '',
  ].join('\n');
}

