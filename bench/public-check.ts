/**
 * Throughput and latency of the public status check on PostgreSQL, measured from a
 * second process over loopback.
 *
 *   DATABASE_URL=postgres://tepat:tepat@127.0.0.1:5432/tepat \
 *     npx tsx bench/public-check.ts [--people 1000000] [--rate 1500,3000] [--seconds 30] [--connections 64] [--seed-only]
 *
 * The server process seeds (once) a database `<name>_bench_portal` with `--people`
 * members in families of three, set-based with COPY (NIK encrypted and blind-indexed
 * as in production), then serves the real app with the portal plugin, plus a bare
 * Fastify hello-world on another port. A child process (this file with `--load`)
 * generates load with keep-alive connections and reports:
 *
 * 1. hello-world, closed loop: the machine's ceiling for an HTTP round trip;
 * 2. NIK check, closed loop: the most checks/s; their ratio to (1);
 * 3. NIK check, open loop at each `--rate` (comma-separated) for `--seconds`: achieved rate and p50/p99,
 *    latency counted from each request's scheduled time (no coordinated omission);
 * 4. flood: one client (127.0.0.2) hammering with every connection it has while 600
 *    other clients (127.1.x.y) check at a steady 300/s — their p99 and answers; then the
 *    same against a server whose refusals skip the tarpit.
 *
 * It also prints the server side's CPU per request (the Node process, and its PostgreSQL
 * backends read from /proc), which says more than the rates on a shared machine.
 * Checks mix found (50 %), right NIK with a wrong name (25 %) and unknown NIK (25 %).
 * For (2) and (3) the per-client limits are raised (all load comes from few
 * addresses); the flood (4) runs against the default limits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../src/platform/config.js';
import { openContext, type AppContext } from '../src/platform/context.js';
import { copyBytes, copyEscape, copyTextArray } from '../src/platform/copy.js';
import { CIPHER_CONTEXT } from '../src/platform/keyring.js';
import { buildServer } from '../src/server/app.js';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '64' },
    load: { type: 'boolean', default: false },
    'seed-only': { type: 'boolean', default: false },
  },
});

// ------------------------------------------------------------------ the people

const FIRST = ['SITI', 'BUDI', 'WAWAN', 'DEWI', 'AGUS', 'RINA', 'JOKO', 'NUR', 'YANTI', 'HENDRA', 'SRI', 'EKO', 'ANI', 'DEDI', 'TUTI', 'RUDI', 'LINA', 'ASEP', 'IIN', 'UJANG', 'NENG', 'YUSUF', 'FITRI', 'ARIF', 'MAYA', 'BAYU', 'DINA', 'HADI', 'RATNA', 'TONO'];
const LAST = ['AMINAH', 'SANTOSO', 'LUTHFI', 'LESTARI', 'SETIAWAN', 'WULANDARI', 'PRASETYO', 'HIDAYAT', 'KURNIAWAN', 'RAHAYU', 'SAPUTRA', 'SUSANTI', 'NUGROHO', 'PERMATA', 'GUNAWAN', 'HANDAYANI', 'SUHENDRA', 'MULYANI', 'RAMADHAN', 'FAUZI'];

/** Person i: a NIK unique for i < 3,359,664, and a three-word name. */
function person(i: number): { nik: string; name: string } {
  const serial = String((i % 9999) + 1).padStart(4, '0');
  const rest = Math.floor(i / 9999);
  const day = String((rest % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(rest / 28) % 12) + 1).padStart(2, '0');
  const name = `${FIRST[i % 30]} ${FIRST[Math.floor(i / 30) % 30]} ${LAST[Math.floor(i / 900) % 20]}`;
  return { nik: `320101${day}${month}85${serial}`, name };
}

/** A well-formed NIK nobody has (year 99 is never generated). */
function unknownNik(i: number): string {
  return `330101${String((i % 28) + 1).padStart(2, '0')}0699${String((i % 9999) + 1).padStart(4, '0')}`;
}

