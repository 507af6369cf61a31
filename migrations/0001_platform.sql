-- Platform: application role, region scope, regions, code lists, audit trail, keys, jobs.

-- The application runs as tepat_app inside every scoped transaction (SET LOCAL ROLE),
-- so row-level security applies even though the connecting role owns the tables.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'tepat_app') then
    create role tepat_app nologin;
  end if;
end
$$;

-- Region scope of the current transaction: 'ID' (national) or a Kemendagri code prefix.
-- No scope set means no rows: a forgotten setting fails closed.
create or replace function tepat_scope_allows(code text) returns boolean
language sql stable parallel safe as $$
  select case coalesce(current_setting('tepat.scope', true), '')
    when '' then false
    when 'ID' then true
    else code = current_setting('tepat.scope', true)
      or left(code, length(current_setting('tepat.scope', true)) + 1) = current_setting('tepat.scope', true) || '.'
  end
$$;

create table region (
  code text primary key,
  parent_code text references region (code),
  level smallint not null check (level between 1 and 4),
  name text not null,
  -- lower-case, "Kabupaten"/"Kab."/"Kota" prefixes removed, spacing collapsed: for lookup by name
  name_key text not null
);
create index region_parent_idx on region (parent_code);
create index region_name_key_idx on region (name_key, level);

create table code_list (
  list text not null,
  code text not null,
  questionnaire_no smallint not null,
  label_id text not null,
  label_en text not null,
  primary key (list, code)
);

-- Append-only, hash-chained audit trail. The hash is computed by the application
-- (src/platform/audit-chain.ts); the head row serialises writers so the chain has no forks.
create table audit_log (
  seq bigint primary key,
  occurred_at timestamptz not null,
  actor text not null,
  actor_role text not null,
  scope text not null,
  channel text not null,
  action text not null,
  entity_type text not null,
  entity_id text,
  changes text not null,
  request_id text,
  prev_hash bytea not null,
  hash bytea not null
);
create index audit_log_entity_idx on audit_log (entity_type, entity_id);

create table audit_head (
  id smallint primary key check (id = 1),
  seq bigint not null,
  hash bytea not null
);
insert into audit_head values (1, 0, decode(repeat('00', 32), 'hex'));

create or replace function audit_log_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = '42501';
end
$$;

create or replace function audit_log_advance_head() returns trigger
language plpgsql security definer as $$
declare
  head audit_head%rowtype;
begin
  select * into head from audit_head where id = 1 for update;
  if new.seq <> head.seq + 1 or new.prev_hash <> head.hash then
    raise exception 'audit_log out of order: expected seq % after head', head.seq + 1 using errcode = '40001';
  end if;
  update audit_head set seq = new.seq, hash = new.hash where id = 1;
  return new;
end
$$;

create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();
create trigger audit_log_head after insert on audit_log
  for each row execute function audit_log_advance_head();

-- Data-encryption keys, wrapped by the master key (src/platform/crypto.ts).
create table crypto_key (
  id smallint primary key,
  purpose text not null default 'field',
  wrapped_key bytea not null,
  provider text not null,
  created_at timestamptz not null default now(),
  is_current boolean not null default false
);
create unique index crypto_key_one_current on crypto_key (purpose) where is_current;

-- Durable background jobs: resumable from their cursor, safe to run twice.
create table job (
  id bigint generated always as identity primary key,
  kind text not null,
  params jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed', 'cancelled')),
  cursor text,
  progress_done bigint not null default 0,
  progress_total bigint,
  result jsonb,
  error text,
  created_by text not null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  heartbeat_at timestamptz
);
create index job_status_idx on job (status, kind);
