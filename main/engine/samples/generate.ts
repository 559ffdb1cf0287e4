// Writes a folder of sample scans in the naming conventions the intake understands, so `scandesk demo`, the
// e2e tests and the benchmark start from the same realistic input:
//   per-person folder   <dir>/Иванов И.И/паспорт.jpg, селфи.jpg, инн.jpg
//   loose, shared stem  <dir>/petrov_passport.jpg, petrov_selfie.jpg, petrov_inn.jpg
//   per-type folder     <dir>/passport/sidorov.jpg, <dir>/selfie/sidorov.jpg, <dir>/inn/sidorov.png
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPerson, shortName, type SamplePerson } from './person.ts';
import { renderInn, renderPassport, renderSelfie } from './render.ts';
import { createRng } from './random.ts';
import type { SampleDocType, SampleScenario } from './scenario.ts';

export type SampleLayout = 'mixed' | 'folders' | 'loose';
export type GeneratedFile = { path: string; type: SampleDocType; personId: string };
export type GenerateOptions = {
  dir: string;
  count: number;
  seed?: number;
  layout?: SampleLayout;
  format?: 'jpeg' | 'png';
  include?: { inn?: boolean; selfie?: boolean };
  /** Extra scenario per person index and type (merged over the default low-confidence scenario). */
  scenarioFor?: (index: number, type: SampleDocType, person: SamplePerson) => SampleScenario | undefined;
};

// Fields that plausibly come out uncertain on a real scan, per type.
const LOW_CANDIDATES: Record<SampleDocType, readonly string[]> = {
  PASSPORT: ['BirthPlace', 'IssuedBy', 'MiddleName', 'IssueDate', 'Number', 'MRZ1'],
  INN: ['BirthPlace', 'OrgName', 'MiddleName', 'RegDate'],
  SELFIE: [],
};

/** 1–2 deliberately low-confidence fields (0.55–0.80) so the review grid has something to highlight. */
export function defaultScenario(type: SampleDocType, seed: number): SampleScenario {
  const candidates = LOW_CANDIDATES[type];
  if (candidates.length === 0) return {};
  const rng = createRng(seed);
  const confidences: Record<string, number> = {};
  const n = rng.int(1, 2);
  while (Object.keys(confidences).length < n) confidences[rng.pick(candidates)] = Number((0.55 + rng.next() * 0.25).toFixed(2));
  return { lowConfidence: Object.keys(confidences), confidences };
}

function mergeScenario(a: SampleScenario, b: SampleScenario | undefined): SampleScenario {
  if (!b) return a;
  return { ...a, ...b, confidences: { ...a.confidences, ...b.confidences }, lowConfidence: [...new Set([...(a.lowConfidence ?? []), ...(b.lowConfidence ?? [])])] };
}

function unique(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${name}-${i}`;
  used.add(candidate.toLowerCase());
  return candidate;
}

export async function generateSamples(opts: GenerateOptions): Promise<{ people: SamplePerson[]; files: GeneratedFile[] }> {
  const seed = opts.seed ?? 1;
  const layout = opts.layout ?? 'mixed';
  const ext = (opts.format ?? 'jpeg') === 'png' ? 'png' : 'jpg';
  const withInn = opts.include?.inn ?? true;
  const withSelfie = opts.include?.selfie ?? true;
  const people: SamplePerson[] = [];
  const files: GeneratedFile[] = [];
  const usedNames = new Set<string>();
  await mkdir(opts.dir, { recursive: true });

  for (let i = 0; i < opts.count; i++) {
    const person = createPerson(seed * 100_003 + i);
    people.push(person);
    const style = layout === 'folders' ? 0 : layout === 'loose' ? 1 : i % 3;
    const types: SampleDocType[] = ['PASSPORT', ...(withSelfie ? ['SELFIE' as const] : []), ...(withInn ? ['INN' as const] : [])];
    const base = unique(style === 0 ? shortName(person) : person.slug, usedNames);
    await Promise.all(types.map(async (type, t) => {
      const scenario = mergeScenario(defaultScenario(type, seed * 7 + i * 13 + t), opts.scenarioFor?.(i, type, person));
      // In the per-type layout INN scans are PNG, so the engine's PNG→JPEG conversion is always exercised.
      const format = style === 2 && type === 'INN' ? 'png' : (opts.format ?? 'jpeg');
      const fileExt = format === 'png' ? 'png' : ext;
      const render = type === 'PASSPORT' ? renderPassport : type === 'INN' ? renderInn : renderSelfie;
      const bytes = await render(person, { format, scenario });
      const ru = { PASSPORT: 'паспорт', INN: 'инн', SELFIE: 'селфи' }[type];
      const en = { PASSPORT: 'passport', INN: 'inn', SELFIE: 'selfie' }[type];
      const rel = style === 0 ? path.join(base, `${ru}.${fileExt}`) : style === 1 ? `${base}_${en}.${fileExt}` : path.join(en, `${base}.${fileExt}`);
      const file = path.join(opts.dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
      files.push({ path: file, type, personId: person.id });
    }));
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { people, files };
}