// ------------------------------------------------------------------ load generator (child)

interface Sample { ms: number[]; codes: Record<string, number>; sent: number; seconds: number }

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

function summary(s: Sample) {
  const sorted = [...s.ms].sort((a, b) => a - b);
  const ok = s.codes['200'] ?? 0;
  return { rps: s.ms.length / s.seconds, okRps: ok / s.seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN, codes: s.codes, sent: s.sent };
}

type Req = { path: string; body?: string; localAddress?: string };

function request(agent: http.Agent, port: number, r: Req): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, path: r.path, method: r.body ? 'POST' : 'GET', agent, localAddress: r.localAddress,
      headers: r.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) } : {},
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    // An answer later than 10 s counts as failed (-2); a refused or reset connection as -1.
    req.setTimeout(10_000, () => { req.destroy(); resolve(-2); });
    req.on('error', () => resolve(-1));
    req.end(r.body);
  });
}

/**
 * Closed loop: `connections` requests in flight at all times for `seconds`. `next` gets
 * the worker's number too: a worker that keeps one source address keeps one keep-alive
 * connection (the agent pools per source address).
 */
async function closedLoop(port: number, connections: number, seconds: number, next: (i: number, worker: number) => Req): Promise<Sample> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const s: Sample = { ms: [], codes: {}, sent: 0, seconds };
  const end = performance.now() + seconds * 1000;
  let i = 0;
  await Promise.all(Array.from({ length: connections }, async (_, worker) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      s.sent++;
      const code = await request(agent, port, next(i++, worker));
      s.ms.push(performance.now() - t0);
      s.codes[code] = (s.codes[code] ?? 0) + 1;
    }
  }));
  agent.destroy();
  return s;
}

/**
 * Open loop: requests start on schedule at `rate`/s whatever the answers do; latency from
 * the scheduled time (a request waiting for a free connection counts as slow).
 * At most `perAddress` keep-alive connections per source address.
 */
async function openLoop(port: number, rate: number, seconds: number, perAddress: number, next: (i: number) => Req): Promise<Sample> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: perAddress });
  const s: Sample = { ms: [], codes: {}, sent: 0, seconds };
  const start = performance.now();
  const total = Math.round(rate * seconds);
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      while (s.sent < due) {
        const scheduled = start + (s.sent / rate) * 1000;
        const r = next(s.sent++);
        pending.push(request(agent, port, r).then((code) => {
          s.ms.push(performance.now() - scheduled);
          s.codes[code] = (s.codes[code] ?? 0) + 1;
        }));
      }
      if (s.sent >= total) resolve(); else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  return s;
}

interface LoadConfig { job: 'main' | 'flooder' | 'others'; variant?: string; seed: number; checkPort: number; guardPort: number; helloPort: number; people: number; rates: number[]; seconds: number; connections: number }

