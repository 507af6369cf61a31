/** Child-process entry for tests: `tepat civil …` until it is wired into src/cli/main.ts. */
import { loadConfig } from '../../../src/platform/config.js';
import { openContext } from '../../../src/platform/context.js';
import { runCivilCommand } from '../../../src/civil/cli.js';

const ctx = await openContext(loadConfig(process.env));
try {
  process.exitCode = await runCivilCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, ctx);
} catch (err) {
  process.stderr.write(`Gagal: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await ctx.close();
}
