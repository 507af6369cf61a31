/**
 * `tepat eligibility run|preview|rules` and `tepat pmt load-survey|fit|rank`: thin
 * commands over the feature functions. Exit 0 done, 1 could not run, 2 bad usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { AppContext } from '../platform/context.js';
import type { Actor } from '../platform/db.js';
import { appendAudit } from '../platform/audit.js';
import { progressBar } from '../platform/progress.js';
import { openRowSource } from '../registry/import/read-rows.js';
import { parseCommandArgs, UsageError, type Io } from '../cli/args.js';
import { fitPmtModel, type FitReport } from './pmt/fit-pmt.js';
import { loadSurvey } from './pmt/load-survey.js';
import { PmtWeights, findModel } from './pmt/model.js';
import { rankFamilies, type RankMethod } from './pmt/rank-families.js';
import { previewEligibility, type RegionLevel } from './preview-eligibility.js';
import { cycleDate, cycleOf, loadRuleDefinitions, rulesInForce } from './rules/rule-set.js';
import type { ParamValue, RuleDefinition } from './rules/schema.js';
import { runEligibility } from './run-eligibility.js';

export const ELIGIBILITY_USAGE = `Pemakaian:
  tepat eligibility run [--cycle YYYY-MM] [--program P]... [--region KODE] [--restart] [--json]
      tetapkan kelayakan semua keluarga untuk setiap program (job yang dapat dilanjutkan)
  tepat eligibility preview --set PROGRAM.PARAM=NILAI... [--cycle YYYY-MM] [--region KODE] [--group-by province|regency|district|village] [--list N] [--json]
      pratinjau perubahan ambang/kuota/nominal tanpa menulis apa pun
  tepat eligibility rules [--cycle YYYY-MM] [--json]
      aturan program yang berlaku dan parameternya
  tepat eligibility village-fund BERKAS.csv
      muat dana desa (kolom kode_desa, tahun, dana_desa) untuk kuota BLT Dana Desa`;

export const PMT_USAGE = `Pemakaian:
  tepat pmt load-survey BERKAS.csv [--sample 0.2] [--json]
      muat konsumsi per kapita terukur (kolom no_kk, konsumsi_per_kapita/consumption_per_capita [, garis_kemiskinan/poverty_line])
  tepat pmt fit [--quota 0.4] [--holdout 0.2] [--version V] [--date YYYY-MM-DD] [--no-activate] [--out BOBOT.json] [--json]
      latih PMT (regresi ridge log konsumsi per kapita, efek wilayah); laporkan R² dan galat inklusi/eksklusi
  tepat pmt rank [--method pmt|bps14] [--model V] [--weights BOBOT.json] [--date YYYY-MM-DD] [--json]
      peringkat nasional semua keluarga ke desil 1-10`;

const nf = new Intl.NumberFormat('id-ID');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function cliActor(scope: string | undefined): Actor {
  const s = scope ?? 'ID';
  if (!/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/.test(s)) throw new UsageError(`--region harus kode wilayah Kemendagri atau ID, bukan "${s}".`);
  return { id: 'cli', role: 'pusat', scope: s, channel: 'cli' };
}

function cycleArg(v: string | undefined): string {
  const cycle = v ?? cycleOf(new Date());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(cycle)) throw new UsageError(`--cycle harus YYYY-MM, bukan "${cycle}".`);
  return cycle;
}

/** `pkh.maxDesil=3` with the value typed after the param it changes. */
export function parseSetting(s: string, defs: readonly RuleDefinition[], date: string): [string, string, ParamValue] {
  const m = /^([a-z0-9_]+)\.([A-Za-z][A-Za-z0-9_]*)=(.*)$/.exec(s);
  if (!m) throw new UsageError(`--set harus PROGRAM.PARAM=NILAI, mis. pkh.maxDesil=3 (bukan "${s}").`);
  const [, program, param, raw] = m as unknown as [string, string, string, string];
  const def = defs.find((d) => d.program === program && d.effectiveFrom <= date && (d.effectiveTo === null || date < d.effectiveTo));
  const base = def?.params[param];
  if (base === undefined) throw new UsageError(`Parameter ${program}.${param} tidak dikenal.`);
  if (Array.isArray(base)) return [program, param, raw.split(',').map((x) => x.trim()).filter(Boolean)];
  if (typeof base === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${program}.${param} harus angka.`);
    return [program, param, n];
  }
  if (typeof base === 'boolean') return [program, param, raw === 'true' || raw === 'ya'];
  return [program, param, raw];
}

export async function runEligibilityCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout.write(ELIGIBILITY_USAGE + '\n');
    return sub ? 0 : 2;
  }
  if (sub === 'run') {
    const { values } = parseCommandArgs(rest, {
      cycle: { type: 'string' }, program: { type: 'string', multiple: true }, region: { type: 'string' },
      restart: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    }, ELIGIBILITY_USAGE);
    const actor = cliActor(values.region);
    const programs = values.program?.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
    const bar = progressBar(io.stderr as NodeJS.WriteStream, 'keluarga');
    const s = await runEligibility({ db: ctx.db, actor }, {
      cycle: cycleArg(values.cycle), programs, region: actor.scope, restart: values.restart,
      onProgress: (p) => bar.update({ done: p.done, fraction: p.done / Math.max(p.total, 1), label: p.regency }),
    });
    bar.finish();
    if (values.json) {
      io.stdout.write(JSON.stringify(s) + '\n');
      return 0;
    }
    io.stdout.write(`Penetapan siklus ${s.cycle}, wilayah ${s.region}: ${nf.format(s.families)} keluarga, ${s.regencies} kabupaten/kota (job ${s.jobId}${s.resumed ? ', dilanjutkan' : ''}).\n`);
    if (s.rankingId === null) io.stdout.write('Peringatan: belum ada peringkat desil; jalankan tepat pmt rank lebih dulu.\n');
    for (const p of s.programs) {
      const st = Object.entries(p.byStatus).map(([k, v]) => `${k} ${nf.format(v)}`).join(', ');
      io.stdout.write(`  ${p.program} (${p.ruleVersion}): dibayar ${nf.format(p.paidFamilies)} keluarga, Rp${nf.format(p.budgetPerYear)}/tahun; ${st}\n`);
    }
    io.stdout.write(`  pemberitahuan keluar: ${nf.format(s.notices)}\n`);
    return 0;
  }
  if (sub === 'preview') {
    const { values } = parseCommandArgs(rest, {
      set: { type: 'string', multiple: true }, cycle: { type: 'string' }, region: { type: 'string' },
      'group-by': { type: 'string' }, list: { type: 'string' }, json: { type: 'boolean', default: false },
    }, ELIGIBILITY_USAGE);
    const cycle = cycleArg(values.cycle);
    const defs = loadRuleDefinitions();
    const changes: Record<string, Record<string, ParamValue>> = {};
    for (const s of values.set ?? []) {
      const [program, param, value] = parseSetting(s, defs, cycleDate(cycle));
      (changes[program] ??= {})[param] = value;
    }
    if (Object.keys(changes).length === 0) throw new UsageError(`Sebutkan paling sedikit satu --set.\n\n${ELIGIBILITY_USAGE}`);
    const groupBy = values['group-by'];
    if (groupBy && !['province', 'regency', 'district', 'village'].includes(groupBy)) throw new UsageError('--group-by: province, regency, district atau village.');
    const actor = cliActor(values.region);
    const p = await previewEligibility({ db: ctx.db, actor, definitions: defs }, {
      cycle, region: actor.scope, changes, groupBy: groupBy as RegionLevel | undefined, listLimit: values.list ? Number(values.list) : 20,
    });
    if (values.json) {
      io.stdout.write(JSON.stringify(p) + '\n');
      return 0;
    }
    io.stdout.write(`Pratinjau siklus ${p.cycle}, wilayah ${p.region} (${nf.format(p.families)} keluarga); tidak ada yang ditulis.\n`);
    for (const x of p.programs) {
      const params = Object.entries(x.changedParams).map(([k, v]) => `${k} ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`).join(', ');
      io.stdout.write(`${x.shortName}${params ? ` (${params})` : ''}:\n`);
      io.stdout.write(`  keluarga layak ${nf.format(x.baseline.families)} → ${nf.format(x.preview.families)}; anggaran Rp${nf.format(x.baseline.budgetPerYear)} → Rp${nf.format(x.preview.budgetPerYear)}/tahun\n`);
      io.stdout.write(`  masuk ${nf.format(x.entering)}, keluar ${nf.format(x.leaving)}, nominal berubah ${nf.format(x.amountChanged)}\n`);
      for (const r of x.byRegion) {
        io.stdout.write(`    ${r.region} ${r.name ?? ''}: ${nf.format(r.baseline.families)} → ${nf.format(r.preview.families)} (+${nf.format(r.entering)} −${nf.format(r.leaving)}), Rp${nf.format(r.baseline.budgetPerYear)} → Rp${nf.format(r.preview.budgetPerYear)}\n`);
      }
    }
    return 0;
  }
  if (sub === 'rules') {
    const { values } = parseCommandArgs(rest, { cycle: { type: 'string' }, json: { type: 'boolean', default: false } }, ELIGIBILITY_USAGE);
    const cycle = cycleArg(values.cycle);
    const rules = rulesInForce(loadRuleDefinitions(), cycleDate(cycle));
    if (values.json) {
      io.stdout.write(JSON.stringify(rules.map((r) => ({ program: r.program, version: r.version, name: r.name, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, tahapPerYear: r.tahapPerYear, params: r.params, hash: r.hash }))) + '\n');
      return 0;
    }
    for (const r of rules) {
      io.stdout.write(`${r.program} ${r.version} (${r.effectiveFrom} – ${r.effectiveTo ?? 'sekarang'}): ${r.name}, ${r.tahapPerYear} tahap/tahun\n`);
      for (const [k, v] of Object.entries(r.params)) io.stdout.write(`    ${k} = ${Array.isArray(v) ? v.join(',') : String(v)}\n`);
    }
    return 0;
  }
  if (sub === 'village-fund') {
    const { positionals } = parseCommandArgs(rest, {}, ELIGIBILITY_USAGE);
    if (positionals.length !== 1) throw new UsageError(`Sebutkan satu berkas dana desa.\n\n${ELIGIBILITY_USAGE}`);
    const n = await loadVillageFunds(ctx, positionals[0]!);
    io.stdout.write(`${nf.format(n)} baris dana desa dimuat.\n`);
    return 0;
  }
  throw new UsageError(`Subperintah tidak dikenal: ${sub}\n\n${ELIGIBILITY_USAGE}`);
}

async function loadVillageFunds(ctx: AppContext, path: string): Promise<number> {
  const source = await openRowSource(path);
  const header = source.header.map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase());
  const [v, y, a] = [header.indexOf('kode_desa'), header.indexOf('tahun'), header.indexOf('dana_desa')];
  if (v < 0 || y < 0 || a < 0) {
    source.close();
    throw new UsageError('Berkas dana desa harus memiliki kolom kode_desa, tahun, dana_desa.');
  }
  const rows: Array<[string, number, number]> = [];
  for await (const row of source.rows()) {
    const code = (row.cells[v] ?? '').trim();
    const year = Number(row.cells[y]);
    const amount = Number(String(row.cells[a] ?? '').replace(/[.\s]/g, ''));
    if (!/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(code) || !Number.isInteger(year) || !(amount >= 0)) {
      throw new UsageError(`Baris ${row.rowNo}: kode_desa, tahun atau dana_desa tidak valid.`);
    }
    rows.push([code, year, amount]);
  }
  const actor = cliActor('ID');
  return ctx.db.transaction(async (tx) => {
    const r = await tx.raw.query(`insert into village_fund (village_code, year, amount)
      select * from unnest($1::text[], $2::smallint[], $3::bigint[]) on conflict (village_code, year) do update set amount = excluded.amount`,
    [rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map((x) => x[2])]);
    await appendAudit(tx, { action: 'eligibility.village_fund', entityType: 'village_fund', entityId: path, changes: { rows: r.rowCount } });
    return r.rowCount;
  }, actor);
}

function printFit(io: Io, r: FitReport): void {
  io.stdout.write(`Model PMT ${r.version} (${r.featureSet}), λ = ${r.lambda}: dilatih ${nf.format(r.families.train)} keluarga, diuji ${nf.format(r.families.test)}.\n`);
  io.stdout.write(`  R² log konsumsi per kapita: latih ${r.r2.train.toFixed(3)}, uji ${r.r2.test.toFixed(3)}\n`);
  const line = (name: string, t: FitReport['pmt']): void => {
    io.stdout.write(`  ${name}: pada kuota ${pct(t.quota)} galat inklusi ${pct(t.atQuota.inclusionError)}, eksklusi ${pct(t.atQuota.exclusionError)}`);
    if (t.poor) io.stdout.write(`; terhadap keluarga miskin (${nf.format(t.poor.target)}): inklusi ${pct(t.poor.inclusionError)}, eksklusi ${pct(t.poor.exclusionError)}`);
    io.stdout.write('\n');
  };
  line('PMT', r.pmt);
  line('14 kriteria BPS', r.bps14);
}

export async function runPmtCommand(argv: string[], io: Io, ctx: AppContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout.write(PMT_USAGE + '\n');
    return sub ? 0 : 2;
  }
  const actor = cliActor('ID');
  if (sub === 'load-survey') {
    const { values, positionals } = parseCommandArgs(rest, { sample: { type: 'string' }, json: { type: 'boolean', default: false } }, PMT_USAGE);
    if (positionals.length !== 1) throw new UsageError(`Sebutkan satu berkas survei (mis. truth.csv).\n\n${PMT_USAGE}`);
    const sample = values.sample === undefined ? undefined : Number(values.sample);
    if (sample !== undefined && !(sample > 0 && sample <= 1)) throw new UsageError('--sample harus antara 0 dan 1.');
    const bar = progressBar(io.stderr as NodeJS.WriteStream);
    const s = await loadSurvey({ db: ctx.db, keyring: ctx.keyring, actor }, positionals[0]!, { sample, onProgress: (n) => bar.update({ done: n }) });
    bar.finish();
    if (values.json) io.stdout.write(JSON.stringify(s) + '\n');
    else io.stdout.write(`${s.file}: ${nf.format(s.rows)} baris, ${nf.format(s.loaded)} dimuat, ${nf.format(s.unmatched)} No. KK tidak ada di registri, ${nf.format(s.invalid)} tidak valid, ${nf.format(s.sampledOut)} di luar sampel.\n`);
    return 0;
  }
  if (sub === 'fit') {
    const { values } = parseCommandArgs(rest, {
      quota: { type: 'string' }, holdout: { type: 'string' }, version: { type: 'string' }, date: { type: 'string' },
      'no-activate': { type: 'boolean', default: false }, out: { type: 'string' }, json: { type: 'boolean', default: false },
    }, PMT_USAGE);
    const num = (v: string | undefined, name: string): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!(n > 0 && n < 1)) throw new UsageError(`--${name} harus antara 0 dan 1.`);
      return n;
    };
    const report = await fitPmtModel({ db: ctx.db, actor }, {
      quota: num(values.quota, 'quota'), holdout: num(values.holdout, 'holdout'), version: values.version,
      refDate: values.date, activate: !values['no-activate'],
    });
    if (values.out) {
      const model = await ctx.db.transaction((tx) => findModel(tx, report.version), actor);
      await writeFile(values.out, JSON.stringify(model!.weights, null, 2) + '\n');
    }
    if (values.json) io.stdout.write(JSON.stringify(report) + '\n');
    else printFit(io, report);
    return 0;
  }
  if (sub === 'rank') {
    const { values } = parseCommandArgs(rest, {
      method: { type: 'string' }, model: { type: 'string' }, weights: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean', default: false },
    }, PMT_USAGE);
    const method = (values.method ?? 'pmt') as RankMethod;
    if (method !== 'pmt' && method !== 'bps14') throw new UsageError('--method pmt atau bps14.');
    let weights: PmtWeights | undefined;
    if (values.weights) {
      const parsed = PmtWeights.safeParse(JSON.parse(await readFile(values.weights, 'utf8')));
      if (!parsed.success) throw new UsageError(`Berkas bobot ${values.weights} tidak valid: ${parsed.error.issues[0]?.message}`);
      weights = parsed.data;
    }
    const s = await rankFamilies({ db: ctx.db, actor }, { method, model: values.model, weights, refDate: values.date });
    if (values.json) io.stdout.write(JSON.stringify(s) + '\n');
    else io.stdout.write(`Peringkat ${s.rankingId} (${s.method}${s.modelVersion ? `, model ${s.modelVersion}` : ''}): ${nf.format(s.families)} keluarga; per desil ${s.desil.map((n) => nf.format(n)).join(' / ')}\n`);
    return 0;
  }
  throw new UsageError(`Subperintah tidak dikenal: ${sub}\n\n${PMT_USAGE}`);
}
