// The real CLI (`bin/scandesk.js`) in a child process, as a clerk's script runs it: exit code and output collected.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const CLI_BIN = path.resolve(import.meta.dirname, '../../bin/scandesk.js');

export type CliResult = { code: number | null; stdout: string; stderr: string };

export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `scandesk <args>` (a batch run), SIGKILLed after `killAfterMs` when given; its stderr is printed only when a run
 *  that was not killed ends with neither 0 nor 3, so a failing test shows why. Resolves with the exit code. */
export function runCliKillable(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number | null): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      if (killAfterMs === null && (process.env.DEBUG_CLI_STDERR ? code !== 0 : code !== 0 && code !== 3)) process.stderr.write(stderr);
      resolve(code);
    });
  });
}
