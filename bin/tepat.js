#!/usr/bin/env node
// Runs the compiled CLI (npm run build); during development use `npm run tepat -- …`.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`${err.stack}\n`); process.exitCode = 1; },
);
