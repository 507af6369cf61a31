/**
 * `tepat civil verify|sync|report|enqueue|worker`: the civil-registry flows from the
 * command line. Exit 0 when the work ran to the end, 1 when the civil registry did not
 * answer (the summary is still printed; nothing is lost, the rest waits for the next
 * run), 2 on bad usage.
 */
import type { AppContext } from '../platform/context.js';
import type { Actor } from '../platform/db.js';
import { levelOfCode } from '../regions/names.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { enqueueCivilJob, runCivilWorker } from './jobs.js';
import { civilReport } from './report.js';
import { syncCivilEvents, type SyncSummary } from './sync-events.js';
import { verifyPendingMembers, type VerifySummary } from './verify-members.js';
import { civilRegistryFor, type ClientTuning } from './wiring.js';

export const CIVIL_USAGE = `Pemakaian: tepat civil PERINTAH [opsi]
  verify [--region R] [--batch-size N] [--limit N] [--json] [--progress]
                 verifikasi NIK anggota yang belum/tidak lagi terverifikasi ke Dukcapil
  sync [--page-size N] [--max-events N] [--json] [--progress]
                 terapkan umpan peristiwa Dukcapil (kematian, pindah, perubahan KK, pembetulan, kelahiran)
  report [--region R] [--json]
                 rekap per wilayah: terverifikasi, tidak sesuai, tidak dikenal, meninggal, belum dicek
  enqueue verify|sync [--region R]
                 antrekan sebagai pekerjaan latar (tabel job)
  worker [--once] [--poll-ms N] [--sync-every-ms N]
                 jalankan pekerjaan civil.* yang antre
Opsi klien: --concurrency N (permintaan serentak), --timeout-ms N (per percobaan)
--progress: satu baris JSON per batch/halaman di stderr
Alamat layanan: CIVIL_REGISTRY_URL (mis. http://127.0.0.1:4100 dari tepat civil-registry-sim)`;

const CLIENT_OPTIONS = { concurrency: { type: 'string' }, 'timeout-ms': { type: 'string' } } as const;

