-- Eligibility and targeting: measured consumption (survey), proxy-means-test models,
-- welfare rankings (desil), program decisions per cycle, exit notices, village funds.
-- Per-family tables carry regency_code and village_code like family does: every unique
-- key includes regency_code, and row-level security scopes them by village.

-- Measured monthly per-capita consumption of surveyed families (the PMT's target).
create table consumption_survey (
  family_id bigint not null,
  regency_code text not null,
  village_code text not null,
  consumption_per_capita bigint not null check (consumption_per_capita > 0),
  poverty_line bigint check (poverty_line > 0),
  source text not null,
  loaded_at timestamptz not null default now(),
  primary key (family_id, regency_code),
  foreign key (family_id, regency_code) references family (id, regency_code) on update cascade on delete cascade
);

-- Fitted PMT weights, versioned; the active one ranks families.
create table pmt_model (
  id bigint generated always as identity primary key,
  version text not null unique,
  feature_set text not null,
  weights jsonb not null,
  metrics jsonb not null,
  is_active boolean not null default false,
  created_by text not null,
  created_at timestamptz not null default now()
);
create unique index pmt_model_one_active on pmt_model ((true)) where is_active;

-- One ranking of all families into desil 1-10; the current one feeds the programs.
create table welfare_ranking (
  id bigint generated always as identity primary key,
  method text not null check (method in ('pmt', 'bps14')),
  model_id bigint references pmt_model (id),
  reference_date date not null,
  families bigint not null default 0,
  is_current boolean not null default false,
  created_by text not null,
  created_at timestamptz not null default now()
);
create unique index welfare_ranking_one_current on welfare_ranking ((true)) where is_current;

create table welfare_rank (
  ranking_id bigint not null references welfare_ranking (id) on delete cascade,
  family_id bigint not null,
  regency_code text not null,
  village_code text not null,
  -- predicted log monthly per-capita consumption (PMT), lower is poorer
  pmt_score double precision,
  pmt_desil smallint check (pmt_desil between 1 and 10),
  -- how many of the observable BPS poor-household criteria the family meets
  bps14_count smallint not null,
  bps14_desil smallint not null check (bps14_desil between 1 and 10),
  -- the desil of the ranking's method, used by program rules
  desil smallint not null check (desil between 1 and 10),
  percentile real not null,
  primary key (ranking_id, regency_code, family_id)
);
create index welfare_rank_family_idx on welfare_rank (family_id);

-- A decision per program, family and cycle (YYYY-MM): what was decided, on which rule
-- version and inputs, for how much, and why (reasons in Bahasa Indonesia).
create table eligibility_decision (
  regency_code text not null,
  program text not null,
  family_id bigint not null,
  cycle text not null check (cycle ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  village_code text not null,
  rule_version text not null,
  ranking_id bigint,
  input_hash bytea not null,
  -- the rule's verdict on this cycle's data
  result text not null check (result in ('layak', 'tidak_layak', 'di_luar_kuota')),
  -- enrolment after the verdict: families that stop qualifying exit at the next cycle
  status text not null check (status in ('masuk', 'tetap', 'keluar_berikutnya', 'keluar', 'tidak_layak', 'di_luar_kuota')),
  tahap_per_year smallint not null,
  amount_per_tahap bigint not null,
  amount_per_year bigint not null,
  recipient_member_id bigint,
  reasons text[] not null,
  components jsonb,
  job_id bigint,
  decided_at timestamptz not null default now(),
  -- also serves one family's decisions: its regency is known from the family row
  primary key (regency_code, program, family_id, cycle)
);

-- Notices to families, e.g. that they leave a program at the next cycle, and why.
create table eligibility_notice (
  id bigint generated always as identity,
  regency_code text not null,
  village_code text not null,
  family_id bigint not null,
  program text not null,
  cycle text not null,
  kind text not null check (kind in ('keluar_berikutnya')),
  message text not null,
  job_id bigint,
  created_at timestamptz not null default now(),
  primary key (id, regency_code),
  unique (regency_code, program, family_id, cycle, kind)
);
create index eligibility_notice_family_idx on eligibility_notice (family_id);

-- Dana Desa per village and year, for the BLT Dana Desa quota (rules carry a default).
create table village_fund (
  village_code text not null references region (code),
  year smallint not null,
  amount bigint not null check (amount >= 0),
  primary key (village_code, year)
);

alter table consumption_survey enable row level security;
alter table welfare_rank enable row level security;
alter table eligibility_decision enable row level security;
alter table eligibility_notice enable row level security;
create policy consumption_survey_scope on consumption_survey using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy welfare_rank_scope on welfare_rank using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy eligibility_decision_scope on eligibility_decision using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy eligibility_notice_scope on eligibility_notice using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));

grant select, insert, update, delete on consumption_survey, welfare_rank, eligibility_decision, eligibility_notice to tepat_app;
grant select, insert, update on pmt_model, welfare_ranking, village_fund to tepat_app;
grant delete on welfare_ranking to tepat_app;
grant usage, select on all sequences in schema public to tepat_app;
