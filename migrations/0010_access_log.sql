-- Reads of personal data: who looked at whose record, why, when. Append-only like the audit
-- trail, but not chained: reads are frequent and must not serialise on the chain's head.
create table access_log (
  id bigint generated always as identity,
  regency_code text not null,
  village_code text not null,
  occurred_at timestamptz not null default now(),
  actor text not null,
  actor_role text not null,
  entity_type text not null,
  entity_id bigint not null,
  -- 'record' (full record, identifiers masked) or 'unmasked' (identifiers in clear)
  kind text not null check (kind in ('record', 'unmasked')),
  purpose text,
  request_id text,
  primary key (id, regency_code)
);
create index access_log_entity_idx on access_log (entity_type, entity_id);
create index access_log_actor_idx on access_log (actor, occurred_at);

create trigger access_log_no_update before update or delete on access_log
  for each row execute function audit_log_refuse_change();
create trigger access_log_no_truncate before truncate on access_log
  for each statement execute function audit_log_refuse_change();

alter table access_log enable row level security;
create policy access_log_insert on access_log for insert with check (tepat_scope_allows(village_code));
-- Only auditors (and national administrators) read the access log.
create policy access_log_read on access_log for select
  using (current_setting('tepat.actor_role', true) in ('auditor', 'pusat') and tepat_scope_allows(village_code));
