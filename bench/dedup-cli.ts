/**
 * Run the dedup command without the `tepat` binary (until the lead wires it in):
 *   npx tsx bench/dedup-cli.ts INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]
 */
import { runDedupCommand } from '../src/dedup/cli.js';

process.exitCode = await runDedupCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
if (process.env.DEDUP_REPORT_RSS) {
  const u = process.resourceUsage();
  // ru_maxrss in KB; CPU of every thread of the process (the helper worker included).
  process.stderr.write(`maxRSS=${u.maxRSS} cpu=${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(1)}\n`);
}
