/**
 * PMT features and the BPS poor-household criteria, defined once as SQL over a family
 * row `f` and its living members' aggregates `a`: the fit reads them, the ranking
 * scores with them, so training and scoring can never drift apart. Changing a feature
 * means a new FEATURE_SET (weights fitted for another set are refused).
 */
import { sqlText } from '../rules/compile-sql.js';

export const FEATURE_SET = 'pmt-v1';

const FORMAL = ['asn', 'tni', 'polri', 'pejabat_negara', 'bumn_bumd', 'karyawan_swasta'];
const LABOUR = ['buruh_tani', 'buruh', 'nelayan'];
const EDU_RANK = `case education_level when 'sd' then 1 when 'smp' then 2 when 'sma' then 3 when 'diploma' then 4 when 's1' then 5 when 's2_s3' then 6 else 0 end`;

const list = (xs: readonly string[]): string => `(${xs.map(sqlText).join(', ')})`;
const is = (col: string, xs: readonly string[]): string => `(coalesce(f.${col} in ${list(xs)}, false))::int::float8`;
const has = (col: string): string => `(coalesce(f.${col}, false))::int::float8`;

/**
 * Per-family aggregates of living members `m`. Age thresholds compare birth
 * dates with the reference date less N years, which equals PostgreSQL's completed years
 * (age(ref, birth) >= N exactly when birth <= ref - N years): one cheap comparison instead
 * of an age computed per use, and the query stays splittable among parallel workers.
 */
function aggregates(refDate: string): string {
  const ref = `${sqlText(refDate)}::date`;
  const yearsAgo = (n: number): string => `(${ref} - interval '${n} years')::date`;
  return `count(*)::int as size,
      count(*) filter (where m.birth_date <= ${ref} and m.birth_date > ${yearsAgo(15)})::int as kids,
      count(*) filter (where m.birth_date <= ${yearsAgo(60)})::int as elderly,
      count(*) filter (where m.work_status is not null and m.work_status <> 'tidak_bekerja')::int as workers,
      count(*) filter (where m.severe_disability or cardinality(m.disabilities) > 0)::int as disabled,
      count(*) filter (where m.chronic_illness is not null and m.chronic_illness <> 'tidak_ada')::int as ill,
      coalesce(max(m.edu) filter (where m.birth_date <= ${yearsAgo(15)}), 0) as max_edu,
      coalesce(bool_or(m.occupation in ${list(FORMAL)}), false) as any_formal,
      bool_or(m.relationship = 'kepala') as has_head,
      max(m.edu) filter (where m.relationship = 'kepala') as head_edu,
      max(m.occupation) filter (where m.relationship = 'kepala') as head_occupation,
      max(case when m.birth_date <= ${ref} then date_part('year', age(${ref}, m.birth_date))::int end) filter (where m.relationship = 'kepala') as head_age,
      coalesce(bool_or(m.relationship = 'kepala' and m.sex = 'P'), false) as head_female`;
}

/** Per-family aggregates of living members (of the given families, or of all). */
export function memberAggregates(familiesSql: string | null, refDate: string): string {
  return `select m.family_id, m.regency_code, ${aggregates(refDate)}
    from (select mm.family_id, mm.regency_code, mm.work_status, mm.severe_disability, mm.disabilities, mm.chronic_illness,
            mm.occupation, mm.relationship, mm.sex, mm.birth_date, ${EDU_RANK.replace(/education_level/g, 'mm.education_level')} as edu
          from member mm ${familiesSql === null ? '' : `join (${familiesSql}) ff on ff.id = mm.family_id and ff.regency_code = mm.regency_code`}
          where mm.presence_status in ('tinggal', 'baru')) m
    group by m.family_id, m.regency_code`;
}

