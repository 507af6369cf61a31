/**
 * `tepat dedup INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]`: check a list for
 * duplicate people before submitting it. Thin edge over the engine: reads and
 * validates the CSV (streaming), runs {@link deduplicate}, writes the results
 * atomically (temporary file, then rename), so a failed run leaves no half-written file.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { headerIndex, InputError, InputRows, MAX_REPORTED_ERRORS, TooManyProblems, type RowProblem } from './cli-input.js';
import { CsvSyntaxError, readCsvRows } from './csv-read.js';
import { deduplicateParallel } from './dedup.js';
import { FeatureBuilder } from './features.js';
import { DedupHelper, type FeaturesAnswer } from './parallel.js';
import { weightToProbability } from './score.js';

export { INPUT_COLUMNS } from './cli-input.js';

/** Inputs at least this large are read by two threads, each encoding half of the rows. */
const SPLIT_BYTES = 8 << 20;

export interface CommandIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

const USAGE = 'Pemakaian: tepat dedup INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]\n';

interface ParsedArgs { input: string; out: string; pairs?: string }

function parseArgs(argv: readonly string[]): ParsedArgs | string {
  let input: string | undefined;
  let out: string | undefined;
  let pairs: string | undefined;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--out' || a === '--pairs') {
      const v = argv[++k];
      if (!v) return `${a} memerlukan nama berkas`;
      if (a === '--out') out = v;
      else pairs = v;
    } else if (a.startsWith('--out=')) out = a.slice(6);
    else if (a.startsWith('--pairs=')) pairs = a.slice(8);
    else if (a.startsWith('-')) return `opsi tidak dikenal: ${a}`;
    else if (input === undefined) input = a;
    else return `argumen berlebih: ${a}`;
  }
  if (!input) return 'INPUT.csv belum diberikan';
  if (!out) return '--out CLUSTERS.csv belum diberikan';
  return { input, out, pairs };
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Write `content` chunks to a temporary file beside `path`; returns the temp path. */
async function writeTemp(path: string, chunks: Iterable<string>): Promise<string> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    let buf = '';
    for (const c of chunks) {
      buf += c;
      if (buf.length >= 1 << 20) {
        await fh.write(buf);
        buf = '';
      }
    }
    if (buf) await fh.write(buf);
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return tmp;
}

/**
 * Run the dedup command. Exit codes: 0 done, 2 bad arguments or bad input (nothing
 * written), 1 unexpected failure. Inputs of `splitBytes` or more (default 8 MB) are read
 * and scored on two threads.
 *
 * @example await runDedupCommand(['list.csv', '--out', 'clusters.csv'], { stdout: process.stdout, stderr: process.stderr })
 */
export async function runDedupCommand(argv: string[], io: CommandIo, options: { readonly splitBytes?: number } = {}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`${args}\n${USAGE}`);
    return 2;
  }
  const builder = new FeatureBuilder();
  const started = performance.now();
  // A second thread, started now so that its start-up overlaps reading: it reads half of
  // a large file and scores half of the pairs.
  let helper: DedupHelper | undefined;
  try {
    const splitBytes = options.splitBytes ?? SPLIT_BYTES;
    const big = cpus().length > 1 && (await stat(args.input).then((s) => s.isFile() && s.size >= splitBytes, () => false));
    if (big) helper = DedupHelper.start();
    try {
      await readInput(args.input, builder, helper);
    } catch (e) {
      if (e instanceof InputError) {
        io.stderr.write(`${e.message}\nTidak ada berkas keluaran yang ditulis.\n`);
        return 2;
      }
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES') {
        io.stderr.write(`tidak dapat membaca ${args.input}: ${err.code}\n`);
        return 2;
      }
      if (e instanceof CsvSyntaxError) {
        io.stderr.write(`${args.input}: CSV rusak: ${e.message}\nTidak ada berkas keluaran yang ditulis.\n`);
        return 2;
      }
      throw e;
    }
    return await dedupAndWrite(builder, args, io, started, helper);
  } finally {
    helper?.close();
  }
}

