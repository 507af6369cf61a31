-- Officer console (docs/console-api.md): who handles a citizen's submission in the queue.
-- The assignment itself is also an internal event in portal_submission_event (action
-- 'noted', officers only) and an audit record; these columns hold the current value.
alter table portal_submission add column assigned_to text;
alter table portal_submission add column assigned_at timestamptz;
create index portal_submission_assigned_idx on portal_submission (assigned_to, sla_due_at)
  where assigned_to is not null and closed_at is null;