async function runLoad(cfg: LoadConfig) {
  // mulberry32: a small PRNG with a full 2^32 period (the seed differs per process).
  let seed = cfg.seed >>> 0;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const checkBody = (i: number): string => {
    const k = Math.floor(rand() * cfg.people);
    const p = person(k);
    const mode = i % 4;
    const nik = mode === 3 ? unknownNik(k) : p.nik;
    const name = mode === 2 ? 'NAMA YANG TIDAK COCOK' : p.name;
    return JSON.stringify({ nik, name });
  };
  // Sources on loopback: 127.0.0.0/8 is all ours, so each simulated client has its own
  // address (and its own keep-alive connection). Throughput runs use one address per
  // connection; the "others" are 600 clients at 0.5 checks/s each.
  const address = (n: number) => `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
  const check = (i: number, source: string): Req => ({ path: '/api/v1/public/check', body: checkBody(i), localAddress: source });
  const others = (i: number): Req => check(i, `127.1.${1 + (i % 3)}.${1 + (Math.floor(i / 3) % 200)}`);
  const out: Record<string, unknown> = {};
  const started = performance.now();
  const log = (m: string) => process.send!({ log: `${((performance.now() - started) / 1000).toFixed(0)} s: ${m}` });

  if (cfg.job === 'flooder') {
    out[`flooder${cfg.variant}`] = summary(await closedLoop(cfg.guardPort, cfg.connections, 20, () => check(0, '127.0.0.2')));
  } else if (cfg.job === 'others') {
    out[`othersDuringFlood${cfg.variant}`] = summary(await openLoop(cfg.guardPort, 300, 20, 1, (i) => others(i + 3000)));
  } else {
    log('warm-up 5 s');
    await openLoop(cfg.checkPort, 1000, 5, 1, (i) => check(i, address(i % cfg.connections)));
    await closedLoop(cfg.helloPort, cfg.connections, 2, () => ({ path: '/hello' }));
    // The server measures its own CPU between these marks.
    const phase = async (name: string, run: () => Promise<Sample>) => {
      log(name);
      process.send!({ mark: name });
      const s = await run();
      process.send!({ mark: `${name}:end` });
      return summary(s);
    };
    out.hello = await phase('hello', () => closedLoop(cfg.helloPort, cfg.connections, 10, () => ({ path: '/hello' })));
    out.checkMax = await phase('checkMax', () => closedLoop(cfg.checkPort, cfg.connections, 10, (i, w) => check(i, address(w))));
    for (const rate of cfg.rates) {
      out[`checkRate${rate}`] = await phase(`checkRate${rate}`, () => openLoop(cfg.checkPort, rate, cfg.seconds, 1, (i) => check(i, address(i % (cfg.connections * 4)))));
    }
    out.othersAlone = await phase('othersAlone', () => openLoop(cfg.guardPort, 300, 10, 1, others));
  }
  process.send!({ result: out });
}

// ------------------------------------------------------------------ server (parent)

async function ensureDatabase(url: string): Promise<string> {
  const u = new URL(url);
  const name = `${u.pathname.slice(1) || 'tepat'}_bench_portal`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database ${name}`);
  await admin.end();
  u.pathname = `/${name}`;
  return u.toString();
}

/** One COPY line from cells already in COPY text form. */
const line = (cells: string[]) => cells.join('\t') + '\n';

/**
 * A current desil ranking and one cycle of decisions for every family (five programs each,
 * a mix of statuses), so the check reads what it reads in production. Set-based; once.
 */
