/**
 * Audit hash-chain throughput on one core.
 *
 *   npx tsx bench/audit-chain.ts [records]      (default 1,000,000)
 *
 * Seals N synthetic records (realistic field sizes, masked JSON changes), then
 * verifies them from an array, from an async generator (record by record and
 * in pages of 1,000, the shape of a database cursor) and with hex-text hashes. Target: ≥ 500,000 records/s verified.
 */
import { cpus } from 'node:os';
import { genesisPrevHash, sealAuditRecord, verifyChain, type AuditRecord } from '../src/platform/audit-chain.js';

const total = Number(process.argv[2] ?? 1_000_000);
const actions = ['household.update', 'person.create', 'proposal.approve', 'payment.reconcile', 'sanggah.resolve'];
const base = Date.UTC(2025, 0, 1);

let cpuStart = process.cpuUsage();
let start = 0;
function begin(): void {
  cpuStart = process.cpuUsage();
  start = performance.now();
}
/** Wall-clock rate, and the rate per CPU-second (meaningful on a shared, busy machine). */
function rate(n: number): string {
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
  return `${fmt(n / wall)} records/s wall (${wall.toFixed(2)} s), ${fmt(n / cpuSeconds)} records/CPU-s`;
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${total.toLocaleString('en-US')} records\n`);

begin();
const records: AuditRecord[] = new Array(total);
let prev: Buffer = genesisPrevHash();
for (let i = 0; i < total; i++) {
  const seq = i + 1;
  const record = sealAuditRecord(prev, {
    seq: BigInt(seq),
    occurredAt: new Date(base + seq * 37).toISOString(),
    actor: `u-${seq % 1500}`,
    role: seq % 3 === 0 ? 'operator_dinsos' : 'operator_desa',
    region: `32.01.${String(1 + (seq % 40)).padStart(2, '0')}.2001`,
    channel: seq % 5 === 0 ? 'api' : 'web',
    action: actions[seq % actions.length]!,
    entityType: 'household',
    entityId: `0190f3a2-7c4e-7d11-9b2a-${String(seq).padStart(12, '0')}`,
    changes: `{"phone":["*********890","*********${String(seq % 1000).padStart(3, '0')}"],"desil":[3,${1 + (seq % 4)}],"status":["verval","ditetapkan"]}`,
    requestId: `req-${seq.toString(36)}`,
  });
  records[i] = record;
  prev = record.hash;
}
console.log(`seal (build + hash)              ${rate(total)}`);

begin();
const fromArray = await verifyChain(records, { startSeq: 1n });
console.log(`verify, array                    ${rate(total)}  ok=${fromArray.ok}`);

async function* cursor(batch = 1000): AsyncGenerator<AuditRecord> {
  for (let i = 0; i < total; i += batch) {
    await Promise.resolve(); // one await per fetched page, like a cursor
    for (let j = i; j < Math.min(i + batch, total); j++) yield records[j]!;
  }
}
begin();
const fromCursor = await verifyChain(cursor(), { startSeq: 1n });
console.log(`verify, async, record by record ${rate(total)}  ok=${fromCursor.ok}`);

async function* pages(batch = 1000): AsyncGenerator<AuditRecord[]> {
  for (let i = 0; i < total; i += batch) {
    await Promise.resolve();
    yield records.slice(i, i + batch);
  }
}
begin();
const fromPages = await verifyChain(pages(), { startSeq: 1n });
console.log(`verify, async, pages of 1,000  ${rate(total)}  ok=${fromPages.ok}`);

// As a row mapper would build them (an explicit literal, hashes as hex text).
const hexRecords: AuditRecord[] = records.slice(0, Math.min(total, 200_000)).map((r) => ({
  seq: r.seq,
  occurredAt: r.occurredAt,
  actor: r.actor,
  role: r.role,
  region: r.region,
  channel: r.channel,
  action: r.action,
  entityType: r.entityType,
  entityId: r.entityId,
  changes: r.changes,
  requestId: r.requestId,
  prevHash: (r.prevHash as Buffer).toString('hex'),
  hash: (r.hash as Buffer).toString('hex'),
}));
begin();
const fromHex = await verifyChain(hexRecords, { startSeq: 1n });
console.log(`verify, array, hex hashes        ${rate(hexRecords.length)}  ok=${fromHex.ok}`);

const mid = Math.floor(total / 2);
records[mid] = { ...records[mid]!, changes: '{"phone":["*********890","*********000"]}' };
const broken = await verifyChain(records, { startSeq: 1n });
console.log(`\ntamper check: ${JSON.stringify(broken, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
