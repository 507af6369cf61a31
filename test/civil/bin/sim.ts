/** Child-process entry for tests: the simulator CLI until `tepat civil-registry-sim` is wired into src/cli/main.ts. */
import { runCivilRegistrySimCommand } from '../../../src/civil/sim/cli.js';

process.exitCode = await runCivilRegistrySimCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
