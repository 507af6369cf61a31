-- Re-encryption under a new key rewrites only ciphertexts: the content (row_hash) is the
-- same, so it is not a change of the family or member and is not recorded as one (the
-- rotation itself is in the audit trail). Content changes always change row_hash.
create or replace function record_registry_change() returns trigger
language plpgsql as $$
declare
  who text := coalesce(nullif(current_setting('tepat.actor', true), ''), current_user);
  chan text := nullif(current_setting('tepat.channel', true), '');
  req text := nullif(current_setting('tepat.request_id', true), '');
  entity text := tg_table_name;
begin
  if tg_op = 'INSERT' then
    insert into registry_change (regency_code, village_code, entity_type, entity_id, op, actor, channel, request_id, source_file_id, source_row)
    select n.regency_code, n.village_code, entity, n.id, 'insert', who, chan, req, n.source_file_id, n.source_row from new_rows n;
  elsif tg_op = 'UPDATE' then
    insert into registry_change (regency_code, village_code, entity_type, entity_id, op, actor, channel, request_id, source_file_id, source_row, changes)
    select n.regency_code, n.village_code, entity, n.id, 'update', who, chan, req, n.source_file_id, n.source_row, c.changes
      from new_rows n join old_rows o on o.id = n.id and o.regency_code = n.regency_code
      cross join lateral (select registry_changes_of(to_jsonb(o), to_jsonb(n)) as changes) c
     where o.row_hash is distinct from n.row_hash
        or exists (select 1 from jsonb_object_keys(c.changes) k where k not like '%\_enc' and k not like '%\_bidx');
  else
    insert into registry_change (regency_code, village_code, entity_type, entity_id, op, actor, channel, request_id, changes)
    select o.regency_code, o.village_code, entity, o.id, 'delete', who, chan, req, to_jsonb(o) from old_rows o;
  end if;
  return null;
end
$$;
