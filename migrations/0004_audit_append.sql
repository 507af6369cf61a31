-- The application appends audit records without being able to update the head row
-- directly: this function takes the head's row lock for the calling transaction.
create or replace function audit_lock_head() returns table (seq bigint, hash bytea)
language sql security definer as $$
  select h.seq, h.hash from audit_head h where h.id = 1 for update
$$;
revoke all on function audit_lock_head() from public;
