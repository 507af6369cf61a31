-- Accounts bound to a region, and server-side sessions (the cookie holds a random
-- token; only its SHA-256 is stored, so a database leak yields no usable session).

create table account (
  id bigint generated always as identity primary key,
  username text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
  role text not null check (role in ('pusat', 'dinsos', 'operator', 'pendamping', 'auditor', 'bank', 'agency')),
  -- 'ID' for national scope, otherwise a Kemendagri code at any level
  scope text not null,
  password_hash text not null,
  totp_secret_enc bytea,
  totp_last_step bigint,
  is_active boolean not null default true,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table session (
  token_hash bytea primary key,
  account_id bigint not null references account (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index session_account_idx on session (account_id);
