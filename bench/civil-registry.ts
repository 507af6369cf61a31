/**
 * Throughput of NIK verification through the simulated civil registry, with and
 * without injected faults: N people of a generated population (what Tepat holds) are
 * verified by the HTTP client (DCI batch search, bounded concurrency, timeouts, retries
 * with backoff and jitter, circuit breaker) against `civil-registry-sim` running as a
 * separate process over the same population.
 *
 *   npx tsx bench/civil-registry.ts [--n 1000000] [--concurrency 16] [--batch 50]
 *     [--faults 0,0.05] [--latency-ms 40] [--timeout-ms 2000] [--seed 1]
 *   npx tsx bench/civil-registry.ts --with-db 20000 [--faults …]
 *     the whole flow on an in-memory PGlite: import N members from generated files, then
 *     `verifyPendingMembers` (decrypt, ask, write records and statuses, audit) per fault rate
 *
 * Prints one line per fault rate: NIK/s, HTTP requests, retries, failures by reason,
 * latency percentiles of a batch call, and the outcome tally. Answers deferred because
 * the registry did not answer in time (retries exhausted, breaker open) wait 500 ms and
 * are sent again, as the verification job does, so every NIK ends up answered and the
 * time includes the waiting. Nothing is written to a
 * database (the database side is measured by the import and dedup benchmarks).
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createHttpCivilRegistry } from '../src/civil/http-client.js';
import { classifyVerification } from '../src/civil/matching.js';
import { runCivilRegistrySimCommand } from '../src/civil/sim/cli.js';
import type { VerifyRequest } from '../src/civil/types.js';
import { generatePopulation } from '../src/generate/population.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' }, concurrency: { type: 'string', default: '16' }, batch: { type: 'string', default: '50' },
    faults: { type: 'string', default: '0,0.05' }, 'latency-ms': { type: 'string', default: '40' }, 'timeout-ms': { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' }, serve: { type: 'boolean', default: false }, 'with-db': { type: 'string' },
  },
  allowPositionals: true,
  strict: false,
});

if (values['with-db']) {
  await withDatabase(Number(values['with-db']));
} else if (values.serve) {
  // Child mode: the simulator, in its own process as in production.
  const argv = process.argv.slice(process.argv.indexOf('--serve') + 1);
  process.exitCode = await runCivilRegistrySimCommand(argv, { stdout: process.stdout, stderr: process.stderr });
} else {
  await main();
}

async function main(): Promise<void> {
  const n = Number(values.n);
  const concurrency = Number(values.concurrency);
  const batch = Number(values.batch);
  const seed = Number(values.seed);
  const latencyMs = Number(values['latency-ms']);
  const timeoutMs = Number(values['timeout-ms']);
  const families = Math.ceil(n / 3.6);

  const t0 = performance.now();
  const requests: VerifyRequest[] = [];
  for (const f of generatePopulation({ families, seed })) {
    for (const p of f.members) {
      if (p.record.nik === null || requests.length >= n) continue;
      requests.push({ nik: p.record.nik, name: p.record.fullName, birthDate: p.record.birthDate, kk: p.record.kkNumber });
    }
    if (requests.length >= n) break;
  }
  console.log(`population: ${requests.length.toLocaleString('en-US')} NIKs from ${families.toLocaleString('en-US')} families (seed ${seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; client concurrency ${concurrency}, ${batch} NIKs per request, timeout ${timeoutMs} ms; simulator median latency ${latencyMs} ms + 0.3 ms per NIK, no quota`);

  for (const faultRate of String(values.faults).split(',').map(Number)) {
    const sim = await startSim(['--port', '0', '--seed', String(seed), '--families', String(families), '--fault-rate', String(faultRate),
      '--latency-ms', String(latencyMs), '--rate-limit', '0', '--hang-ms', String(timeoutMs * 3), '--event-interval-ms', '3600000', '--backlog', '0']);
    const client = createHttpCivilRegistry({
      baseUrl: sim.url, concurrency, batchSize: batch, timeoutMs, maxAttempts: 6, cacheTtlMs: 0,
      backoff: { baseMs: 100, capMs: 2000 },
    });
    const tally = { verified: 0, mismatch: 0, not_found: 0, deceased: 0, waited: 0 };
    let deferredRounds = 0;
    // Steady state, not start-up: one answered request and a pause before the clock starts.
    await client.verify(requests.slice(0, 1));
    await sleep(1000);
    const callMs: number[] = [];
    const started = performance.now();
    // Bounded concurrency end to end: `concurrency` batch calls in flight, each one HTTP request.
    let next = 0;
    let lastReport = started;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (;;) {
        const from = next;
        next += batch;
        if (from >= requests.length) return;
        // As the verification job does: what the registry did not answer waits and is sent again.
        let pending = requests.slice(from, from + batch);
        for (let round = 0; pending.length > 0; round++) {
          if (round > 0) {
            deferredRounds++;
            await sleep(500);
          }
          const c0 = performance.now();
          const out = await client.verify(pending);
          callMs.push(performance.now() - c0);
          const again: VerifyRequest[] = [];
          out.forEach((o, i) => {
            if (o.ok) tally[classifyVerification(o.result).outcome]++;
            else again.push(pending[i]!);
          });
          tally.waited += again.length;
          pending = again;
        }
        const now = performance.now();
        if (now - lastReport > 15_000) {
          lastReport = now;
          process.stderr.write(`  … ${Math.min(next, requests.length).toLocaleString('en-US')} / ${requests.length.toLocaleString('en-US')}\n`);
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const s = client.stats();
    const simStats = await fetch(`${sim.url}/sim/stats`).then((r) => r.json() as Promise<{ faults: Record<string, number>; requests: number }>);
    client.close();
    sim.stop();
    callMs.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(callMs[Math.min(callMs.length - 1, Math.floor(p * callMs.length))] ?? 0);
    console.log([
      `fault rate ${(faultRate * 100).toFixed(0)} %: ${requests.length.toLocaleString('en-US')} NIKs in ${seconds.toFixed(1)} s = ${Math.round(requests.length / seconds).toLocaleString('en-US')} NIK/s`,
      `  HTTP attempts ${s.attempts.toLocaleString('en-US')} (retries ${s.retries.toLocaleString('en-US')}), failures ${JSON.stringify(s.failures)}, breaker opened ${s.breakerOpened}×, peak in flight ${s.peakInFlight}`,
      `  simulator: ${simStats.requests.toLocaleString('en-US')} requests, injected ${JSON.stringify(simStats.faults)}`,
      `  batch call p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`,
      `  outcomes ${JSON.stringify(tally)} (waited: NIK answers deferred and sent again, ${deferredRounds} waits of 500 ms)`,
    ].join('\n'));
  }
}

async function startSim(args: string[]): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; startedInMs: number; people: number };
  console.log(`simulator up in ${(info.startedInMs / 1000).toFixed(1)} s holding ${info.people.toLocaleString('en-US')} people`);
  return { url: info.url, stop: () => child.kill('SIGTERM') };
}

/** The verification flow end to end, database included, on N imported members. */
async function withDatabase(n: number): Promise<void> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openDb } = await import('../src/platform/db.js');
  const { migrate } = await import('../src/platform/migrate.js');
  const { loadRegions } = await import('../src/regions/load.js');
  const { openKeyring } = await import('../src/platform/keyring.js');
  const { DEV_INDEX_KEY, DEV_MASTER_KEY } = await import('../src/platform/config.js');
  const { generateFiles } = await import('../src/generate/write-files.js');
  const { importFile } = await import('../src/registry/import/import-file.js');
  const { verifyPendingMembers } = await import('../src/civil/verify-members.js');
  const seed = Number(values.seed);
  const families = Math.ceil(n / 3.85);
  const out = mkdtempSync(join(tmpdir(), 'tepat-civil-bench-'));
  await generateFiles({ families, seed, out });
  const db = await openDb({});
  await migrate(db);
  await loadRegions(db);
  const keyring = await openKeyring(db, { masterKey: DEV_MASTER_KEY, indexKey: DEV_INDEX_KEY });
  const actor = { id: 'bench', role: 'pusat', scope: 'ID', channel: 'cli' } as const;
  for (const f of ['families.csv', 'members.csv']) await importFile({ db, keyring, actor }, join(out, f));
  const members = Number((await db.withConnection((c) => c.query<{ n: number }>('select count(*) as n from member where nik_enc is not null'))).rows[0]!.n);
  console.log(`database flow (PGlite in memory): ${members.toLocaleString('en-US')} members with a NIK from ${families.toLocaleString('en-US')} families`);
  for (const faultRate of String(values.faults).split(',').map(Number)) {
    await db.withConnection((c) => c.exec('delete from civil_member_status; delete from civil_verification; delete from civil_case'));
    const sim = await startSim(['--port', '0', '--seed', String(seed), '--families', String(families), '--fault-rate', String(faultRate),
      '--latency-ms', String(values['latency-ms']), '--rate-limit', '0', '--hang-ms', String(Number(values['timeout-ms']) * 3), '--event-interval-ms', '3600000', '--backlog', '0']);
    const registry = createHttpCivilRegistry({ baseUrl: sim.url, concurrency: Number(values.concurrency), batchSize: Number(values.batch), timeoutMs: Number(values['timeout-ms']), maxAttempts: 6, cacheTtlMs: 0 });
    await registry.verify([{ nik: '3201010101900001', name: 'x', birthDate: null }]);
    const t0 = performance.now();
    let checked = 0;
    let runs = 0;
    // As the job does: runs until nothing is pending (deferred members are taken up by the next run).
    for (; runs < 50; runs++) {
      const s = await verifyPendingMembers({ db, keyring, registry }, actor, { batchSize: 1000 });
      checked += s.checked;
      if (s.checked === 0 && s.deferred === 0) break;
      if (s.registryUnavailable) await sleep(500);
    }
    const seconds = (performance.now() - t0) / 1000;
    const st = registry.stats();
    console.log(`fault rate ${(faultRate * 100).toFixed(0)} %: ${checked.toLocaleString('en-US')} members verified and recorded in ${seconds.toFixed(1)} s = ${Math.round(checked / seconds).toLocaleString('en-US')} members/s (${runs} runs; retries ${st.retries}, failures ${JSON.stringify(st.failures)})`);
    registry.close();
    sim.stop();
  }
  await db.close();
}
