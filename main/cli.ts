// STUB — replaced by the CLI owner (scandesk process | export | sim | demo | web).
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`scandesk: not implemented yet: ${argv.join(' ')}\n`);
  return 2;
}
