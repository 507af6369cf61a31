#!/usr/bin/env node
/**
 * The `tepat` command: thin dispatch over feature functions. Exit codes: 0 done,
 * 1 could not run (unreadable file, database unreachable…), 2 bad usage.
 */
import { loadConfig, ConfigError } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { openContext, type AppContext } from '../platform/context.js';
import { UsageError, type Io } from './args.js';

const HELP = `Tepat — registri penerima bantuan sosial

Pemakaian: tepat PERINTAH [opsi]

  serve [--port P] [--demo]     jalankan server (API, portal, konsol); --demo memuat data contoh
  migrate                       terapkan migrasi basis data
  import BERKAS...              impor berkas keluarga/anggota (CSV/XLSX)
  user add|list|disable         kelola akun petugas (peran dan wilayah)
  identity run [--region R]     cari duplikat di registri (antrean tinjauan, gabung/batal gabung)
  pmt load-survey|fit|rank      model kesejahteraan (PMT) dan desil
  eligibility run [--program P] tentukan kelayakan program (PKH, BPNT, BLT-DD, PBI-JK, PIP)
  civil verify|sync|report      verifikasi NIK ke Dukcapil dan ikuti peristiwa (CIVIL_REGISTRY_URL)
  dashboard rebuild|fold        hitung ulang rekap dasbor / terapkan perubahan yang antre
  civil-registry-sim --port P   simulator Dukcapil untuk demo dan uji
  keys rotate                   kunci enkripsi baru dan enkripsi ulang semua nilai (bertahap)
  audit verify|anchor           periksa rantai jejak audit / cetak kepala untuk dipublikasikan
  templates --out DIR           tulis templat impor (CSV dan XLSX)
  generate --families N ...     buat data sintetis dalam format impor
  dedup INPUT.csv --out X.csv   cari duplikat dalam daftar (tanpa basis data)

Basis data: PGlite tertanam di ./data (TEPAT_DATA_DIR), atau PostgreSQL lewat DATABASE_URL.
Bantuan per perintah: tepat PERINTAH --help`;

type Command = (argv: string[], io: Io) => Promise<number>;

async function withContext(fn: (ctx: AppContext) => Promise<number>): Promise<number> {
  const ctx = await openContext(loadConfig(process.env));
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

const commands: Record<string, Command> = {
  async migrate(_argv, io) {
    return withContext(async () => {
      io.stdout.write('Migrasi selesai.\n');
      return 0;
    });
  },
  async import(argv, io) {
    const { runImportCommand } = await import('../registry/import/cli.js');
    return withContext((ctx) => runImportCommand(argv, io, ctx));
  },
  async audit(argv, io) {
    const { runAuditCommand } = await import('../platform/audit-cli.js');
    return withContext((ctx) => runAuditCommand(argv, io, ctx));
  },
  async civil(argv, io) {
    const { runCivilCommand } = await import('../civil/cli.js');
    return withContext((ctx) => runCivilCommand(argv, io, ctx));
  },
  async dashboard(argv, io) {
    const { runDashboardCommand } = await import('../dashboard/cli.js');
    return withContext((ctx) => runDashboardCommand(argv, io, ctx));
  },
  async 'civil-registry-sim'(argv, io) {
    const { runCivilRegistrySimCommand } = await import('../civil/sim/cli.js');
    return runCivilRegistrySimCommand(argv, io);
  },
  async identity(argv, io) {
    const { runIdentityCommand } = await import('../identity/cli.js');
    return withContext((ctx) => runIdentityCommand(argv, io, ctx));
  },
  async eligibility(argv, io) {
    const { runEligibilityCommand } = await import('../eligibility/cli.js');
    return withContext((ctx) => runEligibilityCommand(argv, io, ctx));
  },
  async pmt(argv, io) {
    const { runPmtCommand } = await import('../eligibility/cli.js');
    return withContext((ctx) => runPmtCommand(argv, io, ctx));
  },
  async keys(argv, io) {
    const { runKeysCommand } = await import('../platform/keys-cli.js');
    return withContext((ctx) => runKeysCommand(argv, io, ctx));
  },
  async user(argv, io) {
    const { runUserCommand } = await import('../auth/cli.js');
    return withContext((ctx) => runUserCommand(argv, io, ctx));
  },
  async templates(argv, io) {
    const { parseCommandArgs } = await import('./args.js');
    const { values } = parseCommandArgs(argv, { out: { type: 'string' }, docs: { type: 'boolean', default: false } },
      'Pemakaian: tepat templates --out DIR   (templat impor CSV/XLSX)\n       tepat templates --docs      (tulis ulang docs/import-format.md)');
    const { writeTemplates, importFormatMarkdown } = await import('../registry/templates.js');
    if (values.docs) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile('docs/import-format.md', importFormatMarkdown());
      io.stdout.write('docs/import-format.md ditulis.\n');
    }
    if (values.out) {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(values.out, { recursive: true });
      for (const f of await writeTemplates(values.out)) io.stdout.write(`${f}\n`);
    }
    if (!values.docs && !values.out) throw new UsageError('Sebutkan --out DIR atau --docs.');
    return 0;
  },
  async serve(argv, io) {
    const { runServeCommand } = await import('../server/serve.js');
    return runServeCommand(argv, io);
  },
  async generate(argv, io) {
    const { runGenerateCommand } = await import('../generate/cli.js');
    return runGenerateCommand(argv, io);
  },
  async dedup(argv, io) {
    const { runDedupCommand } = await import('../dedup/cli.js');
    return runDedupCommand(argv, io);
  },
};

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`Perintah tidak dikenal: ${name}\n\n${HELP}\n`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof AppError || err instanceof ConfigError) {
      io.stderr.write(`Gagal: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`Gagal: ${(err as Error).message}\n`);
    if (process.env.TEPAT_DEBUG) io.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && /main\.(?:ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exitCode = 1; },
  );
}
