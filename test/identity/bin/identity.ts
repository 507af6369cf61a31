/** Child-process entry for tests: `tepat identity …` until it is wired into src/cli/main.ts. */
import { loadConfig } from '../../../src/platform/config.js';
import { openContext } from '../../../src/platform/context.js';
import { runIdentityCommand } from '../../../src/identity/cli.js';

const ctx = await openContext(loadConfig(process.env));
try {
  process.exitCode = await runIdentityCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, ctx);
} catch (err) {
  process.stderr.write(`Gagal: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await ctx.close();
}
