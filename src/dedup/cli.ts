/**
 * `tepat dedup INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]`: check a list for
 * duplicate people before submitting it. Thin edge over the engine: reads and
 * validates the CSV (streaming), runs {@link deduplicate}, writes the results
 * atomically (temporary file, then rename), so a failed run leaves no half-written file.
 */
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse';
import { isValidIsoDate } from './dates.js';
import { deduplicate } from './dedup.js';
import { FeatureBuilder } from './features.js';
import { weightToProbability } from './score.js';

export const INPUT_COLUMNS = ['record_id', 'nik', 'kk_number', 'full_name', 'sex', 'birth_place', 'birth_date', 'mother_name', 'address', 'village_code'] as const;

export interface CommandIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

const USAGE = 'Pemakaian: tepat dedup INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]\n';
const MAX_REPORTED_ERRORS = 20;

class InputError extends Error {}

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
 * written), 1 unexpected failure.
 *
 * @example await runDedupCommand(['list.csv', '--out', 'clusters.csv'], { stdout: process.stdout, stderr: process.stderr })
 */
export async function runDedupCommand(argv: string[], io: CommandIo): Promise<number> {
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
  try {
    await readInput(args.input, builder);
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
    if (err.name === 'CsvError') {
      io.stderr.write(`${args.input}: CSV rusak: ${err.message}\nTidak ada berkas keluaran yang ditulis.\n`);
      return 2;
    }
    throw e;
  }
  const p = builder.finish();
  const result = deduplicate(p);
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

async function readInput(path: string, builder: FeatureBuilder): Promise<void> {
  const source = createReadStream(path);
  const parser = source.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  source.on('error', (e) => parser.destroy(e));
  let header: string[] | undefined;
  let index: Record<(typeof INPUT_COLUMNS)[number], number> | undefined;
  const seen = new Map<string, number>();
  const errors: string[] = [];
  const fail = (msg: string): void => {
    errors.push(msg);
    if (errors.length >= MAX_REPORTED_ERRORS) throw new InputError(`${errors.join('\n')}\n(berhenti setelah ${MAX_REPORTED_ERRORS} kesalahan)`);
  };
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const { record: row, info } = item;
    const line = info.lines;
    if (!header) {
      header = row.map((h) => h.trim().toLowerCase());
      if (!header.includes('record_id')) throw new InputError(`baris ${line}: kolom record_id tidak ada di header (${header.join(',')})`);
      const dup = header.find((h, k) => header!.indexOf(h) !== k);
      if (dup) throw new InputError(`baris ${line}: kolom ${dup} muncul dua kali di header`);
      index = Object.fromEntries(INPUT_COLUMNS.map((c) => [c, header!.indexOf(c)])) as typeof index;
      continue;
    }
    if (row.length !== header.length) {
      fail(`baris ${line}: ${row.length} kolom, header punya ${header.length}`);
      continue;
    }
    const get = (c: (typeof INPUT_COLUMNS)[number]): string => {
      const k = index![c];
      return k >= 0 ? row[k]!.trim() : '';
    };
    const id = get('record_id');
    if (id === '') { fail(`baris ${line}: record_id kosong`); continue; }
    const prev = seen.get(id);
    if (prev !== undefined) { fail(`baris ${line}: record_id ${id} sudah dipakai di baris ${prev}`); continue; }
    seen.set(id, line);
    const sexRaw = get('sex').toUpperCase();
    if (sexRaw !== '' && sexRaw !== 'L' && sexRaw !== 'P') { fail(`baris ${line}: sex "${get('sex')}" harus L, P atau kosong`); continue; }
    const birthDate = get('birth_date');
    if (birthDate !== '' && !isValidIsoDate(birthDate)) { fail(`baris ${line}: birth_date "${birthDate}" bukan tanggal YYYY-MM-DD yang sah`); continue; }
    if (errors.length > 0) continue;
    builder.add({
      id,
      nik: get('nik'),
      kkNumber: get('kk_number'),
      fullName: get('full_name'),
      sex: sexRaw,
      birthPlace: get('birth_place'),
      birthDate,
      motherName: get('mother_name'),
      address: get('address'),
      villageCode: get('village_code'),
    });
  }
  if (!header) throw new InputError(`${path}: berkas kosong (tidak ada header)`);
  if (errors.length > 0) throw new InputError(errors.join('\n'));
}
