/**
 * `tepat civil-registry-sim --port P --seed S [--families N] [--fault-rate R] …`
 * Runs the simulated civil registry until SIGINT/SIGTERM. Prints one JSON line when it
 * listens: {"url","people","events",…}, which the demo, tests and benchmark read.
 */
import { parseCommandArgs, UsageError, type Io } from '../../cli/args.js';
import { defaultReferenceDate } from '../../generate/options.js';
import { startCivilRegistrySim, type SimOptions } from './server.js';

export const SIM_USAGE = `Pemakaian: tepat civil-registry-sim --port P --seed S [opsi]
  --port P               port di 127.0.0.1 (0 = pilih bebas)
  --seed S               benih populasi, sama dengan tepat generate (bawaan 1)
  --families N           jumlah keluarga, sama dengan tepat generate (bawaan 1000)
  --regions KODE,...     kode kabupaten/kota, sama dengan tepat generate
  --reference-date D     tanggal acuan, sama dengan tepat generate (bawaan ${defaultReferenceDate})
  --fault-rate R         0–1: bagian permintaan yang gagal (5xx, 429, macet, sangat lambat); bawaan 0
  --latency-ms M         median latensi jawaban (bawaan 40)
  --per-record-ms M      latensi tambahan per orang dalam satu batch (bawaan 0.3)
  --rate-limit N         kuota permintaan per detik, lebih dari itu dijawab 429 (bawaan 200; 0 = tanpa kuota)
  --hang-ms M            lama permintaan "macet" ditahan sebelum koneksi diputus (bawaan 30000)
  --event-rate R         bagian penduduk dengan peristiwa di umpan (bawaan 0.03)
  --backlog N|all        peristiwa yang sudah terbit saat mulai (bawaan 10%)
  --event-interval-ms M  satu peristiwa baru terbit tiap M ms (bawaan 1000; 0 = semua sekaligus)
  --feed-start ISO       waktu mulai umpan; beri nilai yang sama saat simulator dijalankan ulang`;

function num(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} harus angka ${min}–${max}, tertulis "${raw}".\n\n${SIM_USAGE}`);
  return n;
}

export function parseSimArgs(argv: string[]): SimOptions {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, families: { type: 'string' }, regions: { type: 'string' },
    'reference-date': { type: 'string' }, 'fault-rate': { type: 'string' }, 'latency-ms': { type: 'string' }, 'per-record-ms': { type: 'string' },
    'rate-limit': { type: 'string' }, 'hang-ms': { type: 'string' }, 'event-rate': { type: 'string' }, backlog: { type: 'string' },
    'event-interval-ms': { type: 'string' }, 'feed-start': { type: 'string' }, help: { type: 'boolean', default: false },
  }, SIM_USAGE);
  if (values.help) throw new UsageError(SIM_USAGE);
  if (values.port === undefined) throw new UsageError(`--port wajib diisi.\n\n${SIM_USAGE}`);
  const host = values.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') throw new UsageError('Simulator hanya mendengarkan di loopback (127.0.0.1).');
  let feedStart: number | undefined;
  if (values['feed-start'] !== undefined) {
    feedStart = Date.parse(values['feed-start']);
    if (Number.isNaN(feedStart)) throw new UsageError(`--feed-start harus waktu ISO 8601.\n\n${SIM_USAGE}`);
  }
  const o: { -readonly [K in keyof SimOptions]: SimOptions[K] } = {
    port: num('--port', values.port, 0, 65535)!,
    host,
    seed: num('--seed', values.seed, 0, 0xffffffff) ?? 1,
    families: num('--families', values.families, 1, 20_000_000) ?? 1000,
  };
  if (values.regions) o.regions = values.regions.split(',').map((s) => s.trim()).filter(Boolean);
  if (values['reference-date']) o.referenceDate = values['reference-date'];
  const set = <K extends keyof SimOptions>(k: K, v: SimOptions[K] | undefined) => { if (v !== undefined) o[k] = v; };
  set('faultRate', num('--fault-rate', values['fault-rate'], 0, 1));
  set('latencyMs', num('--latency-ms', values['latency-ms'], 0, 60_000));
  set('perRecordMs', num('--per-record-ms', values['per-record-ms'], 0, 1000));
  set('rateLimit', num('--rate-limit', values['rate-limit'], 0, 1_000_000) ?? 200);
  set('hangMs', num('--hang-ms', values['hang-ms'], 0, 600_000));
  set('eventRate', num('--event-rate', values['event-rate'], 0, 1));
  set('backlog', values.backlog === 'all' ? Number.MAX_SAFE_INTEGER : num('--backlog', values.backlog, 0, Number.MAX_SAFE_INTEGER));
  set('eventIntervalMs', num('--event-interval-ms', values['event-interval-ms'], 0, 86_400_000));
  set('feedStart', feedStart);
  return o;
}

/**
 * @example await runCivilRegistrySimCommand(['--port', '4100', '--seed', '7'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function runCivilRegistrySimCommand(argv: string[], io: Io): Promise<number> {
  const opts = parseSimArgs(argv);
  const started = performance.now();
  const sim = await startCivilRegistrySim(opts);
  const c = sim.population.counts;
  io.stdout.write(JSON.stringify({
    url: sim.url, seed: opts.seed, families: c.families, people: c.registered, events: sim.population.events.length,
    discrepancies: { unknownNik: c.unknown_nik, name: c.name, birthDate: c.birth_date },
    faultRate: opts.faultRate ?? 0, startedInMs: Math.round(performance.now() - started),
  }) + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sim.close();
  return 0;
}
