// `npm run bench`: runs every bench/*.bench.ts export named run…Bench, prints a table per bench and writes
// bench/out/results.json. BENCH_ONLY=queue,grid limits which files run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;

function flatten(value: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix || 'value', Array.isArray(value) ? JSON.stringify(value) : String(value)]);
  return out;
}

const results: Record<string, unknown> = {};
let failures = 0;
const files = fs.readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only && !only.includes(name)) continue;
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as Record<string, unknown>;
  for (const [fnName, fn] of Object.entries(mod)) {
    if (typeof fn !== 'function' || !/^run.*Bench$/.test(fnName)) continue;
    process.stdout.write(`\n== ${file} :: ${fnName}\n`);
    const t0 = Date.now();
    try {
      const r: unknown = await (fn as () => Promise<unknown>)();
      results[`${name}.${fnName}`] = r;
      const rows = flatten(r);
      const w = Math.max(...rows.map(([k]) => k.length), 10);
      for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
      process.stdout.write(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    } catch (err) {
      failures++;
      results[`${name}.${fnName}`] = { error: String(err) };
      process.stdout.write(`  FAILED: ${String(err)}\n`);
    }
  }
}
fs.mkdirSync(path.join(here, 'out'), { recursive: true });
fs.writeFileSync(path.join(here, 'out', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nwritten bench/out/results.json\n`);
process.exitCode = failures > 0 ? 1 : 0;
