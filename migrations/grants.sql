-- Privileges of the application role, re-applied after every migration run (idempotent).
-- The audit trail is insert-only for the application; its trigger refuses changes to anyone.
grant usage on schema public to tepat_app;
grant select on region, code_list, crypto_key, audit_head to tepat_app;
grant select, insert, update, delete on family, member, job to tepat_app;
grant select, insert on registry_change, audit_log to tepat_app;
grant select, insert, update on import_file to tepat_app;
grant select, insert on import_reject to tepat_app;
grant usage, select on all sequences in schema public to tepat_app;
grant select, update on account to tepat_app;
grant select, insert, update on session to tepat_app;
grant execute on function audit_lock_head() to tepat_app;
grant select, insert on access_log to tepat_app;