async function seedDecisions(ctx: AppContext): Promise<void> {
  const have = await ctx.db.withConnection((c) => c.query<{ n: number }>('select count(*)::int as n from eligibility_decision_set'));
  if (Number(have.rows[0]!.n) > 0) return;
  const t0 = performance.now();
  await ctx.db.withConnection((c) => c.exec(`
    begin;
    insert into welfare_ranking (method, reference_date, families, is_current, created_by)
      select 'bps14', date '2026-01-01', (select count(*) from family), true, 'bench';
    insert into welfare_rank (ranking_id, family_id, regency_code, village_code, bps14_count, bps14_desil, desil, percentile)
      select (select id from welfare_ranking where is_current), f.id, f.regency_code, f.village_code, 5, (f.id % 10) + 1, (f.id % 10) + 1, ((f.id % 10) + 0.5) / 10.0
      from family f;
    insert into eligibility_decision_set (regency_code, family_id, cycle, village_code, decisions)
      select f.regency_code, f.id, '2026-01', f.village_code,
        array(select row(p.program, '2024.1', (select id from welfare_ranking where is_current), '\\x00'::bytea,
                 case when (f.id + p.k) % 3 = 0 then 'tidak_layak' else 'layak' end,
                 case when (f.id + p.k) % 3 = 0 then 'tidak_layak' when (f.id + p.k) % 3 = 1 then 'tetap' else 'masuk' end,
                 4::smallint, 750000::bigint, 3000000::bigint, null::bigint,
                 array['contoh alasan keputusan'], null::text[], null::bigint[], null::bigint[], null::text[], null::bigint, now())::eligibility_program_decision
               from unnest(array['blt_dd', 'bpnt', 'pbi_jk', 'pip', 'pkh']) with ordinality p(program, k) order by p.program)
      from family f;
    commit;
    analyze welfare_rank; analyze eligibility_decision_set;`));
  console.log(`seeded a ranking and one cycle of decisions in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function seed(ctx: AppContext, people: number): Promise<void> {
  const { db, keyring } = ctx;
  const have = await db.withConnection((c) => c.query<{ n: number }>('select count(*)::int as n from member'));
  if (Number(have.rows[0]!.n) >= people) {
    console.log(`registry already holds ${have.rows[0]!.n.toLocaleString('en-US')} people`);
    await seedDecisions(ctx);
    return;
  }
  if (Number(have.rows[0]!.n) > 0) throw new Error('bench database partly seeded: drop it and run again');
  const villages = (await db.withConnection((c) => c.query<{ code: string }>(
    "select code from region where level = 4 and (code like '32.01.%' or code like '33.74.%' or code like '73.71.%') order by code"))).rows.map((r) => r.code);
  const families = Math.ceil(people / 3);
  const t0 = performance.now();
  const programs = [['pkh', 'bpnt'], ['pbi_jk'], [], ['bpnt'], [], ['pkh', 'pbi_jk', 'pip']];
  const BATCH = 30_000;
  for (let start = 0; start < families; start += BATCH) {
    let fam = '';
    let mem = '';
    for (let f = start; f < Math.min(families, start + BATCH); f++) {
      const village = villages[f % villages.length]!;
      const kk = `${village.slice(0, 8).replace(/\./g, '')}0101${String(f % 100).padStart(2, '0')}${String(f).padStart(8, '0').slice(-4)}`;
      const prog = programs[f % programs.length]!;
      fam += line([String(f + 1), village.slice(0, 5), village, copyBytes(keyring.cipher.encrypt(kk, CIPHER_CONTEXT.kk)),
        copyBytes(keyring.index.compute('kk', `${kk}|${f}`)), copyTextArray(prog), copyTextArray(prog.map(() => '2025-01')), copyBytes(randomBytes(16))]);
      for (let m = 0; m < 3; m++) {
        const i = f * 3 + m;
        if (i >= people) break;
        const p = person(i);
        mem += line([String(i + 1), village.slice(0, 5), String(f + 1), village, copyBytes(keyring.index.compute('member', `${kk}|${p.nik}`)),
          copyBytes(keyring.cipher.encrypt(p.nik, CIPHER_CONTEXT.nik)), copyBytes(keyring.index.compute('nik', p.nik)), copyEscape(p.name),
          m === 1 ? 'P' : 'L', m === 0 ? 'kepala' : 'anak', copyBytes(randomBytes(16))]);
      }
    }
    await db.transaction(async (tx) => {
      await tx.raw.copyFrom('copy family (id, regency_code, village_code, kk_enc, kk_bidx, programs_received, programs_received_periods, row_hash) from stdin', fam);
      await tx.raw.copyFrom('copy member (id, regency_code, family_id, village_code, member_key, nik_enc, nik_bidx, full_name, sex, relationship, row_hash) from stdin', mem);
    });
    process.stdout.write(`\rseeding: ${Math.min(families, start + BATCH).toLocaleString('en-US')} / ${families.toLocaleString('en-US')} families`);
  }
  await db.withConnection(async (c) => {
    await c.exec("select setval(pg_get_serial_sequence('family', 'id'), (select max(id) from family)); select setval(pg_get_serial_sequence('member', 'id'), (select max(id) from member)); analyze family; analyze member;");
  });
  console.log(`\nseeded ${people.toLocaleString('en-US')} people in ${families.toLocaleString('en-US')} families in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await seedDecisions(ctx);
}

/** CPU milliseconds per phase of the server process and of its PostgreSQL backends, between the load generator's marks. */
const serverCpu: Record<string, { cpuMs: number; pgMs: number; wallMs: number }> = {};
const openMarks = new Map<string, { cpu: NodeJS.CpuUsage; pg: Promise<Map<number, number>>; at: number }>();
let benchDb: AppContext | undefined;
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU time (ms) so far of each PostgreSQL backend serving the bench database, from /proc. */
async function backendCpu(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!benchDb) return out;
  const pids = await benchDb.db.withConnection((c) => c.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()'));
  for (const { pid } of pids.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch { /* not on this machine, or gone */ }
  }
  return out;
}

function mark(name: string): void {
  if (name.endsWith(':end')) {
    const phase = name.slice(0, -4);
    const start = openMarks.get(phase)!;
    const cpu = process.cpuUsage(start.cpu);
    const wallMs = performance.now() - start.at;
    serverCpu[phase] = { cpuMs: (cpu.user + cpu.system) / 1000, pgMs: 0, wallMs };
    pgDone.push(Promise.all([start.pg, backendCpu()]).then(([a, b]) => {
      let ms = 0;
      // A backend that started during the phase counts whole.
      for (const [pid, t] of b) ms += t - (a.get(pid) ?? 0);
      serverCpu[phase]!.pgMs = ms;
    }));
  } else {
    openMarks.set(name, { cpu: process.cpuUsage(), pg: backendCpu(), at: performance.now() });
  }
}
const pgDone: Promise<void>[] = [];

/** Runs one load job in a child process and returns its figures. */
function load(cfg: LoadConfig): Promise<Record<string, ReturnType<typeof summary>>> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--load'], { execArgv: process.execArgv, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { log?: string; mark?: string; result?: Record<string, ReturnType<typeof summary>> }) => {
      if (m.mark) mark(m.mark);
      if (m.log) console.log(`  … ${m.log}`);
      if (m.result) resolve(m.result);
    });
    child.on('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    child.send(cfg);
  });
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) { console.error('DATABASE_URL is required (PostgreSQL).'); process.exit(2); }
  const people = Number(values.people);
  const benchUrl = await ensureDatabase(url);
  const ctx = await openContext(loadConfig({ ...process.env, DATABASE_URL: benchUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' }), { logger: pino({ level: 'silent' }) });
  await seed(ctx, people);
  benchDb = ctx;
  if (values['seed-only']) { await ctx.close(); return; }

  const wide = { capacity: 1e9, refillPerSecond: 1e9 };
  // (2)(3): the whole path including the defence, with per-client limits out of the way.
  const open = await buildServer(ctx, { portal: { defence: { hardPerClient: wide, softPerClient: wide } } });
  // (4): default limits.
  const guarded = await buildServer(ctx);
  // (4b): default limits, refusals without the tarpit, to show what it is worth.
  const untarpitted = await buildServer(ctx, { portal: { defence: { tarpitMs: 0 } } });
  const hello = Fastify();
  hello.get('/hello', async () => ({ hello: 'world' }));
  const ports = await Promise.all([open, guarded, hello, untarpitted].map(async (a) => Number(new URL(await a.listen({ port: 0, host: '127.0.0.1' })).port)));

  const cpu0 = process.cpuUsage();
  const rates = String(values.rate).split(',').map(Number);
  const base = { checkPort: ports[0]!, guardPort: ports[1]!, helloPort: ports[2]!, people, rates, seconds: Number(values.seconds), connections: Number(values.connections) };
  const deadline = setTimeout(() => { console.error('bench took too long; stopping'); process.exit(1); }, (Number(values.seconds) * rates.length + 150) * 1000);
  const main = await load({ ...base, job: 'main', seed: 1 });
  console.log('  … flood: one client with every connection (own process) + others at 300/s (own process) for 20 s');
  mark('flood');
  const [flood, during] = await Promise.all([load({ ...base, job: 'flooder', variant: '', seed: 2 }), load({ ...base, job: 'others', variant: '', seed: 3 })]);
  mark('flood:end');
  console.log('  … the same flood against a server without the tarpit, 20 s');
  const noTarpit = { ...base, guardPort: ports[3]! };
  const [flood2, during2] = await Promise.all([load({ ...noTarpit, job: 'flooder', variant: 'NoTarpit', seed: 4 }), load({ ...noTarpit, job: 'others', variant: 'NoTarpit', seed: 5 })]);
  const result = { ...main, ...flood, ...during, ...flood2, ...during2 } as Record<string, ReturnType<typeof summary>>;
  clearTimeout(deadline);
  const cpu = process.cpuUsage(cpu0);
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
  const r = result;
  console.log(`\nnode ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`PostgreSQL, ${people.toLocaleString('en-US')} people; server and load generator on the same machine\n`);
  console.log(`hello-world (closed loop, ${values.connections} conn):  ${f(r.hello!.rps)} req/s, p50 ${f(r.hello!.p50)} ms, p99 ${f(r.hello!.p99)} ms`);
  console.log(`NIK check   (closed loop, ${values.connections} conn):  ${f(r.checkMax!.rps)} req/s, p50 ${f(r.checkMax!.p50)} ms, p99 ${f(r.checkMax!.p99)} ms  codes ${JSON.stringify(r.checkMax!.codes)}`);
  console.log(`  ratio check / hello-world: ${(r.checkMax!.rps / r.hello!.rps).toFixed(3)}`);
  for (const rate of rates) {
    const x = r[`checkRate${rate}`]!;
    console.log(`NIK check   (open loop ${rate}/s, ${values.seconds} s): ${f(x.okRps)} ok/s, p50 ${f(x.p50)} ms, p99 ${f(x.p99)} ms, max ${f(x.max)} ms  codes ${JSON.stringify(x.codes)}`);
  }
  console.log(`others alone (300/s, 600 clients):         p50 ${f(r.othersAlone!.p50)} ms, p99 ${f(r.othersAlone!.p99)} ms  codes ${JSON.stringify(r.othersAlone!.codes)}`);
  for (const v of ['', 'NoTarpit']) {
    const label = v ? ' (no tarpit)' : '';
    console.log(`flooder${label} (1 client, ${values.connections} conn): ${f(r[`flooder${v}`]!.rps)} req/s answered, codes ${JSON.stringify(r[`flooder${v}`]!.codes)}`);
    console.log(`others during flood${label} (300/s):  p50 ${f(r[`othersDuringFlood${v}`]!.p50)} ms, p99 ${f(r[`othersDuringFlood${v}`]!.p99)} ms  codes ${JSON.stringify(r[`othersDuringFlood${v}`]!.codes)}`);
  }
  await Promise.all(pgDone);
  const perReq = (phase: string, answered: number) => {
    const c = serverCpu[phase];
    if (!c) return '';
    return `${(c.cpuMs / answered).toFixed(3)} ms Node + ${(c.pgMs / answered).toFixed(3)} ms PostgreSQL CPU per request; Node busy ${(c.cpuMs / c.wallMs * 100).toFixed(0)} %, PostgreSQL ${(c.pgMs / c.wallMs * 100).toFixed(0)} % of a core`;
  };
  console.log('\nCPU (server side only):');
  console.log(`  hello-world         ${perReq('hello', r.hello!.sent)}`);
  console.log(`  NIK check, closed   ${perReq('checkMax', r.checkMax!.sent)}`);
  for (const rate of rates) console.log(`  NIK check, ${rate}/s ${perReq(`checkRate${rate}`, r[`checkRate${rate}`]!.sent)}`);
  console.log(`  flood + others      ${perReq('flood', r.flooder!.sent + r.othersDuringFlood!.sent)}`);
  console.log(`server process CPU in all: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
  for (const a of [open, guarded, hello, untarpitted]) await a.close();
  await ctx.close();
  process.exit(0);
}

if (values.load) {
  process.once('message', (cfg) => {
    runLoad(cfg as LoadConfig).then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
  });
} else {
  main().catch((err: unknown) => { console.error(err); process.exit(1); });
}
