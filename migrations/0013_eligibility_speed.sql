-- Eligibility at national scale (issue 6): decisions stored one row per family and cycle
-- (the programs' decisions as an array, five times fewer rows and index entries to write),
-- and a per-family facts table that the run maintains set-based and the preview reads.
-- Both are keyed and distributable by regency_code and scoped by village_code like family.

-- One program's decision: the columns eligibility_decision had, less the family and cycle.
create domain eligibility_result as text check (value in ('layak', 'tidak_layak', 'di_luar_kuota'));
create domain eligibility_status as text check (value in ('masuk', 'tetap', 'keluar_berikutnya', 'keluar', 'tidak_layak', 'di_luar_kuota'));
create type eligibility_program_decision as (
  program text,
  rule_version text,
  ranking_id bigint,
  -- MD5 of the reference date, village, ranking facts, reported programs and the living members' rows
  input_hash bytea,
  -- the rule's verdict on this cycle's data
  result eligibility_result,
  -- enrolment after the verdict: families that stop qualifying exit at the next cycle
  status eligibility_status,
  tahap_per_year smallint,
  amount_per_tahap bigint,
  amount_per_year bigint,
  recipient_member_id bigint,
  -- Bahasa Indonesia
  reasons text[],
  -- the components considered, in selection order (null unless a component program pays):
  -- component, member, yearly amount, and the limit that left it out (null: counted)
  component_ids text[],
  component_members bigint[],
  component_amounts bigint[],
  component_dropped text[],
  job_id bigint,
  decided_at timestamptz
);

create table eligibility_decision_set (
  regency_code text not null,
  family_id bigint not null,
  cycle text not null check (cycle ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  village_code text not null,
  -- one element per program decided in the cycle, ordered by program
  decisions eligibility_program_decision[] not null,
  primary key (regency_code, family_id, cycle)
);
alter table eligibility_decision_set enable row level security;
create policy eligibility_decision_set_scope on eligibility_decision_set
  using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));

insert into eligibility_decision_set (regency_code, family_id, cycle, village_code, decisions)
select regency_code, family_id, cycle, max(village_code),
  array_agg(row(program, rule_version, ranking_id, input_hash, result, status, tahap_per_year, amount_per_tahap,
    amount_per_year, recipient_member_id, reasons,
    case when components is not null then array(select jsonb_array_elements_text(components->'component')) end,
    case when components is not null then array(select jsonb_array_elements_text(components->'memberId')::bigint) end,
    case when components is not null then array(select jsonb_array_elements_text(components->'amountPerYear')::bigint) end,
    case when components is not null then array(select jsonb_array_elements_text(components->'droppedBy')) end,
    job_id, decided_at)::eligibility_program_decision order by program)
from eligibility_decision
group by regency_code, family_id, cycle;
drop table eligibility_decision;

-- The dashboard (0012) counts paid decisions from statement triggers on the table that stores
-- them: the rows moved above are counted already; from here on the new table is captured
-- (docs/dashboard.md, "Changing a source table"). Skipped where the dashboard is not installed.
do $dashboard$
begin
  if exists (select 1 from pg_proc where proname = 'dashboard_capture') then
    execute $f$
      create function dashboard_facts_eligibility_decision_set(r eligibility_decision_set)
      returns table (village_code text, metric text, dim text, bucket text, n bigint, amount bigint)
      language sql immutable parallel safe as $b$
        select f.* from unnest(r.decisions) d
         cross join lateral dashboard_facts_decision(r.village_code, d.program, r.cycle, d.status::text, d.amount_per_year) f
      $b$$f$;
    create trigger dashboard_insert after insert on eligibility_decision_set referencing new table as new_rows
      for each statement execute function dashboard_capture();
    create trigger dashboard_update after update on eligibility_decision_set referencing old table as old_rows new table as new_rows
      for each statement execute function dashboard_capture();
    create trigger dashboard_delete after delete on eligibility_decision_set referencing old table as old_rows
      for each statement execute function dashboard_capture();
  end if;
end
$dashboard$;

-- The per-program shape, for reading (one family's decisions, reports, ad hoc queries);
-- security_invoker: the caller's row-level security applies.
create view eligibility_decision with (security_invoker = true) as
select s.regency_code, d.program, s.family_id, s.cycle, s.village_code, d.rule_version, d.ranking_id, d.input_hash,
  d.result::text as result, d.status::text as status, d.tahap_per_year, d.amount_per_tahap, d.amount_per_year,
  d.recipient_member_id, d.reasons,
  case when d.component_ids is not null then jsonb_build_object('component', d.component_ids, 'memberId', d.component_members,
    'amountPerYear', d.component_amounts, 'droppedBy', d.component_dropped) end as components,
  d.job_id, d.decided_at
from eligibility_decision_set s cross join lateral unnest(s.decisions) d;

-- Facts of every family as the last full run of its regency gathered them, with that run's
-- verdicts and each program's enrolment before it. Derived data (unlogged: emptied after a
-- crash, and then rebuilt by the next run): the next cycle's run takes each family's prior
-- status from here instead of searching the decision history, and a preview of a changed
-- threshold, quota or amount evaluates the rules over these rows without reading members.
-- `counts` and `recipients` hold values the rules need (member counts per condition,
-- counted and dropped components, chosen recipients) in the order of the regency's layout;
-- the per-program arrays follow the regency's program list (eligibility_facts_regency).
create unlogged table eligibility_facts (
  regency_code text not null,
  family_id bigint not null,
  village_code text not null,
  desil smallint,
  pmt_score double precision,
  bps14_count smallint,
  programs_received text[] not null,
  living int not null,
  input_hash bytea not null,
  counts int[] not null,
  recipients bigint[] not null,
  -- per program: components counted and their yearly amount (0 and the flat amount for flat
  -- programs), whether or not the family qualifies
  counted int[] not null,
  amounts bigint[] not null,
  results text[] not null,
  eval_amounts bigint[] not null,
  statuses text[] not null,
  amounts_per_year bigint[] not null,
  amounts_per_tahap bigint[] not null,
  prior_statuses text[] not null,
  prior_amounts_per_year bigint[] not null,
  prior_amounts_per_tahap bigint[] not null
);
-- Read and replaced a regency at a time: a plain index on the regency (deduplicated) costs a
-- third of a unique (regency, family) key to maintain; the run deletes before it inserts.
create index eligibility_facts_regency_idx on eligibility_facts (regency_code);
alter table eligibility_facts enable row level security;
create policy eligibility_facts_scope on eligibility_facts
  using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));

-- Which cycle, ranking, rules and layout a regency's facts were gathered for. A run that
-- decides a regency without rewriting all its facts (some programs only, a district, an
-- earlier cycle) deletes the row: facts without it are never used. No personal data.
create unlogged table eligibility_facts_regency (
  regency_code text primary key,
  cycle text not null,
  ranking_id bigint,
  -- [[program, version, hash], ...] in evaluation order: the per-program arrays' order
  rules jsonb not null,
  -- {"counts": [slot, ...], "recipients": [slot, ...]}
  layout jsonb not null,
  families int not null,
  job_id bigint,
  built_at timestamptz not null default now()
);

-- Ranking a million families inserted a million ranks through a per-row foreign-key check
-- (~5 µs each) and an index nothing reads: the ranking deletes its ranks itself.
alter table welfare_rank drop constraint welfare_rank_ranking_id_fkey;
drop index welfare_rank_family_idx;

grant select, insert, update, delete on eligibility_decision_set, eligibility_facts, eligibility_facts_regency to tepat_app;
grant select on eligibility_decision to tepat_app;
