/**
 * `tepat identity run [--region KODE] [--estimate] [--batch-size N] [--json]`:
 * deduplicates the registry (or one region) as a durable job; a run that was killed is
 * taken up where it stopped by running the command again.
 * Exit 0 done, 1 could not run (e.g. already running elsewhere), 2 bad usage.
 */
import type { AppContext } from '../platform/context.js';
import type { Actor } from '../platform/db.js';
import { progressBar, type ProgressBar } from '../platform/progress.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { runIdentityJob, type IdentityProgress } from './run-identity-job.js';

export const IDENTITY_USAGE = `Pemakaian: tepat identity run [--region KODE] [--estimate] [--batch-size N] [--json]
  run           cari duplikat orang di seluruh registri (atau satu wilayah); pekerjaan yang
                terputus dilanjutkan dari batch terakhir yang tersimpan
  --region      batasi ke wilayah ini (kode Kemendagri); bawaan: nasional
  --estimate    perkirakan ulang model pencocokan dari data (bawaan: pakai model tersimpan terakhir)
  --batch-size  orang per batch yang disimpan (bawaan 5000)
  --json        cetak ringkasan JSON di stdout`;

const PHASE_LABEL: Record<IdentityProgress['phase'], string> = {
  read: 'membaca', keys: 'kunci blok', score: 'menilai', pairs: 'pasangan',
};

/** @example process.exitCode = await runIdentityCommand(['run', '--region', '32.01'], io, ctx); */
export async function runIdentityCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    region: { type: 'string' },
    estimate: { type: 'boolean', default: false },
    'batch-size': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, IDENTITY_USAGE);
  if (values.help) {
    io.stdout.write(`${IDENTITY_USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'run' || positionals.length > 1) throw new UsageError(IDENTITY_USAGE);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
    throw new UsageError('--batch-size harus bilangan bulat 1–100000.');
  }
  if (values.region !== undefined && !/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/.test(values.region)) {
    throw new UsageError(`--region harus kode wilayah Kemendagri (mis. 32.01) atau ID, bukan "${values.region}".`);
  }
  const actor: Actor = { id: 'cli', role: 'pusat', scope: 'ID', channel: 'cli' };
  const stderr = io.stderr as NodeJS.WriteStream;
  const tty = stderr.isTTY === true;
  let bar: ProgressBar | undefined;
  let phase: IdentityProgress['phase'] | undefined;
  let announced = false;
  const onProgress = (p: IdentityProgress) => {
    if (!announced) {
      announced = true;
      stderr.write(`identitas: pekerjaan #${p.jobId}${p.resumed ? ' dilanjutkan dari batch terakhir yang tersimpan' : ' dimulai'}\n`);
    }
    if (p.phase !== phase) {
      bar?.finish();
      phase = p.phase;
      bar = progressBar(stderr, 'orang');
    }
    bar?.update({ done: p.done, fraction: p.total > 0 ? p.done / p.total : 0, label: PHASE_LABEL[p.phase] });
    // Off a terminal, one line per committed batch: logs show how far a run got.
    if (!tty && p.committed) stderr.write(`identitas: ${PHASE_LABEL[p.phase]} ${p.done}/${p.total}\n`);
  };
  const summary = await runIdentityJob({ db: ctx.db, keyring: ctx.keyring }, actor, {
    ...(values.region ? { region: values.region } : {}),
    ...(batchSize ? { batchSize } : {}),
    estimate: values.estimate,
    onProgress,
  });
  bar?.finish();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    io.stdout.write([
      `Deduplikasi identitas wilayah ${summary.scope} selesai (pekerjaan #${summary.jobId}${summary.resumed ? ', dilanjutkan' : ''}, ${summary.seconds} dtk).`,
      `  orang: ${summary.people}; kunci blok ditulis ulang untuk ${summary.keyedPeople} orang`,
      `  model: #${summary.modelId ?? '-'}${summary.modelEstimated ? ' (baru diperkirakan)' : ''}; pasangan kandidat dinilai: ${summary.candidatePairs}`,
      `  pasangan disimpan: ${summary.pairs} (${summary.inserted} baru, ${summary.updated} diperbarui); ditautkan otomatis: ${summary.autoAccepted}; menunggu tinjauan: ${summary.pending}`,
      `  kelompok orang yang sama: ${summary.groups}`,
    ].join('\n') + '\n');
  }
  return 0;
}
