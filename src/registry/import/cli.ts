/**
 * `tepat import FILE... [--errors FILE] [--json] [--batch-size N] [--region CODE] [--cek-duplikat | --tanpa-cek-duplikat]`
 * After each members file, its inserted and changed members are checked against the
 * registry for duplicates (src/identity/check-import.ts) unless the file changed more
 * than 50,000 members (then `tepat identity run` per regency is the efficient way).
 * Exit 0 when the import ran (even with rejected rows), 1 when it could not, 2 on bad usage.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import type { AppContext } from '../../platform/context.js';
import type { Actor } from '../../platform/db.js';
import { csvLine } from '../../platform/csv.js';
import { progressBar } from '../../platform/progress.js';
import { parseCommandArgs, UsageError, type Io } from '../../cli/args.js';
import { checkAfterImport, IMPORT_CHECK_MAX_PEOPLE, type ImportCheckOutcome } from '../../identity/check-import.js';
import { importFile, orderImportFiles, rejectReport, type FileSummary } from './import-file.js';

const nf = new Intl.NumberFormat('id-ID');

export const IMPORT_USAGE = `Pemakaian: tepat import BERKAS... [--errors LAPORAN.csv] [--json] [--batch-size N] [--region KODE]
                    [--cek-duplikat | --tanpa-cek-duplikat]
  BERKAS     berkas keluarga dan/atau anggota (.csv atau .xlsx); berkas keluarga diimpor lebih dulu
  --errors   tulis baris yang ditolak (berkas, baris, kolom, alasan) ke CSV ini
  --json     cetak ringkasan JSON: {"files":[{"file","rows","imported","unchanged","rejected",
             "identityCheck"}]} (identityCheck hanya untuk berkas anggota)
  --region   batasi impor ke wilayah ini (kode Kemendagri); bawaan: nasional
  --cek-duplikat        selalu periksa duplikat anggota yang baru/berubah setelah impor
  --tanpa-cek-duplikat  jangan periksa duplikat setelah impor
             bawaan: diperiksa bila berkas anggota menambah/mengubah paling banyak
             ${nf.format(IMPORT_CHECK_MAX_PEOPLE)} orang; di atas itu jalankan \`tepat identity run --region KODE\``;

export interface ImportCommandOptions {
  /** Changed members above which the check is skipped by default (tests lower it). */
  readonly checkMaxPeople?: number;
}

function checkLine(outcome: ImportCheckOutcome, changed: number, max: number): string {
  if ('skipped' in outcome) {
    return outcome.skipped === 'disabled'
      ? '  cek duplikat tidak dijalankan (--tanpa-cek-duplikat).\n'
      : `  cek duplikat dilewati: ${nf.format(changed)} anggota baru/berubah (lebih dari ${nf.format(max)}). Untuk muatan besar, ` +
        `pekerjaan per kabupaten/kota \`tepat identity run --region KODE\` adalah cara yang efisien; ` +
        'atau paksa pemeriksaan dengan --cek-duplikat.\n';
  }
  const model = outcome.modelId === null ? '; belum ada model pencocokan, jalankan `tepat identity run` sekali agar pasangan dinilai' : '';
  return `  cek duplikat${outcome.resumed ? ' (dilanjutkan)' : ''}: ${outcome.checked} orang diperiksa, ${outcome.pairs} pasangan ` +
    `(${outcome.autoAccepted} ditautkan otomatis, ${outcome.pending} menunggu tinjauan)${model}\n`;
}

export async function runImportCommand(argv: string[], io: Io, ctx: Pick<AppContext, 'db' | 'keyring'>, opts: ImportCommandOptions = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    errors: { type: 'string' },
    json: { type: 'boolean', default: false },
    'batch-size': { type: 'string' },
    region: { type: 'string' },
    'cek-duplikat': { type: 'boolean', default: false },
    'tanpa-cek-duplikat': { type: 'boolean', default: false },
  }, IMPORT_USAGE);
  if (values['cek-duplikat'] && values['tanpa-cek-duplikat']) {
    throw new UsageError(`Pilih salah satu: --cek-duplikat atau --tanpa-cek-duplikat.\n\n${IMPORT_USAGE}`);
  }
  const checkMax = opts.checkMaxPeople ?? IMPORT_CHECK_MAX_PEOPLE;
  if (positionals.length === 0) throw new UsageError(`Sebutkan berkas yang akan diimpor.\n\n${IMPORT_USAGE}`);
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
    throw new UsageError('--batch-size harus bilangan bulat 1–100000.');
  }
  const actor: Actor = { id: 'cli', role: 'pusat', scope: values.region ?? 'ID', channel: 'cli' };
  const files = await orderImportFiles(positionals);
  const summaries: Array<FileSummary & { identityCheck?: ImportCheckOutcome }> = [];
  const stderr = io.stderr as NodeJS.WriteStream;
  for (const { path } of files) {
    const bar = progressBar(stderr);
    const summary = await importFile({ db: ctx.db, keyring: ctx.keyring, actor }, path, {
      ...(batchSize ? { batchSize } : {}),
      onProgress: (p) => bar.update({ done: p.rowsDone, fraction: p.bytesRead / Math.max(p.bytesTotal, 1), label: p.file }),
    });
    bar.finish();
    if (!values.json) {
      io.stdout.write(`${summary.file}: ${summary.rows} baris, ${summary.imported} diimpor (${summary.inserted} baru, ${summary.updated} diperbarui), ${summary.unchanged} tidak berubah, ${summary.rejected} ditolak\n`);
    }
    if (summary.kind !== 'members') {
      summaries.push(summary);
      continue;
    }
    const checkBar = progressBar(stderr, 'orang');
    const identityCheck = await checkAfterImport({ db: ctx.db, keyring: ctx.keyring, actor }, summary, {
      force: values['cek-duplikat'], never: values['tanpa-cek-duplikat'], max: checkMax,
      onProgress: (p) => checkBar.update({ done: p.done, fraction: p.done / Math.max(p.total, 1), label: `${summary.file} cek duplikat` }),
    });
    checkBar.finish();
    summaries.push({ ...summary, identityCheck });
    const line = checkLine(identityCheck, summary.imported, checkMax);
    // Under --json stdout carries only the JSON; the advice still reaches the operator.
    if (!values.json) io.stdout.write(line);
    else if ('skipped' in identityCheck && identityCheck.skipped === 'too_many') io.stderr.write(line.trimStart());
  }
  if (values.errors) {
    const tmp = `${values.errors}.tmp-${process.pid}`;
    const out = createWriteStream(tmp);
    out.write('\uFEFF' + csvLine(['berkas', 'baris', 'kolom', 'kode', 'alasan', 'nilai']));
    for (const s of summaries) {
      for (const r of await rejectReport(ctx.db, actor, s.importId, s.file)) {
        if (!out.write(csvLine([r.file, r.row, r.column, r.code, r.message, r.value]))) await once(out, 'drain');
      }
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, values.errors);
  }
  if (values.json) {
    io.stdout.write(JSON.stringify({ files: summaries.map(({ importId: _id, ...s }) => s) }) + '\n');
  }
  return 0;
}
