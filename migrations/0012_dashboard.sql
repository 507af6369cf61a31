-- Monitoring dashboard (src/dashboard, docs/dashboard.md): aggregate rollups per region at
-- every level ('ID', province, regency, district, village), maintained incrementally.
--
-- Writers never touch a rollup row. Statement-level triggers with transition tables turn
-- each statement on a source table into a few aggregated delta rows per village
-- (dashboard_delta: append-only, so imports have no hot row to fight over). A fold step
-- (dashboard_fold) takes pending deltas with DELETE … RETURNING, expands each village to
-- its five levels and adds them into dashboard_rollup in one statement. What one source
-- row counts for is written once, in a dashboard_facts_<table> function, which both the
-- triggers and the full rebuild (dashboard_rebuild) use.
--
-- "Verified" needs a join (the civil check must be about the member's current version),
-- which deltas cannot follow exactly when both sides change; changed members are queued
-- in dashboard_verified_dirty instead, and the fold re-evaluates them against committed
-- data and the set already counted (dashboard_verified).
--
-- Rollups hold counts and sums only, keyed by region code (the distribution column on a
-- sharded deployment; no foreign keys). The application role reads them under row-level
-- security by the same scope rule as the registry; the queues are not readable at all.

create table dashboard_rollup (
  -- 'ID', 'PP', 'PP.RR', 'PP.RR.DD' or 'PP.RR.DD.VVVV'
  region_code text not null,
  parent_code text,
  level smallint not null check (level between 0 and 4),
  -- families, people, nik_valid, nik_invalid, nik_missing, verified, dup_found, dup_resolved,
  -- recipients (dim program, bucket cycle), sub_open / sub_closed / sub_overdue (dim
  -- kind.category), sub_due (open, by due hour: aged into sub_overdue), poor (bucket ranking id)
  metric text not null,
  dim text not null default '',
  bucket text not null default '',
  n bigint not null default 0,
  -- rupiah per year (recipients)
  amount bigint not null default 0,
  primary key (region_code, metric, dim, bucket)
);
create index dashboard_rollup_parent_idx on dashboard_rollup (parent_code, region_code);
create index dashboard_rollup_due_idx on dashboard_rollup (bucket) where metric = 'sub_due';

create table dashboard_delta (
  id bigint generated always as identity,
  regency_code text not null,
  village_code text not null,
  metric text not null,
  dim text not null,
  bucket text not null,
  n bigint not null,
  amount bigint not null,
  primary key (id, regency_code)
);

-- Members counted as verified, with the village they are counted in.
create table dashboard_verified (
  member_id bigint not null,
  regency_code text not null,
  village_code text not null,
  primary key (member_id, regency_code)
);

-- Members whose verified state may have changed since it was last counted.
create table dashboard_verified_dirty (
  id bigint generated always as identity,
  member_id bigint not null,
  regency_code text not null,
  primary key (id, regency_code)
);

-- seq grows whenever a fold changed the rollups (the stream's change signal); aged_to is
-- the due hour up to which open submissions have been moved to overdue.
create table dashboard_state (
  id smallint primary key check (id = 1),
  seq bigint not null default 0,
  folded_at timestamptz not null default now(),
  aged_to text not null default ''
);
insert into dashboard_state (id) values (1);

-- ------------------------------------------------------------------ facts per source row

-- A member's NIK counts as invalid when the import flagged it (src/registry/nik.ts): format
-- errors are rejected at import, so what is stored is either clean, flagged or missing.
create or replace function dashboard_nik_flags() returns text[]
language sql immutable parallel safe as $$
  select array['NIK_UNKNOWN_REGION', 'NIK_PLACEHOLDER', 'NIK_BIRTH_DATE_MISMATCH', 'NIK_SEX_MISMATCH', 'NIK_EQUALS_KK']
$$;

-- Open submissions are bucketed by the UTC hour they fall due; an hour that has passed is overdue.
create or replace function dashboard_due_bucket(due timestamptz) returns text
language sql immutable parallel safe as $$
  select to_char(due at time zone 'UTC', 'YYYY-MM-DD"T"HH24')
$$;

create or replace function dashboard_due_cutoff() returns text
language sql stable parallel safe as $$
  select dashboard_due_bucket(now())
$$;

create or replace function dashboard_facts_family(r family)
returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
language sql immutable parallel safe as $$
  select r.village_code, 'families', '', '', 1::bigint, 0::bigint
$$;

-- People living in the family ('tinggal', 'baru'); NIK indicators over the same people.
create or replace function dashboard_facts_member(r member)
returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
language sql immutable parallel safe as $$
  select r.village_code, m, '', '', 1::bigint, 0::bigint
    from unnest(case when r.presence_status in ('tinggal', 'baru') then array['people',
      case when r.nik_bidx is null then 'nik_missing'
           when r.nik_warnings && dashboard_nik_flags() then 'nik_invalid'
           else 'nik_valid' end] else '{}'::text[] end) m
$$;

-- Candidate duplicate pairs (in member a's village); resolved once decided or merged.
create or replace function dashboard_facts_identity_pair(r identity_pair)
returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
language sql immutable parallel safe as $$
  select r.village_a, m, '', '', 1::bigint, 0::bigint
    from unnest(case when r.status = 'pending' then array['dup_found'] else array['dup_found', 'dup_resolved'] end) m
$$;

-- Families paid in a cycle (masuk, tetap, and those leaving next cycle) and their yearly amount.
-- Takes columns, not the row: how decisions are stored may change (one row per program, or
-- per family and cycle); whatever stores them calls this per program decision.
-- Arguments: village_code, program, cycle, status, amount_per_year.
create or replace function dashboard_facts_decision(text, text, text, text, bigint)
returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
language sql immutable parallel safe as $$
  select $1, 'recipients', $2, $3, 1::bigint, $5 where $4 in ('masuk', 'tetap', 'keluar_berikutnya')
$$;

create or replace function dashboard_facts_portal_submission(r portal_submission)
returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
language sql immutable parallel safe as $$
  select r.village_code, x.metric, r.kind || '.' || r.category, x.bucket, 1::bigint, 0::bigint
    from unnest(
      case when r.closed_at is null then array['sub_open', 'sub_due'] else array['sub_closed'] end,
      case when r.closed_at is null then array['', dashboard_due_bucket(r.sla_due_at)] else array[''] end) x(metric, bucket)
$$;

-- Estimated poor: families in desil 1-4 of a ranking (the reader picks the current one).
create or replace function dashboard_facts_welfare_rank(r welfare_rank)
returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
language sql immutable parallel safe as $$
  select r.village_code, 'poor', '', r.ranking_id::text, 1::bigint, 0::bigint where r.desil <= 4
$$;

-- ------------------------------------------------------------------ capture (triggers)

-- Runs as the owner: the invoking role (tepat_app) has no privilege on the queues. The
-- transition tables hold only the rows the statement changed, which already passed
-- row-level security.
-- The facts call is dashboard_facts_<table>(r), or the expression given as the trigger's
-- argument (over the row alias r), e.g. for a table that stores decisions differently.
create or replace function dashboard_capture() returns trigger
language plpgsql security definer set search_path = public as $$
declare
  facts text := coalesce(tg_argv[0], format('%I(r)', 'dashboard_facts_' || tg_table_name));
  src text;
begin
  src := case tg_op
    when 'INSERT' then format('select 1 as sign, f.* from new_rows r cross join lateral %s f', facts)
    when 'DELETE' then format('select -1 as sign, f.* from old_rows r cross join lateral %s f', facts)
    else format('select 1 as sign, f.* from new_rows r cross join lateral %1$s f
                 union all select -1, f.* from old_rows r cross join lateral %1$s f', facts)
  end;
  execute format(
    'insert into dashboard_delta (regency_code, village_code, metric, dim, bucket, n, amount)
     select left(x.village_code, 5), x.village_code, x.metric, x.dim, x.bucket, sum(x.sign * x.n), sum(x.sign * x.amount)
       from (%s) x
      group by x.village_code, x.metric, x.dim, x.bucket
     having sum(x.sign * x.n) <> 0 or sum(x.sign * x.amount) <> 0', src);
  return null;
end
$$;

-- A new member version makes an earlier civil check stale; a move changes where it counts.
create or replace function dashboard_member_verified_dirty() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  insert into dashboard_verified_dirty (member_id, regency_code)
  select n.id, n.regency_code from new_rows n join old_rows o on o.id = n.id and o.regency_code = n.regency_code
   where n.version <> o.version or n.village_code <> o.village_code;
  return null;
end
$$;

create or replace function dashboard_civil_verified_dirty() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  if tg_op = 'DELETE' then
    insert into dashboard_verified_dirty (member_id, regency_code) select member_id, regency_code from old_rows;
  else
    insert into dashboard_verified_dirty (member_id, regency_code) select member_id, regency_code from new_rows;
  end if;
  return null;
end
$$;

do $$
declare
  t text;
  facts text;
begin
  foreach t in array array['family', 'member', 'identity_pair', 'eligibility_decision', 'portal_submission', 'welfare_rank'] loop
    facts := case when t = 'eligibility_decision'
      then quote_literal('dashboard_facts_decision(r.village_code, r.program, r.cycle, r.status, r.amount_per_year)') else '' end;
    execute format('create trigger dashboard_insert after insert on %I referencing new table as new_rows
                    for each statement execute function dashboard_capture(%s)', t, facts);
    execute format('create trigger dashboard_update after update on %I referencing old table as old_rows new table as new_rows
                    for each statement execute function dashboard_capture(%s)', t, facts);
    execute format('create trigger dashboard_delete after delete on %I referencing old table as old_rows
                    for each statement execute function dashboard_capture(%s)', t, facts);
  end loop;
end
$$;
create trigger dashboard_member_verified after update on member referencing old table as old_rows new table as new_rows
  for each statement execute function dashboard_member_verified_dirty();
create trigger dashboard_verified_insert after insert on civil_member_status referencing new table as new_rows
  for each statement execute function dashboard_civil_verified_dirty();
create trigger dashboard_verified_update after update on civil_member_status referencing new table as new_rows
  for each statement execute function dashboard_civil_verified_dirty();
create trigger dashboard_verified_delete after delete on civil_member_status referencing old table as old_rows
  for each statement execute function dashboard_civil_verified_dirty();

-- ------------------------------------------------------------------ fold

-- Applies up to max_rows pending deltas (null: all) to the rollups of all five levels.
-- Folds are serialised by a transaction-level advisory lock; with wait = false a fold that
-- finds another one running returns -1 at once (the reader then shows the rollups as they
-- are). Deltas are taken with DELETE … RETURNING, so each is applied exactly once, and a
-- second run finds nothing to do. Returns the number of delta rows applied.
create or replace function dashboard_fold(max_rows integer default 50000, wait boolean default false) returns bigint
language plpgsql security definer set search_path = public as $$
declare
  lock_key constant bigint := 727283012;
  cutoff text := dashboard_due_cutoff();
  applied bigint := 0;
  aged bigint := 0;
  ids bigint[];
  regs text[];
  zc text[]; zm text[]; zd text[]; zb text[];
begin
  if wait then
    perform pg_advisory_xact_lock(lock_key);
  elsif not pg_try_advisory_xact_lock(lock_key) then
    return -1;
  end if;
  -- A fold is derived data applied atomically with the removal of its deltas: if a crash
  -- loses it, the deltas are still queued. So its commit need not wait for the WAL flush
  -- (a reader that folds would otherwise wait on a disk busy with an import).
  perform set_config('synchronous_commit', 'off', true);

  -- 1. Re-evaluate members whose verified state may have changed: uncount, recount.
  with taken as (
    delete from dashboard_verified_dirty d
     where (d.id, d.regency_code) in (select id, regency_code from dashboard_verified_dirty order by id limit max_rows)
    returning d.member_id, d.regency_code)
  select array_agg(member_id), array_agg(regency_code) into ids, regs
    from (select distinct member_id, regency_code from taken) x;
  if ids is not null then
    with gone as (
      delete from dashboard_verified v using unnest(ids, regs) x(id, reg)
       where v.member_id = x.id and v.regency_code = x.reg
      returning v.village_code)
    insert into dashboard_delta (regency_code, village_code, metric, dim, bucket, n, amount)
    select left(village_code, 5), village_code, 'verified', '', '', -count(*), 0 from gone group by village_code;
    with added as (
      insert into dashboard_verified (member_id, regency_code, village_code)
      select m.id, m.regency_code, m.village_code
        from unnest(ids, regs) x(id, reg)
        join member m on m.id = x.id and m.regency_code = x.reg
        join civil_member_status s on s.member_id = m.id and s.regency_code = m.regency_code
       where s.outcome = 'verified' and not s.needs_recheck and s.member_version = m.version
      returning village_code)
    insert into dashboard_delta (regency_code, village_code, metric, dim, bucket, n, amount)
    select left(village_code, 5), village_code, 'verified', '', '', count(*), 0 from added group by village_code;
  end if;

  -- 2. Open submissions whose due hour has passed become overdue (once per hour).
  if cutoff > (select aged_to from dashboard_state where id = 1) then
    with due_rows as (
      delete from dashboard_rollup where metric = 'sub_due' and bucket < cutoff
      returning region_code, parent_code, level, dim, n),
    moved as (
      insert into dashboard_rollup as r (region_code, parent_code, level, metric, dim, bucket, n, amount)
      select region_code, parent_code, level, 'sub_overdue', dim, '', sum(n), 0 from due_rows
       group by region_code, parent_code, level, dim
       order by region_code, dim
      on conflict (region_code, metric, dim, bucket) do update set n = r.n + excluded.n
      returning 1)
    select count(*) into aged from moved;
    update dashboard_state set aged_to = cutoff where id = 1;
  end if;

  -- 3. Pending deltas: per village, then to every level, added into the rollups.
  with taken as (
    delete from dashboard_delta d
     where (d.id, d.regency_code) in (select id, regency_code from dashboard_delta order by id limit max_rows)
    returning d.village_code, d.metric, d.dim, d.bucket, d.n, d.amount),
  per_village as (
    select village_code,
           case when metric = 'sub_due' and bucket < cutoff then 'sub_overdue' else metric end as metric,
           dim,
           case when metric = 'sub_due' and bucket < cutoff then '' else bucket end as bucket,
           sum(n) as n, sum(amount) as amount
      from taken
     group by 1, 2, 3, 4),
  expanded as (
    select l.region_code, l.parent_code, l.level, v.metric, v.dim, v.bucket, sum(v.n) as n, sum(v.amount) as amount
      from per_village v
      cross join lateral (values
        (v.village_code, left(v.village_code, 8), 4::smallint),
        (left(v.village_code, 8), left(v.village_code, 5), 3::smallint),
        (left(v.village_code, 5), left(v.village_code, 2), 2::smallint),
        (left(v.village_code, 2), 'ID', 1::smallint),
        ('ID', null, 0::smallint)) l(region_code, parent_code, level)
     group by 1, 2, 3, 4, 5, 6
    having sum(v.n) <> 0 or sum(v.amount) <> 0),
  up as (
    insert into dashboard_rollup as r (region_code, parent_code, level, metric, dim, bucket, n, amount)
    select * from expanded order by region_code, metric, dim, bucket
    on conflict (region_code, metric, dim, bucket) do update set n = r.n + excluded.n, amount = r.amount + excluded.amount
    returning r.region_code, r.metric, r.dim, r.bucket, r.n, r.amount)
  select (select count(*) from taken),
         array_agg(region_code) filter (where n = 0 and amount = 0), array_agg(metric) filter (where n = 0 and amount = 0),
         array_agg(dim) filter (where n = 0 and amount = 0), array_agg(bucket) filter (where n = 0 and amount = 0)
    into applied, zc, zm, zd, zb
    from up;

  -- Keys that came back to zero are dropped, so the rollups stay as small as the data.
  if zc is not null then
    delete from dashboard_rollup r using unnest(zc, zm, zd, zb) z(c, m, d, b)
     where r.region_code = z.c and r.metric = z.m and r.dim = z.d and r.bucket = z.b and r.n = 0 and r.amount = 0;
  end if;
  if applied > 0 or aged > 0 then
    update dashboard_state set seq = seq + 1, folded_at = now() where id = 1;
  end if;
  return applied;
end
$$;

-- Whether a fold has anything to do (cheap: three index probes).
create or replace function dashboard_pending() returns boolean
language sql stable security definer set search_path = public as $$
  select exists (select 1 from dashboard_delta) or exists (select 1 from dashboard_verified_dirty)
      or dashboard_due_cutoff() > (select aged_to from dashboard_state where id = 1)
$$;

-- ------------------------------------------------------------------ rebuild

-- Recomputes every rollup from the source tables, through the same facts functions and
-- the same fold. For first install and repair (e.g. after a TRUNCATE, which triggers do
-- not see). To be exact while others write, run it in a REPEATABLE READ transaction after
-- taking the fold lock (src/dashboard/rebuild-rollups.ts does): deltas committed after its
-- snapshot stay queued, and those before it are replaced by the recount.
create or replace function dashboard_rebuild() returns bigint
language plpgsql security definer set search_path = public as $$
begin
  perform pg_advisory_xact_lock(727283012);
  delete from dashboard_delta;
  delete from dashboard_verified_dirty;
  delete from dashboard_verified;
  delete from dashboard_rollup;
  insert into dashboard_delta (regency_code, village_code, metric, dim, bucket, n, amount)
  select left(x.village_code, 5), x.village_code, x.metric, x.dim, x.bucket, sum(x.n), sum(x.amount)
    from (
      select f.* from family r cross join lateral dashboard_facts_family(r) f
      union all select f.* from member r cross join lateral dashboard_facts_member(r) f
      union all select f.* from identity_pair r cross join lateral dashboard_facts_identity_pair(r) f
      union all select f.* from eligibility_decision r
        cross join lateral dashboard_facts_decision(r.village_code, r.program, r.cycle, r.status::text, r.amount_per_year) f
      union all select f.* from portal_submission r cross join lateral dashboard_facts_portal_submission(r) f
      union all select f.* from welfare_rank r cross join lateral dashboard_facts_welfare_rank(r) f
    ) x
   group by x.village_code, x.metric, x.dim, x.bucket
  having sum(x.n) <> 0 or sum(x.amount) <> 0;
  insert into dashboard_verified (member_id, regency_code, village_code)
  select m.id, m.regency_code, m.village_code
    from member m join civil_member_status s on s.member_id = m.id and s.regency_code = m.regency_code
   where s.outcome = 'verified' and not s.needs_recheck and s.member_version = m.version;
  insert into dashboard_delta (regency_code, village_code, metric, dim, bucket, n, amount)
  select left(village_code, 5), village_code, 'verified', '', '', count(*), 0 from dashboard_verified group by village_code;
  update dashboard_state set aged_to = '' where id = 1;
  return dashboard_fold(null, true);
end
$$;

-- ------------------------------------------------------------------ reading

-- Latest cycle of each program nationally: the cycle whose recipients a region shows,
-- even to an account that cannot read the national row itself.
create or replace function dashboard_latest_cycles() returns table (program text, cycle text)
language sql stable security definer set search_path = public as $$
  select dim, max(bucket) from dashboard_rollup where region_code = 'ID' and metric = 'recipients' group by dim
$$;

alter table dashboard_rollup enable row level security;
create policy dashboard_rollup_scope on dashboard_rollup using (tepat_scope_allows(region_code));

-- Privileges of the application role (grants.sql belongs to the platform; these are ours).
grant select on dashboard_rollup, dashboard_state to tepat_app;
revoke execute on function dashboard_rebuild() from public;
revoke execute on function dashboard_fold(integer, boolean) from public;
grant execute on function dashboard_fold(integer, boolean) to tepat_app;

-- First install: count what is already there (the triggers above hold writers off until commit).
select dashboard_rebuild();
