-- Incremental identity check after an import (issue 4): the members a members file
-- inserted or changed (member.source_file_id = the import) are checked against the
-- registry in chunks after the import, each chunk committing its pairs and the cursor
-- together, so a killed check resumes after its last committed chunk.

-- Last member id checked (members are walked in id order); null: the check has not started.
alter table import_file add column identity_checked_through bigint;
-- null: not checked (yet); 'done': every member of the import was checked; 'skipped': left
-- to the regency-wide job (`tepat identity run`), by choice or because the file was large.
alter table import_file add column identity_check_status text
  check (identity_check_status in ('done', 'skipped'));

-- The check walks an import's members by keyset (source_file_id, id > cursor).
create index member_source_file_idx on member (source_file_id, id) where source_file_id is not null;