/** Dense PMT features, in order: name and SQL (float8) over `f` (family) and `a` (aggregates). */
export const FEATURES: ReadonlyArray<{ name: string; sql: string }> = [
  { name: 'ln_size', sql: 'ln(greatest(coalesce(a.size, 0), 1))' },
  { name: 'share_children', sql: 'coalesce(a.kids, 0)::float8 / greatest(coalesce(a.size, 0), 1)' },
  { name: 'share_elderly', sql: 'coalesce(a.elderly, 0)::float8 / greatest(coalesce(a.size, 0), 1)' },
  { name: 'share_workers', sql: 'coalesce(a.workers, 0)::float8 / greatest(coalesce(a.size, 0), 1)' },
  { name: 'share_disabled', sql: 'coalesce(a.disabled, 0)::float8 / greatest(coalesce(a.size, 0), 1)' },
  { name: 'share_ill', sql: 'coalesce(a.ill, 0)::float8 / greatest(coalesce(a.size, 0), 1)' },
  { name: 'urban', sql: `(substr(f.village_code, 10, 1) = '1')::int::float8` },
  { name: 'ln_floor_per_person', sql: 'ln(greatest(coalesce(f.floor_area_m2, 0), 1)::float8 / greatest(coalesce(a.size, 0), 1))' },
  { name: 'floor_poor', sql: is('floor_material', ['tanah', 'bambu', 'kayu_kualitas_rendah']) },
  { name: 'floor_good', sql: is('floor_material', ['keramik', 'marmer_granit', 'parket_vinil']) },
  { name: 'wall_poor', sql: is('wall_material', ['anyaman_bambu', 'bambu', 'batang_kayu', 'plesteran_bambu']) },
  { name: 'roof_poor', sql: is('roof_material', ['jerami_ijuk', 'bambu']) },
  { name: 'water_unprotected', sql: is('water_source', ['sumur_tak_terlindung', 'mata_air_tak_terlindung', 'air_permukaan', 'air_hujan']) },
  { name: 'water_bottled', sql: is('water_source', ['air_kemasan']) },
  { name: 'water_piped', sql: is('water_source', ['leding']) },
  { name: 'no_electricity', sql: is('lighting_source', ['bukan_listrik']) },
  { name: 'power_450', sql: '(coalesce(f.power_va = 450, false))::int::float8' },
  { name: 'power_1300', sql: '(coalesce(f.power_va = 1300, false))::int::float8' },
  { name: 'power_2200', sql: '(coalesce(f.power_va >= 2200, false))::int::float8' },
  { name: 'power_unknown', sql: '(f.power_va is null)::int::float8' },
  { name: 'fuel_dirty', sql: is('cooking_fuel', ['kayu_bakar', 'arang', 'minyak_tanah']) },
  { name: 'fuel_clean_large', sql: is('cooking_fuel', ['lpg_12kg', 'lpg_5_5kg', 'gas_kota', 'listrik']) },
  { name: 'toilet_own', sql: is('toilet_facility', ['sendiri']) },
  { name: 'toilet_none', sql: is('toilet_facility', ['tidak_ada']) },
  { name: 'septic', sql: is('sewage_disposal', ['tangki_septik', 'ipal']) },
  { name: 'rented', sql: is('tenure', ['kontrak_sewa']) },
  { name: 'land_title_shm', sql: is('land_title', ['shm']) },
  { name: 'has_gas_cylinder', sql: has('has_gas_cylinder') },
  { name: 'has_fridge', sql: has('has_fridge') },
  { name: 'has_ac', sql: has('has_ac') },
  { name: 'has_tv', sql: has('has_tv') },
  { name: 'has_gold', sql: has('has_gold') },
  { name: 'has_computer', sql: has('has_computer') },
  { name: 'has_motorbike', sql: has('has_motorbike') },
  { name: 'has_car', sql: has('has_car') },
  { name: 'has_boat', sql: has('has_boat') },
  { name: 'has_smartphone', sql: has('has_smartphone') },
  { name: 'owns_land', sql: has('owns_land') },
  { name: 'owns_other_house', sql: has('owns_other_house') },
  { name: 'has_internet', sql: has('has_internet') },
  { name: 'has_bank_account', sql: has('has_bank_account') },
  { name: 'large_livestock', sql: 'least(coalesce(f.cattle, 0) + coalesce(f.buffalo, 0), 5)::float8' },
  { name: 'small_livestock', sql: 'least(coalesce(f.goats, 0) + coalesce(f.pigs, 0), 10)::float8' },
  { name: 'head_education', sql: 'coalesce(a.head_edu, 0)::float8' },
  { name: 'max_education', sql: 'coalesce(a.max_edu, 0)::float8' },
  { name: 'head_formal', sql: `(coalesce(a.head_occupation in ${list(FORMAL)}, false))::int::float8` },
  { name: 'head_labourer', sql: `(coalesce(a.head_occupation in ${list(LABOUR)}, false))::int::float8` },
  { name: 'head_farmer', sql: `(coalesce(a.head_occupation = 'petani', false))::int::float8` },
  { name: 'any_formal', sql: '(coalesce(a.any_formal, false))::int::float8' },
  { name: 'head_age_decades', sql: 'coalesce(a.head_age, 45)::float8 / 10' },
  { name: 'head_female', sql: '(coalesce(a.head_female, false))::int::float8' },
  { name: 'no_head', sql: '(not coalesce(a.has_head, false))::int::float8' },
];

