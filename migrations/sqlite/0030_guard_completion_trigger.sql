-- The completion trigger of 0025, its body unchanged, now entered only for
-- a run that has an active follower. SQLite sets up the whole body for each
-- row the WHEN clause lets in, even when its SELECT then finds no follower:
-- that cost about 100 µs a run's end (measured with the trigger in place and
-- without it), most of the time a burst of 10,000 runs took to record their
-- ends. The follower check is one probe of the partial index
-- workflows_after, which holds the followers only.

DROP TRIGGER runs_completion_follow_ups;

CREATE TRIGGER runs_completion_follow_ups
AFTER UPDATE OF status ON runs
WHEN NEW.status IN ('succeeded', 'failed', 'guardrail', 'interrupted')
     AND OLD.status NOT IN ('succeeded', 'failed', 'guardrail', 'interrupted', 'missed', 'skipped')
     -- Checked before the body: nearly every run has no follower.
     AND EXISTS (SELECT 1 FROM workflows f
                 WHERE f.trigger_kind = 'after' AND f.status = 'active'
                   AND f.trigger_expression IN (NEW.workflow_id || ' finished',
                                                NEW.workflow_id || ' succeeded',
                                                NEW.workflow_id || ' failed'))
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
