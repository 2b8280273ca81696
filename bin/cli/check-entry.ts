/**
 * `vigilanza check` as a bundle of its own (dist/cli/check.cjs, scripts/build.mjs): bin/vigilanza runs
 * it for `check`, so a cold check reads one file instead of the entry and a dozen shared chunks, and
 * with V8's code cache next to it (bin/vigilanza) compiles next to nothing. The same command as
 * `vigilanza check` through main.ts: the same run, the same errors and exit codes.
 */
import { z } from 'zod';
import { run } from './check.ts';
import { runCommand } from './run.ts';

/** The command's own arguments (after "check"). */
export async function main(argv: string[]): Promise<void> {
  // One file parsed once: zod's compiled fast path (new Function, outside any code cache) costs more
  // than it saves. The same checks and messages either way.
  z.config({ jitless: true });
  await runCommand(() => run(argv));
}