function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} harus bilangan bulat ${min}–${max}.\n\n${CIVIL_USAGE}`);
  return n;
}

function region(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === 'ID') return raw;
  if (levelOfCode(raw) === undefined) throw new UsageError(`--region harus kode wilayah Kemendagri (mis. 32.01) atau ID.\n\n${CIVIL_USAGE}`);
  return raw;
}

function tuning(values: { concurrency?: string | undefined; 'timeout-ms'?: string | undefined }): ClientTuning {
  const t: { concurrency?: number; timeoutMs?: number } = {};
  const c = int('--concurrency', values.concurrency, 1, 256);
  const ms = int('--timeout-ms', values['timeout-ms'], 100, 120_000);
  if (c !== undefined) t.concurrency = c;
  if (ms !== undefined) t.timeoutMs = ms;
  return t;
}

function unavailableMessage(io: Io, reason: string | undefined): void {
  io.stderr.write(reason === 'not_configured'
    ? 'CIVIL_REGISTRY_URL belum diatur: tidak ada yang diverifikasi; pekerjaan menunggu.\n'
    : `Dukcapil tidak tersedia (${reason}); sisa pekerjaan menunggu dan dilanjutkan pada jalan berikutnya.\n`);
}

/**
 * @example await runCivilCommand(['sync', '--json'], io, ctx) // prints {"applied":…,"skipped":…}
 */
export async function runCivilCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const [sub, ...rest] = argv;
  const system = (scope = 'ID'): Actor => ({ id: 'cli', role: 'pusat', scope, channel: 'cli' });
  switch (sub) {
    case 'verify': {
      const { values } = parseCommandArgs(rest, {
        region: { type: 'string' }, 'batch-size': { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false }, ...CLIENT_OPTIONS,
      }, CIVIL_USAGE);
      const r = region(values.region);
      const registry = civilRegistryFor(ctx.config, tuning(values));
      try {
        const batchSize = int('--batch-size', values['batch-size'], 1, 10_000);
        const limit = int('--limit', values.limit, 1, Number.MAX_SAFE_INTEGER);
        const s = await verifyPendingMembers({ db: ctx.db, keyring: ctx.keyring, registry }, system(r ?? 'ID'), {
          region: r, ...(batchSize ? { batchSize } : {}), ...(limit ? { limit } : {}),
          ...(values.progress ? { onBatch: (p: VerifySummary) => { io.stderr.write(JSON.stringify({ checked: p.checked, deferred: p.deferred, lastMemberId: p.lastMemberId }) + '\n'); } } : {}),
        });
        const { lastMemberId: _last, ...shown } = s;
        if (values.json) io.stdout.write(JSON.stringify(shown) + '\n');
        else io.stdout.write(`Diperiksa ${s.checked}: terverifikasi ${s.verified}, tidak sesuai ${s.mismatched}, tidak dikenal ${s.notFound}, meninggal ${s.deceased} (${s.markedDeceased} baru ditandai); ditunda ${s.deferred}.\n`);
        if (s.registryUnavailable) unavailableMessage(io, s.reason);
        return s.registryUnavailable ? 1 : 0;
      } finally {
        registry.close?.();
      }
    }
    case 'sync': {
      const { values } = parseCommandArgs(rest, {
        'page-size': { type: 'string' }, 'max-events': { type: 'string' }, json: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false }, ...CLIENT_OPTIONS,
      }, CIVIL_USAGE);
      const registry = civilRegistryFor(ctx.config, tuning(values));
      try {
        const pageSize = int('--page-size', values['page-size'], 1, 1000);
        const maxEvents = int('--max-events', values['max-events'], 1, Number.MAX_SAFE_INTEGER);
        const s = await syncCivilEvents({ db: ctx.db, keyring: ctx.keyring, registry }, system(), {
          ...(pageSize ? { pageSize } : {}), ...(maxEvents ? { maxEvents } : {}),
          ...(values.progress ? { onPage: (p: SyncSummary) => { io.stderr.write(JSON.stringify({ page: p.pages, cursor: p.cursor, applied: p.applied, skipped: p.skipped }) + '\n'); } } : {}),
        });
        if (values.json) io.stdout.write(JSON.stringify(s) + '\n');
        else io.stdout.write(`Peristiwa: ${s.applied} diterapkan (${s.deaths} kematian, ${s.proposals} usulan), ${s.skipped} dilewati, ${s.duplicates} sudah pernah, ${s.unreadable} tidak terbaca; kursor ${s.cursor}.\n`);
        if (s.registryUnavailable) unavailableMessage(io, s.reason);
        return s.registryUnavailable ? 1 : 0;
      } finally {
        registry.close?.();
      }
    }
    case 'report': {
      const { values } = parseCommandArgs(rest, { region: { type: 'string' }, json: { type: 'boolean', default: false } }, CIVIL_USAGE);
      const r = region(values.region) ?? 'ID';
      const report = await ctx.db.transaction((tx) => civilReport(tx, r), system(r));
      if (values.json) {
        io.stdout.write(JSON.stringify(report) + '\n');
        return 0;
      }
      io.stdout.write('kode\tnama\tanggota\tterverifikasi\ttidak_sesuai\ttidak_dikenal\tmeninggal\tbelum_dicek\ttanpa_nik\tkasus_terbuka\n');
      for (const x of [...report.rows, { code: 'TOTAL', name: '', ...report.total }]) {
        io.stdout.write([x.code, x.name ?? '', x.members, x.verified, x.mismatched, x.unknown, x.deceased, x.notChecked, x.withoutNik, x.openCases].join('\t') + '\n');
      }
      return 0;
    }
    case 'enqueue': {
      const { values, positionals } = parseCommandArgs(rest, { region: { type: 'string' }, json: { type: 'boolean', default: false } }, CIVIL_USAGE);
      const what = positionals[0];
      if (what !== 'verify' && what !== 'sync') throw new UsageError(`Sebutkan verify atau sync.\n\n${CIVIL_USAGE}`);
      const r = region(values.region);
      const id = await enqueueCivilJob(ctx.db, system(r ?? 'ID'), what === 'verify' ? 'civil.verify' : 'civil.sync',
        what === 'verify' ? { scope: r ?? 'ID', ...(r ? { region: r } : {}) } : { scope: 'ID' });
      io.stdout.write(values.json ? JSON.stringify({ jobId: id }) + '\n' : `Pekerjaan ${id} diantrekan.\n`);
      return 0;
    }
    case 'worker': {
      const { values } = parseCommandArgs(rest, {
        once: { type: 'boolean', default: false }, 'poll-ms': { type: 'string' }, 'sync-every-ms': { type: 'string' }, ...CLIENT_OPTIONS,
      }, CIVIL_USAGE);
      const registry = civilRegistryFor(ctx.config, tuning(values));
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const pollMs = int('--poll-ms', values['poll-ms'], 10, 3_600_000);
        const syncEveryMs = int('--sync-every-ms', values['sync-every-ms'], 0, 86_400_000);
        await runCivilWorker({ db: ctx.db, keyring: ctx.keyring, registry }, {
          signal: ac.signal, once: values.once, ...(pollMs ? { pollMs } : {}), ...(syncEveryMs ? { syncEveryMs } : {}),
          onRun: (run) => io.stdout.write(JSON.stringify(run) + '\n'),
        });
        return 0;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        registry.close?.();
      }
    }
    default:
      throw new UsageError(sub ? `Perintah civil tidak dikenal: ${sub}\n\n${CIVIL_USAGE}` : CIVIL_USAGE);
  }
}
