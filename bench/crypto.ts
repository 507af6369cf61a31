/**
 * Throughput of field encryption and blind indexes on one thread.
 *
 *   npx tsx bench/crypto.ts [iterations]
 *
 * Prints ops/s per operation and the resulting rows/s for an import row that
 * encrypts NIK + phone + address and indexes NIK + phone.
 */
import { cpus } from 'node:os';
import { BlindIndex, FieldCipher, generateKey } from '../src/platform/crypto.js';

const iterations = Number(process.argv[2] ?? 300_000);
const cipher = new FieldCipher([[1, generateKey()]], 1);
const index = new BlindIndex(generateKey());

const nik = Array.from({ length: 1024 }, (_, i) => `3201011503${String(900001 + i).padStart(6, '0')}`);
const phone = Array.from({ length: 1024 }, (_, i) => `62812${String(10_000_000 + i)}`);
const address = Array.from({ length: 1024 }, (_, i) => `Jl. Raya Cibinong No. ${i}, RT 003 RW 00${i % 9}, Desa Sukamaju`);
const encNik = nik.map((v) => cipher.encrypt(v, 'person.nik'));
// PGlite hands bytea back as Uint8Array, not Buffer.
const encNikU8 = encNik.map((b) => new Uint8Array(b));

let sink = 0;
function measure(name: string, fn: (i: number) => number): number {
  for (let i = 0; i < 20_000; i++) sink += fn(i & 1023); // warm-up
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += fn(i & 1023);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
  // Per CPU-second is the steadier figure on a shared machine.
  console.log(`${name.padEnd(38)} ${fmt(iterations / seconds)} ops/s wall ${fmt(iterations / cpuSeconds)} ops/CPU-s  ${((cpuSeconds / iterations) * 1e6).toFixed(2)} µs CPU/op`);
  return iterations / cpuSeconds;
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${iterations.toLocaleString('en-US')} iterations\n`);
measure('encrypt NIK (16 B, with context)', (i) => cipher.encrypt(nik[i]!, 'person.nik').length);
measure('encrypt phone (13 B)', (i) => cipher.encrypt(phone[i]!).length);
measure('encrypt address (~60 B)', (i) => cipher.encrypt(address[i]!).length);
measure('decrypt NIK (Buffer)', (i) => cipher.decrypt(encNik[i]!, 'person.nik').length);
measure('decrypt NIK (Uint8Array)', (i) => cipher.decrypt(encNikU8[i]!, 'person.nik').length);
measure('blind index NIK', (i) => index.compute('nik', nik[i]!).length);
measure('blind index phone', (i) => index.compute('phone', phone[i]!).length);
const rows = measure('import row: 3 encrypt + 2 blind index', (i) =>
  cipher.encrypt(nik[i]!, 'person.nik').length +
  cipher.encrypt(phone[i]!, 'person.phone').length +
  cipher.encrypt(address[i]!, 'household.address').length +
  index.compute('nik', nik[i]!).length +
  index.compute('phone', phone[i]!).length,
);
console.log(`\n=> ${Math.round(rows).toLocaleString('en-US')} rows per CPU-second of crypto work per thread (checksum ${sink % 10})`);
