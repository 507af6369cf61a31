/**
 * `tepat audit verify` speed over N audit records (default 1,000,000) on PostgreSQL:
 *   npx tsx bench/audit.ts [--records 1000000] [--workers 2,3,4] [--sequential] [--dist] [--reuse] [--pg-url URL]
 * Loads a valid chain with COPY (the per-row head trigger is disabled for the load only,
 * then the head is set), lets the database settle as a live one is (VACUUM ANALYZE sets the
 * hint bits and visibility map that autovacuum would, CHECKPOINT flushes the load), then
 * times the verification the CLI runs, each in a fresh process as `tepat audit verify` is
 * (not in this process, whose heap holds the load). `--reuse` keeps a loaded database.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openDb } from '../src/platform/db.js';
import { migrate } from '../src/platform/migrate.js';
import { verifyAuditLog } from '../src/platform/audit.js';
import { sealAuditRecord, genesisPrevHash } from '../src/platform/audit-chain.js';
import { copyBytes, copyText } from '../src/platform/copy.js';

const { values } = parseArgs({ options: {
  records: { type: 'string', default: '1000000' },
  workers: { type: 'string' },
  sequential: { type: 'boolean', default: false },
  dist: { type: 'boolean', default: false },
  reuse: { type: 'boolean', default: false },
  child: { type: 'string' },
  'pg-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://tepat:tepat@127.0.0.1:5432/tepat' },
} });
const n = Number(values.records);
const url = new URL(values['pg-url']!);
const benchUrl = new URL(url.toString());
benchUrl.pathname = '/tepat_bench_audit';

// --dist times the built JavaScript (npm run build), as `tepat audit verify` runs in production;
// from the TypeScript sources every worker thread first compiles its module through tsx.
async function verifier(): Promise<typeof import('../src/platform/audit-verify.js')> {
  return (values.dist
    ? await import(new URL('../dist/platform/audit-verify.js', import.meta.url).href)
    : await import('../src/platform/audit-verify.js')) as typeof import('../src/platform/audit-verify.js');
}

async function timed(label: string, verify: () => Promise<Awaited<ReturnType<typeof verifyAuditLog>>>): Promise<void> {
  const t = performance.now();
  const result = await verify();
  const seconds = (performance.now() - t) / 1000;
  if (!result.ok) throw new Error(`chain broken: ${JSON.stringify(result.firstBroken)}`);
  process.stdout.write(`${label}: ${result.count} records in ${seconds.toFixed(2)} s = ${Math.round(result.count / seconds)} records/s (target ≥ 500,000)\n`);
}

if (values.child !== undefined) {
  // One verification in this fresh process: 'sequential' or a worker count.
  const db = await openDb({ databaseUrl: benchUrl.toString() });
  if (values.child === 'sequential') await timed('sequential (one connection, paged)', () => verifyAuditLog(db));
  else {
    const { verifyAuditLogFast } = await verifier();
    const workers = Number(values.child);
    await timed(`tepat audit verify, ${workers} workers`, () => verifyAuditLogFast(db, { workers }));
  }
  await db.close();
  process.exit(0);
}

const loaded = values.reuse && execFileSync('psql', [url.toString(), '-Atc', "select count(*) from pg_database where datname = 'tepat_bench_audit'"]).toString().trim() === '1';
if (!loaded) {
  execFileSync('psql', [url.toString(), '-qc', 'drop database if exists tepat_bench_audit', '-c', 'create database tepat_bench_audit'], { stdio: 'inherit' });
  const db = await openDb({ databaseUrl: benchUrl.toString() });
  await migrate(db);
  let prev = genesisPrevHash();
  const started = Date.now();
  await db.withConnection(async (c) => {
    await c.exec('alter table audit_log disable trigger audit_log_head');
    const chunk = 50_000;
    for (let from = 1; from <= n; from += chunk) {
      let lines = '';
      for (let seq = from; seq < from + chunk && seq <= n; seq++) {
        const occurredAt = new Date(1_790_000_000_000 + seq * 1000).toISOString();
        const r = sealAuditRecord(prev, {
          seq, occurredAt, actor: `operator.${seq % 500}`, role: 'operator', region: '32.01.01', channel: 'api',
          action: 'member.update', entityType: 'member', entityId: String(seq), changes: `{"occupation":{"from":"petani","to":"buruh"}}`, requestId: null,
        });
        prev = r.hash;
        lines += copyText([String(seq), occurredAt, r.actor, r.role, r.region, r.channel, r.action, r.entityType, r.entityId, r.changes, null]).slice(0, -1)
          + '\t' + copyBytes(r.prevHash) + '\t' + copyBytes(r.hash) + '\n';
      }
      await c.copyFrom('copy audit_log (seq, occurred_at, actor, actor_role, scope, channel, action, entity_type, entity_id, changes, request_id, prev_hash, hash) from stdin', lines);
    }
    await c.query('update audit_head set seq = $1, hash = $2 where id = 1', [n, prev]);
    await c.exec('alter table audit_log enable trigger audit_log_head');
  });
  process.stderr.write(`loaded ${n} records in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  await db.withConnection(async (c) => {
    await c.exec('vacuum analyze audit_log');
    await c.exec('checkpoint');
  });
  await db.close();
}

// Each verification in its own process, as the CLI runs it.
const runs = [...(values.sequential ? ['sequential'] : []), ...(values.workers ?? '2').split(',')];
for (const run of runs) {
  const args = [...process.execArgv, process.argv[1]!, '--child', run, '--pg-url', url.toString(), ...(values.dist ? ['--dist'] : [])];
  process.stdout.write(execFileSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
}
process.stdout.write(`load average: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
