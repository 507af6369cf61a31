-- Civil-registry (Dukcapil) integration: verification records and each member's current
-- verification status, the event feed's cursor, the ledger of applied events (each event
-- applied exactly once) and the cases and proposals that events open for review.
-- Rows about a family or member carry regency_code/village_code for scope and sharding.

-- Every answer of the civil registry about a member, append-only: when, from where,
-- and the per-field result ("sesuai"/"tidak_sesuai"), never the registry's own values.
create table civil_verification (
  id bigint generated always as identity,
  regency_code text not null,
  village_code text not null,
  member_id bigint not null,
  -- member.version that was checked: a later edit of the member makes the check stale
  member_version integer not null,
  checked_at timestamptz not null default now(),
  source text not null,
  from_cache boolean not null default false,
  outcome text not null check (outcome in ('verified', 'mismatch', 'not_found', 'deceased')),
  nik_status text not null check (nik_status in ('aktif', 'meninggal', 'tidak_ditemukan')),
  name_result text check (name_result in ('sesuai', 'tidak_sesuai')),
  name_score smallint,
  birth_date_result text check (birth_date_result in ('sesuai', 'tidak_sesuai')),
  kk_result text check (kk_result in ('sesuai', 'tidak_sesuai')),
  actor text not null,
  primary key (id, regency_code)
);
create index civil_verification_member_idx on civil_verification (member_id, checked_at);

-- The latest verification per member: what reports count and what "not yet checked" means
-- (no row, an older member version, or a registry change since).
create table civil_member_status (
  member_id bigint not null,
  regency_code text not null,
  village_code text not null,
  member_version integer not null,
  outcome text not null check (outcome in ('verified', 'mismatch', 'not_found', 'deceased')),
  mismatched text[] not null default '{}',
  verification_id bigint not null,
  checked_at timestamptz not null,
  needs_recheck boolean not null default false,
  primary key (member_id, regency_code),
  foreign key (member_id, regency_code) references member (id, regency_code) on update cascade on delete cascade
);
create index civil_member_status_village_idx on civil_member_status (village_code);

-- A member who moves village (family_move_members) takes the status row along, so scope holds.
create or replace function civil_status_follow_member() returns trigger
language plpgsql as $$
begin
  update civil_member_status set village_code = new.village_code
   where member_id = new.id and regency_code = new.regency_code and village_code <> new.village_code;
  return null;
end
$$;
create trigger member_civil_status_village after update of village_code on member
  for each row when (old.village_code is distinct from new.village_code)
  execute function civil_status_follow_member();

-- Where the event feed of each registry (source) has been read up to.
create table civil_cursor (
  source text primary key,
  cursor text not null,
  updated_at timestamptz not null default now()
);

-- Ledger of events received from the registry: the key (source, event_id) makes each
-- event take effect at most once; the effect, the ledger row and the cursor commit in one
-- transaction, so at least once as well. Events about nobody in the registry are kept
-- too (village_code null: visible to national scope only).
create table civil_event (
  source text not null,
  event_id text not null,
  seq bigint not null,
  event_type text not null,
  occurred_on date,
  published_at timestamptz,
  received_at timestamptz not null default now(),
  outcome text not null check (outcome in ('applied', 'skipped', 'unreadable')),
  reason text not null,
  regency_code text,
  village_code text,
  member_ids bigint[] not null default '{}',
  family_id bigint,
  primary key (source, event_id)
);
create index civil_event_seq_idx on civil_event (source, seq);
create index civil_event_village_idx on civil_event (village_code) where village_code is not null;

-- Cases for review (a death: the member is already marked deceased, a person decides) and
-- proposals (move, KK change, correction, birth) that change nothing until accepted.
create table civil_case (
  id bigint generated always as identity,
  regency_code text not null,
  village_code text not null,
  kind text not null check (kind in ('death', 'move', 'kk_change', 'correction', 'birth')),
  status text not null default 'open' check (status in ('open', 'accepted', 'rejected')),
  source text not null,
  -- the event that opened it; null when a verification found the death
  event_id text,
  family_id bigint,
  member_id bigint,
  -- what is proposed, without identifiers (village code, field and values, name, sex…)
  details jsonb not null default '{}',
  proposed_kk_enc bytea,
  proposed_kk_bidx bytea,
  proposed_nik_enc bytea,
  proposed_nik_bidx bytea,
  opened_at timestamptz not null default now(),
  opened_by text not null,
  decided_at timestamptz,
  decided_by text,
  decision_note text,
  primary key (id, regency_code)
);
create unique index civil_case_event_idx on civil_case (source, event_id, coalesce(member_id, 0), coalesce(family_id, 0), regency_code)
  where event_id is not null;
-- One open death review per member, whether the feed or a verification found it first.
create unique index civil_case_open_death_idx on civil_case (member_id, regency_code) where kind = 'death' and status = 'open';
create index civil_case_village_idx on civil_case (village_code, status, kind);

alter table civil_verification enable row level security;
alter table civil_member_status enable row level security;
alter table civil_event enable row level security;
alter table civil_case enable row level security;
create policy civil_verification_scope on civil_verification using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy civil_member_status_scope on civil_member_status using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy civil_event_scope on civil_event using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy civil_case_scope on civil_case using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));

-- Privileges of the application role (grants.sql belongs to the platform; these are ours).
grant select, insert on civil_verification to tepat_app;
grant select, insert, update on civil_member_status to tepat_app;
grant select, insert, update on civil_cursor to tepat_app;
grant select, insert on civil_event to tepat_app;
grant select, insert, update on civil_case to tepat_app;
grant usage, select on sequence civil_verification_id_seq, civil_case_id_seq to tepat_app;
