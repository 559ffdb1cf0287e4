// Argument helpers shared by the CLI's sub-commands: strict parsing, numbers in a range, one-of lists, and the
// usage error (exit 2, both languages).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(
    readonly ru: string,
    readonly en: string,
  ) {
    super(en);
  }
}


export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, positionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError(`Неверные параметры: ${(err as Error).message}`, `Invalid arguments: ${(err as Error).message}`);
  }
}

export function num(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name}: ожидается число от ${min} до ${max}`, `--${name}: expected a number ${min}..${max}`);
  return n;
}

export const oneOf = <T extends string>(list: readonly T[], v: string | undefined, flag: string): T | undefined => {
  if (v === undefined) return undefined;
  if ((list as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`--${flag}: допустимо ${list.join(', ')}`, `--${flag} must be one of ${list.join(', ')}`);
};

