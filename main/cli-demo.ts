// `scandesk sim` and `scandesk demo`: the Beorg simulator on loopback, and a demo run (sample scans processed on it)
// that ends by saying where its data is and how to open or export it.
import fs from 'node:fs';
import path from 'node:path';
import { num, parse, UsageError } from './cli-args.ts';
import { createDemoRoot, foreignDemoEntry, recordDemoSamples } from './cli-demo-folder.ts';
import type { ProcessRun } from './cli.ts';
import { dataPaths } from './engine/paths.ts';
import { preparePrivateDataDir } from './engine/private-fs.ts';
import { printable } from '../shared/printable.ts';

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
  // One private data folder holds the scans and the encrypted database, so `scandesk web --data-dir` opens exactly
  // this run ([Note: the data folder is private]).
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : createDemoRoot();
  const folder = path.resolve(values.folder ?? path.join(dataDir, 'Входящие'));
  refuseForeignFolder(folder);
  preparePrivateDataDir(dataDir);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const { generateSamples, demoScenarioFor } = await import('./engine/samples/index.ts');
  const { startSimulator, demoSimConfig, SIM_CREDENTIALS } = await import('./engine/sim/server.ts');
  process.stderr.write(`Создаю ${count} комплектов сканов в ${printable(folder)} / generating ${count} sample sets…\n`);
  const { files } = await generateSamples({ dir: folder, count: Math.round(count), layout: 'mixed', scenarioFor: demoScenarioFor });
  recordDemoSamples(folder, files);
  const sim = await startSimulator({ config: demoSimConfig() });
  let code: number;
  try {
    code = await runProcess({
      folder, once: true, ...(values.db ? { db: values.db } : { dataDir }), json: values.json === true, setUp: true,
      settings: { apiUrl: sim.url, pollFirstDelayMs: 300, pollMaxIntervalMs: 2000, rps: 20, burst: 10, concurrency: 8 },
      creds: { ...SIM_CREDENTIALS }, type: 'PASSPORT', poll: false, move: false,
    });
  } finally {
    await sim.close();
  }
  process.stderr.write(demoEpilogue(dataDir, folder, path.resolve(values.db ?? dataPaths(dataDir).db)));
  return code;
}

/** Demo processes only samples it generated itself: a real scanner folder would send real passports to the simulator. */
function refuseForeignFolder(folder: string): void {
  const foreign = foreignDemoEntry(folder);
  if (foreign === null) return;
  throw new UsageError(
    `Папка ${folder} содержит файлы, которых демо не создавало (например «${foreign}»). Демо обрабатывает только свои примеры: укажите пустую или новую папку`,
    `Folder ${folder} holds files demo did not create (e.g. "${foreign}"). Demo only processes its own samples: give an empty or new folder`,
  );
}

/** Where a demo run left its data and the commands that open or export it. */
export function demoEpilogue(dataDir: string, folder: string, db: string): string {
  const q = (p: string) => (/\s/.test(p) ? `"${p}"` : p);
  const openable = db === dataPaths(dataDir).db;
  return [
    '',
    `Данные демо / demo data: ${printable(dataDir)}`,
    `  сканы / scans: ${printable(folder)}`,
    `  база / database: ${printable(db)}`,
    ...(openable ? ['Открыть в браузере / open in the browser:', `  npx scandesk web --data-dir ${q(dataDir)}`] : []),
    'Выгрузить в Excel / export to Excel:',
    `  npx scandesk export --db ${q(db)} --format xlsx --out ${q(path.join(dataDir, 'демо.xlsx'))}`,
    '',
  ].join('\n');
}

