import { CliError } from './errors.ts';

/**
 * Runs a command to its exit code: a CliError is one line on stderr and its code (2 unless said),
 * anything else an internal error (70), its stack only with VIGILANZA_DEBUG. Shared by `vigilanza`
 * (main.ts) and the one-command bundle of `vigilanza check` (check-entry.ts).
 */
export async function runCommand(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`vigilanza: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`vigilanza: errore interno: ${(e as Error)?.message ?? String(e)}\n`);
      if (process.env.VIGILANZA_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
      process.exitCode = 70;
    }
  }
}