/**
 * The 14 BPS poor-household criteria (BPS 2005/2008; poor if at least 9 hold), as far
 * as the registry observes them: 10 of 14. Not observable here: meat/milk/chicken at
 * most weekly, one set of new clothes a year, 1–2 meals a day, cannot pay puskesmas care.
 */
export const BPS14_CRITERIA: ReadonlyArray<{ id: string; label: string; sql: string }> = [
  { id: 'luas_lantai', label: 'luas lantai < 8 m² per orang', sql: 'coalesce(f.floor_area_m2::float8 / greatest(coalesce(a.size, 0), 1) < 8, false)' },
  { id: 'lantai', label: 'lantai tanah/bambu/kayu murahan', sql: `coalesce(f.floor_material in ${list(['tanah', 'bambu', 'kayu_kualitas_rendah'])}, false)` },
  { id: 'dinding', label: 'dinding bambu/rumbia/kayu murahan', sql: `coalesce(f.wall_material in ${list(['anyaman_bambu', 'bambu', 'batang_kayu', 'plesteran_bambu'])}, false)` },
  { id: 'jamban', label: 'tanpa jamban sendiri', sql: `coalesce(f.toilet_facility in ${list(['bersama', 'komunal', 'umum', 'tidak_ada'])}, false)` },
  { id: 'penerangan', label: 'penerangan bukan listrik', sql: `coalesce(f.lighting_source = 'bukan_listrik', false)` },
  { id: 'air', label: 'air minum tidak terlindung', sql: `coalesce(f.water_source in ${list(['sumur_tak_terlindung', 'mata_air_tak_terlindung', 'air_permukaan', 'air_hujan'])}, false)` },
  { id: 'bahan_bakar', label: 'memasak dengan kayu bakar/arang/minyak tanah', sql: `coalesce(f.cooking_fuel in ${list(['kayu_bakar', 'arang', 'minyak_tanah'])}, false)` },
  { id: 'pekerjaan_kepala', label: 'kepala keluarga petani/buruh/nelayan', sql: `coalesce(a.head_occupation in ${list(['petani', 'buruh_tani', 'buruh', 'nelayan'])}, false)` },
  { id: 'pendidikan_kepala', label: 'pendidikan kepala keluarga SD atau lebih rendah', sql: 'coalesce(a.head_edu, 0) <= 1' },
  {
    id: 'tanpa_aset', label: 'tidak punya aset yang mudah dijual ≥ Rp500.000',
    sql: `not (coalesce(f.has_gold, false) or coalesce(f.has_motorbike, false) or coalesce(f.has_car, false) or coalesce(f.has_boat, false)
      or coalesce(f.has_fridge, false) or coalesce(f.has_tv, false) or coalesce(f.has_computer, false) or coalesce(f.owns_land, false)
      or coalesce(f.owns_other_house, false) or coalesce(f.cattle, 0) + coalesce(f.buffalo, 0) + coalesce(f.goats, 0) + coalesce(f.pigs, 0) > 0)`,
  },
];

export const BPS14_SQL = `(${BPS14_CRITERIA.map((c) => `(${c.sql})::int`).join(' + ')})`;

/**
 * One row per family of `familiesSql` (family rows with at least the family columns),
 * or of every family: id, region, the dense features x0…, the BPS criteria count, and
 * any `extra` columns of `f`.
 */
export function featureQuery(familiesSql: string | null, refDate: string, extra = ''): string {
  return `select f.id as family_id, f.regency_code, f.village_code,
      ${FEATURES.map((x, i) => `${x.sql} as x${i}`).join(',\n      ')},
      ${BPS14_SQL} as bps14${extra ? `, ${extra}` : ''}
    from ${familiesSql === null ? 'family' : `(${familiesSql})`} f
    left join (${memberAggregates(familiesSql, refDate)}) a on a.family_id = f.id and a.regency_code = f.regency_code`;
}

/** Which criteria a family meets, for explanations. */
export function criteriaQuery(familiesSql: string, refDate: string): string {
  return `select f.id as family_id, ${BPS14_CRITERIA.map((c) => `${c.sql} as ${c.id}`).join(', ')}
    from (${familiesSql}) f
    left join (${memberAggregates(familiesSql, refDate)}) a on a.family_id = f.id and a.regency_code = f.regency_code`;
}
