/**
 * Run the dedup command without the `tepat` binary (until the lead wires it in):
 *   npx tsx bench/dedup-cli.ts INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]
 */
import { runDedupCommand } from '../src/dedup/cli.js';

process.exitCode = await runDedupCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
if (process.env.DEDUP_REPORT_RSS) process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
