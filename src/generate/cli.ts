/**
 * `tepat generate`: synthetic families for demos, tests and benchmarks.
 * Thin edge over `generateFiles`: parses arguments, prints a summary.
 */
import { parseArgs } from 'node:util';
import { defaultReferenceDate } from './options.js';
import { defaultRegencies } from './regions.js';
import { checkFileOptions, generateFiles, type GenerateFilesOptions, type GenerateSummary } from './write-files.js';

export interface GenerateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const generateUsage = `Pemakaian / usage: tepat generate --out DIR [opsi]

  --out DIR              folder keluaran (wajib) / output folder (required)
  --families N           jumlah keluarga / number of families (bawaan/default 1000)
  --seed S               benih acak, bilangan bulat / random seed, integer (bawaan/default 1)
  --regions KODE,...     kode kabupaten/kota / regency codes (bawaan/default ${defaultRegencies.join(',')})
  --duplicate-rate R     0–1: rekaman duplikat tambahan per anggota / extra duplicate records per member (bawaan/default 0)
  --error-rate R         0–1: baris dengan kerusakan ketik/Excel / rows with typing or Excel damage (bawaan/default 0)
  --reference-date D     tanggal acuan umur / date ages are computed on, YYYY-MM-DD (bawaan/default ${defaultReferenceDate})
  --json                 cetak ringkasan JSON / print a JSON summary
  --help                 bantuan ini / this help

Berkas / files: families.csv, members.csv (format impor / import format), truth.csv;
duplicates.csv + lookalikes.csv bila / when --duplicate-rate > 0; errors.csv bila / when --error-rate > 0.`;

class UsageProblem extends Error {}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const s = raw.replace(/_/g, '');
  if (!/^\d+$/.test(s)) throw new UsageProblem(`${name} harus bilangan bulat, tertulis "${raw}" / ${name} must be an integer, got "${raw}"`);
  return Number(s);
}

function rate(name: string, raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(raw)) throw new UsageProblem(`${name} harus angka 0–1, tertulis "${raw}" / ${name} must be a number from 0 to 1, got "${raw}"`);
  return Number(raw);
}

/** Parses argv into options, or throws UsageProblem with a bilingual message. */
export function parseGenerateArgs(argv: string[]): GenerateFilesOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        families: { type: 'string' },
        seed: { type: 'string' },
        regions: { type: 'string' },
        'duplicate-rate': { type: 'string' },
        'error-rate': { type: 'string' },
        'reference-date': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageProblem(`argumen tidak dikenal atau tidak lengkap / unknown or incomplete argument: ${(err as Error).message}`);
  }
  if (values.help) return 'help';
  if (values.out === undefined || values.out.trim() === '') throw new UsageProblem('--out DIR wajib diisi / --out DIR is required');
  const options: GenerateFilesOptions = {
    out: values.out,
    families: integer('--families', values.families, 1000),
    seed: integer('--seed', values.seed, 1),
    regions: values.regions === undefined ? undefined : values.regions.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    duplicateRate: rate('--duplicate-rate', values['duplicate-rate']),
    errorRate: rate('--error-rate', values['error-rate']),
    referenceDate: values['reference-date'],
  };
  const problems = checkFileOptions(options);
  if (problems.length > 0) throw new UsageProblem(problems.join('\n'));
  return options;
}

function formatNumber(n: number): string {
  return n.toLocaleString('id-ID');
}

function describe(s: GenerateSummary): string {
  const lines = [
    `${formatNumber(s.families)} keluarga, ${formatNumber(s.members)} anggota ditulis ke ${s.out} (${s.seconds.toFixed(1).replace('.', ',')} detik)`,
    `  miskin / poor: ${formatNumber(s.poorFamilies)} keluarga (${((100 * s.poorFamilies) / Math.max(1, s.families)).toFixed(1).replace('.', ',')}%), menerima program / receiving programs: ${formatNumber(s.familiesReceivingPrograms)}`,
  ];
  if (s.duplicateMembers > 0 || s.files.includes('duplicates.csv')) {
    lines.push(`  duplikat / duplicates: ${formatNumber(s.duplicateMembers)} anggota, ${formatNumber(s.duplicateFamilies)} kartu keluarga tambahan; mirip tapi bukan duplikat / lookalikes: ${formatNumber(s.lookalikePairs)} pasang`);
  }
  if (s.files.includes('errors.csv')) {
    lines.push(`  baris rusak / damaged rows: ${formatNumber(s.damagedFamilyRows)} keluarga, ${formatNumber(s.damagedMemberRows)} anggota`);
  }
  lines.push(`  berkas / files: ${s.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `tepat generate`. Exit codes: 0 done, 1 could not write the files, 2 bad usage.
 * @example await runGenerateCommand(['--families', '100', '--out', 'demo'], { stdout: process.stdout, stderr: process.stderr })
 */
export async function runGenerateCommand(argv: string[], io: GenerateIo): Promise<number> {
  let options: GenerateFilesOptions | 'help';
  try {
    options = parseGenerateArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageProblem)) throw err;
    io.stderr.write(`Galat / error: ${err.message}\n\n${generateUsage}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(`${generateUsage}\n`);
    return 0;
  }
  const json = argv.includes('--json');
  let summary: GenerateSummary;
  try {
    summary = await generateFiles(options);
  } catch (err) {
    io.stderr.write(`Gagal menulis data sintetis / could not write synthetic data: ${(err as Error).message}\n`);
    return 1;
  }
  io.stdout.write(json ? `${JSON.stringify(summary)}\n` : describe(summary));
  return 0;
}
