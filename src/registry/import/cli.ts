/**
 * `tepat import FILE... [--errors FILE] [--json] [--batch-size N] [--region CODE]`
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
import { importFile, orderImportFiles, rejectReport, type FileSummary } from './import-file.js';

export const IMPORT_USAGE = `Pemakaian: tepat import BERKAS... [--errors LAPORAN.csv] [--json] [--batch-size N] [--region KODE]
  BERKAS     berkas keluarga dan/atau anggota (.csv atau .xlsx); berkas keluarga diimpor lebih dulu
  --errors   tulis baris yang ditolak (berkas, baris, kolom, alasan) ke CSV ini
  --json     cetak ringkasan JSON: {"files":[{"file","rows","imported","unchanged","rejected"}]}
  --region   batasi impor ke wilayah ini (kode Kemendagri); bawaan: nasional`;

export async function runImportCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    errors: { type: 'string' },
    json: { type: 'boolean', default: false },
    'batch-size': { type: 'string' },
    region: { type: 'string' },
  }, IMPORT_USAGE);
  if (positionals.length === 0) throw new UsageError(`Sebutkan berkas yang akan diimpor.\n\n${IMPORT_USAGE}`);
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
    throw new UsageError('--batch-size harus bilangan bulat 1–100000.');
  }
  const actor: Actor = { id: 'cli', role: 'pusat', scope: values.region ?? 'ID', channel: 'cli' };
  const files = await orderImportFiles(positionals);
  const summaries: FileSummary[] = [];
  const stderr = io.stderr as NodeJS.WriteStream;
  for (const { path } of files) {
    const bar = progressBar(stderr);
    const summary = await importFile({ db: ctx.db, keyring: ctx.keyring, actor }, path, {
      ...(batchSize ? { batchSize } : {}),
      onProgress: (p) => bar.update({ done: p.rowsDone, fraction: p.bytesRead / Math.max(p.bytesTotal, 1), label: p.file }),
    });
    bar.finish();
    summaries.push(summary);
    if (!values.json) {
      io.stdout.write(`${summary.file}: ${summary.rows} baris, ${summary.imported} diimpor (${summary.inserted} baru, ${summary.updated} diperbarui), ${summary.unchanged} tidak berubah, ${summary.rejected} ditolak\n`);
    }
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
