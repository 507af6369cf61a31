-- Identity resolution in the registry (src/identity): per-person blocking keys for
-- the incremental check, stored match models, scored candidate pairs with their
-- explanation and review state, and merge lineage that can be undone.
-- Per-person rows carry regency_code (distribution column) and village_code (scope).

-- Match models (src/dedup MatchModel as JSON), one row per estimation. No personal rows:
-- name-part frequencies only.
create table identity_model (
  id bigint generated always as identity primary key,
  -- region whose records the model was estimated from ('ID' = whole registry)
  scope text not null,
  model jsonb not null,
  records integer not null,
  created_by text not null,
  created_at timestamptz not null default now()
);

-- Blocking keys of each person: 64-bit hashes of the engine's key strings (NIK-derived
-- keys with a secret derived from the blind-index key, so they cannot be tested against
-- guessed NIKs). Candidates for a person are the people sharing a key; a key held by
-- more people than the engine's block cap is ignored at lookup time.
create table identity_key (
  member_id bigint not null,
  regency_code text not null,
  village_code text not null,
  key_hash bigint not null,
  primary key (member_id, regency_code, key_hash)
);
create index identity_key_lookup_idx on identity_key (key_hash) include (member_id, regency_code, village_code);

-- Which member content the stored keys were computed from: a re-run recomputes only
-- members whose row_hash or village changed since.
create table identity_keyed (
  member_id bigint not null,
  regency_code text not null,
  village_code text not null,
  row_hash bytea not null,
  keyed_village text not null,
  keys_version smallint not null,
  primary key (member_id, regency_code)
);

-- Candidate pairs scored at or above the review threshold. member_a < member_b; the
-- pair lives in member a's regency (a < b by (id, regency)). status is the review state: 'accepted' by an
-- officer or automatically (decided_by 'auto:…': the engine's clustering put both in one
-- group), 'pending' in the review queue, 'rejected' by an officer.
create table identity_pair (
  id bigint generated always as identity,
  regency_code text not null,
  member_a bigint not null,
  village_a text not null,
  member_b bigint not null,
  regency_b text not null,
  village_b text not null,
  model_id bigint not null references identity_model (id),
  weight real not null,
  probability double precision not null,
  decision text not null check (decision in ('link', 'review')),
  cannot_link boolean not null,
  -- src/dedup PairExplanation: per-field levels, weights and notes in Bahasa Indonesia
  explanation jsonb not null,
  -- why an automatic link was held back for review (cohesion, family rule), if it was
  held_reason text,
  status text not null check (status in ('pending', 'accepted', 'rejected')),
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  found_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, regency_code),
  unique (member_a, regency_code, member_b, regency_b),
  check ((member_a, regency_code) < (member_b, regency_b))
);
create index identity_pair_b_idx on identity_pair (member_b, regency_b);
create index identity_pair_queue_idx on identity_pair (status, probability desc, id);

-- Merges: the survivor and, per merged record, its full row (and the rows that
-- referenced it) as they were, so that unmerge restores every field exactly.
create table identity_merge (
  id bigint generated always as identity,
  regency_code text not null,
  village_code text not null,
  survivor_id bigint not null,
  merged_ids bigint[] not null,
  -- survivor row before the merge, when the merge changed its fields (else null)
  survivor_before jsonb,
  -- survivor row_hash and version right after the merge: unmerge refuses if it changed since
  survivor_after_hash bytea not null,
  survivor_after_version integer not null,
  -- field → member id whose value the survivor took
  fields jsonb not null default '{}',
  -- review state of the pairs among the merged records before the merge: [{id, regencyCode, status, decidedBy, decidedAt, decisionNote}]
  pair_states jsonb not null default '[]',
  reason text not null,
  merged_by text not null,
  merged_at timestamptz not null default now(),
  status text not null default 'merged' check (status in ('merged', 'unmerged')),
  unmerged_by text,
  unmerged_at timestamptz,
  unmerge_reason text,
  primary key (id, regency_code)
);
create index identity_merge_survivor_idx on identity_merge (survivor_id, regency_code);

create table identity_merge_member (
  merge_id bigint not null,
  merge_regency text not null,
  member_id bigint not null,
  regency_code text not null,
  village_code text not null,
  -- to_jsonb(member) as it was, ciphertexts included (still encrypted)
  record jsonb not null,
  -- rows of other tables that referenced the member (deleted with it by cascade): [{table, rows}]
  dependents jsonb not null default '[]',
  primary key (merge_id, merge_regency, member_id, regency_code),
  foreign key (merge_id, merge_regency) references identity_merge (id, regency_code)
);
create index identity_merge_member_idx on identity_merge_member (member_id, regency_code);

-- A member that moves village (family_move_members) takes its identity rows along, so
-- scope holds. Security definer: a pair's other side may be outside the mover's scope.
create or replace function identity_follow_member() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  update identity_key set village_code = new.village_code
   where member_id = new.id and regency_code = new.regency_code and village_code <> new.village_code;
  update identity_keyed set village_code = new.village_code
   where member_id = new.id and regency_code = new.regency_code and village_code <> new.village_code;
  update identity_pair set village_a = new.village_code
   where member_a = new.id and regency_code = new.regency_code and village_a <> new.village_code;
  update identity_pair set village_b = new.village_code
   where member_b = new.id and regency_b = new.regency_code and village_b <> new.village_code;
  return null;
end
$$;
create trigger member_identity_village after update of village_code on member
  for each row when (old.village_code is distinct from new.village_code)
  execute function identity_follow_member();

-- A deleted member (merged, or removed by any other path) leaves no blocking keys behind;
-- its pairs stay as history and drop out of the queue, which joins the member rows.
create or replace function identity_forget_members() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  delete from identity_key k using old_rows o where k.member_id = o.id and k.regency_code = o.regency_code;
  delete from identity_keyed k using old_rows o where k.member_id = o.id and k.regency_code = o.regency_code;
  return null;
end
$$;
create trigger member_identity_forget after delete on member referencing old table as old_rows
  for each statement execute function identity_forget_members();

alter table identity_key enable row level security;
alter table identity_keyed enable row level security;
alter table identity_pair enable row level security;
alter table identity_merge enable row level security;
alter table identity_merge_member enable row level security;
create policy identity_key_scope on identity_key using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy identity_keyed_scope on identity_keyed using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
-- A pair is seen (and decided) only by whoever covers both people.
create policy identity_pair_scope on identity_pair
  using (tepat_scope_allows(village_a) and tepat_scope_allows(village_b))
  with check (tepat_scope_allows(village_a) and tepat_scope_allows(village_b));
create policy identity_merge_scope on identity_merge using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));
create policy identity_merge_member_scope on identity_merge_member using (tepat_scope_allows(village_code)) with check (tepat_scope_allows(village_code));

-- Privileges of the application role (grants.sql belongs to the platform; these are ours).
grant select, insert on identity_model to tepat_app;
grant select, insert, update, delete on identity_key, identity_keyed to tepat_app;
grant select, insert, update on identity_pair, identity_merge to tepat_app;
grant select, insert on identity_merge_member to tepat_app;
grant usage, select on sequence identity_model_id_seq, identity_pair_id_seq, identity_merge_id_seq to tepat_app;
