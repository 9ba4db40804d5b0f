-- Completion triggers ("after"): a workflow whose trigger_expression is
-- '<workflow id> succeeded|failed|finished' gets a queued run when a run of
-- that workflow ends that way. The run is written by the same statement
-- that records the end, so a restart between the two runs loses nothing:
-- the scheduler starts queued runs when it claims.

-- Which workflows follow a given one: looked up on every run's end.
CREATE INDEX workflows_after ON workflows (trigger_expression) WHERE trigger_kind = 'after';

CREATE TRIGGER runs_completion_follow_ups
AFTER UPDATE OF status ON runs
WHEN NEW.status IN ('succeeded', 'failed', 'guardrail', 'interrupted')
     AND OLD.status NOT IN ('succeeded', 'failed', 'guardrail', 'interrupted', 'missed', 'skipped')
BEGIN
    INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, input, created_at)
    SELECT w.id, w.version, 'after',
           -- One run per (workflow, slot): the slot is the end time, moved
           -- past any run the follower already has there.
           MAX(COALESCE(NEW.ended_at, 0),
               COALESCE((SELECT MAX(r.scheduled_for) + 1 FROM runs r
                         WHERE r.workflow_id = w.id
                           AND r.scheduled_for >= COALESCE(NEW.ended_at, 0)), 0)),
           'queued',
           json_object('workflow_id', NEW.workflow_id,
                       'workflow', (SELECT s.name FROM workflows s WHERE s.id = NEW.workflow_id),
                       'run_id', NEW.id,
                       'status', NEW.status,
                       'error', NEW.error,
                       -- The first answer of an agent step, else the error:
                       -- what "send me its summary" sends.
                       'summary', COALESCE(
                           CASE WHEN json_valid(NEW.output) THEN
                               (SELECT json_extract(e.value, '$.answer') FROM json_each(NEW.output) e
                                WHERE e.type = 'object' AND json_extract(e.value, '$.answer') IS NOT NULL
                                LIMIT 1)
                           END,
                           NEW.error,
                           NEW.status),
                       'output', CASE WHEN json_valid(NEW.output) THEN json(NEW.output) ELSE NEW.output END),
           COALESCE(NEW.ended_at, 0)
    FROM workflows w
    WHERE w.trigger_kind = 'after' AND w.status = 'active'
      -- An interrupted run its retry policy will run again is not over yet
      -- (the retry policy runs it again while attempt <= retries).
      AND (NEW.status <> 'interrupted' OR NEW.attempt > COALESCE(
            (SELECT CASE WHEN json_valid(s.policies) THEN json_extract(s.policies, '$.retries') END
             FROM workflows s WHERE s.id = NEW.workflow_id), 0))
      AND w.trigger_expression IN (
            NEW.workflow_id || ' finished',
            NEW.workflow_id || CASE WHEN NEW.status = 'succeeded' THEN ' succeeded' ELSE ' failed' END);
END;