async function dedupAndWrite(builder: FeatureBuilder, args: ParsedArgs, io: CommandIo, started: number, helper: DedupHelper | undefined): Promise<number> {
  const read = performance.now();
  const p = builder.finish();
  const finished = performance.now();
  const result = await deduplicateParallel(p, helper ? { helpers: [helper] } : { threads: 1 });
  const deduplicated = performance.now();
  const { clusterOf, pairs, scorer } = result;
  // Cluster ids in order of first appearance: K0000001, …
  const label = new Map<number, string>();
  let clusters = 0;
  for (let i = 0; i < p.n; i++) {
    const c = clusterOf[i]!;
    if (!label.has(c)) label.set(c, `K${String(++clusters).padStart(7, '0')}`);
  }
  const temps: [string, string][] = [];
  try {
    temps.push([await writeTemp(args.out, clusterRows()), args.out]);
    if (args.pairs) temps.push([await writeTemp(args.pairs, pairRows()), args.pairs]);
    for (const [tmp, dest] of temps) await rename(tmp, dest);
  } catch (e) {
    for (const [tmp] of temps) await rm(tmp, { force: true });
    io.stderr.write(`gagal menulis keluaran: ${(e as Error).message}\n`);
    return 1;
  }
  let review = 0;
  for (let e = 0; e < pairs.count; e++) if (clusterOf[pairs.i[e]!] !== clusterOf[pairs.j[e]!]) review++;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (process.env.TEPAT_DEDUP_TIMINGS) {
    // Phase times for the speed benchmark (bench/dedup-speed.ts), on stderr.
    const m = result.stats.millis;
    const s = (x: number): string => (x / 1000).toFixed(1);
    io.stderr.write(
      `timings: read ${s(read - started)} s, finish ${s(finished - read)} s, block ${s(m.block)} s, estimate ${s(m.estimate)} s, ` +
      `score ${s(m.score)} s, cluster ${s(m.cluster)} s, write ${s(performance.now() - deduplicated)} s; ` +
      `${result.stats.candidatePairs} candidate pairs, ${result.stats.keptPairs} kept, threads ${helper ? 2 : 1}\n`,
    );
  }
  io.stdout.write(
    `${p.n} catatan → ${clusters} orang (klaster); ${p.n - clusters} catatan ganda digabung otomatis; ${review} pasangan perlu ditinjau (${seconds} detik)\n`,
  );
  return 0;

  function* clusterRows(): Generator<string> {
    yield 'record_id,cluster_id\n';
    for (let i = 0; i < p.n; i++) yield `${csvField(p.ids[i]!)},${label.get(clusterOf[i]!)}\n`;
  }

  function* pairRows(): Generator<string> {
    yield 'record_id_a,record_id_b,probability,weight,decision,cluster_a,cluster_b,explanation\n';
    const order = Array.from({ length: pairs.count }, (_, e) => e).sort((x, y) => pairs.weight[y]! - pairs.weight[x]!);
    for (const e of order) {
      const i = pairs.i[e]!;
      const j = pairs.j[e]!;
      const ex = scorer.explain(i, j);
      const same = clusterOf[i] === clusterOf[j];
      const decision = same ? 'link' : 'review';
      yield `${csvField(p.ids[i]!)},${csvField(p.ids[j]!)},${weightToProbability(ex.weight).toFixed(4)},${ex.weight.toFixed(2)},${decision},${label.get(clusterOf[i]!)},${label.get(clusterOf[j]!)},${csvField(ex.summary)}\n`;
    }
  }
}

function problemsError(problems: RowProblem[]): InputError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const shown = sorted.slice(0, MAX_REPORTED_ERRORS).map((p) => p.message).join('\n');
  return new InputError(sorted.length >= MAX_REPORTED_ERRORS ? `${shown}\n(berhenti setelah ${MAX_REPORTED_ERRORS} kesalahan)` : shown);
}

async function readInput(path: string, builder: FeatureBuilder, helper: DedupHelper | undefined): Promise<void> {
  if (helper && (await readSplit(path, builder, helper))) return;
  let rows: InputRows | undefined;
  try {
    await readCsvRows(createReadStream(path, { highWaterMark: 1 << 20 }), (row, line) => {
      if (rows) rows.row(row, line);
      else rows = new InputRows(builder, headerIndex(row, line), row.length);
    });
  } catch (e) {
    if (!(e instanceof TooManyProblems)) throw e;
  }
  if (!rows) throw new InputError(`${path}: berkas kosong (tidak ada header)`);
  if (rows.problems.length > 0) throw problemsError(rows.problems);
}

/**
 * Read a large file on two threads: this one takes the rows up to a line break near the
 * middle (outside any quoted field: an even number of quotes before it), the helper the
 * rest; its records are appended after ours. Returns false (nothing read) when the file
 * cannot be split that way.
 */
async function readSplit(path: string, builder: FeatureBuilder, helper: DedupHelper): Promise<boolean> {
  const buf = await readFile(path);
  const headerEnd = buf.indexOf(10);
  if (headerEnd < 0 || buf.subarray(0, headerEnd).includes(34)) return false;
  let split = buf.indexOf(10, buf.length >> 1) + 1;
  let quotes = 0;
  for (let q = buf.indexOf(34); q >= 0 && q < split; q = buf.indexOf(34, q + 1)) quotes++;
  for (let tries = 0; split > 0 && quotes % 2 === 1 && tries < 1000; tries++) {
    const next = buf.indexOf(10, split) + 1;
    for (let q = buf.indexOf(34, split); q >= 0 && q < (next > 0 ? next : buf.length); q = buf.indexOf(34, q + 1)) quotes++;
    split = next;
  }
  if (split <= 0 || split >= buf.length || quotes % 2 === 1) return false;
  let line = 1;
  for (let k = buf.indexOf(10); k >= 0 && k < split; k = buf.indexOf(10, k + 1)) line++;
  let header: string[] = [];
  await readCsvRows([buf.subarray(0, headerEnd + 1)], (row) => (header = row));
  const index = headerIndex(header, 1);
  const theirs = helper.request<FeaturesAnswer>({ kind: 'features', path, start: split, line, index, width: header.length });
  // Settled even when reading our half fails, so no rejection goes unhandled.
  theirs.catch(() => undefined);
  const rows = new InputRows(builder, index, header.length);
  try {
    await readCsvRows([buf.subarray(headerEnd + 1, split)], (row, at) => rows.row(row, at), 2);
  } catch (e) {
    if (!(e instanceof TooManyProblems)) throw e;
  }
  const other = await theirs;
  const problems = [...rows.problems, ...other.problems];
  // A record_id of the second half already used in the first.
  other.state.ids.forEach((id, k) => {
    const prev = rows.seen.get(id);
    if (prev !== undefined) problems.push({ line: other.lines[k]!, message: `baris ${other.lines[k]}: record_id ${id} sudah dipakai di baris ${prev}` });
  });
  if (problems.length > 0) throw problemsError(problems);
  builder.absorb(other.state);
  return true;
}
