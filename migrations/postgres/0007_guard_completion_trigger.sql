-- The completion trigger's function (0001), unchanged but for its first
-- check: a run without an active follower returns at once, before its
-- output is parsed as JSON. SQLite's twin is guarded the same way
-- (migrations/sqlite/0030).

CREATE OR REPLACE FUNCTION runs_completion_follow_ups() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    v_output JSON;        -- NEW.output when it is JSON
    v_retries JSON;
    v_limit NUMERIC;
    v_answer JSON;
    v_ended BIGINT := COALESCE(NEW.ended_at, 0);
BEGIN
    -- Nearly every run has no follower: nothing to read or parse then.
    IF NOT EXISTS (SELECT 1 FROM workflows f
                   WHERE f.trigger_kind = 'after' AND f.status = 'active'
                     AND f.trigger_expression IN (NEW.workflow_id || ' finished',
                                                  NEW.workflow_id || ' succeeded',
                                                  NEW.workflow_id || ' failed')) THEN
        RETURN NULL;
    END IF;

    -- An interrupted run its retry policy will run again is not over yet
    -- (it runs again while attempt <= retries).
    IF NEW.status = 'interrupted' THEN
        SELECT CASE WHEN json_valid(s.policies) THEN s.policies::json -> 'retries' END
          INTO v_retries FROM workflows s WHERE s.id = NEW.workflow_id;
        CASE COALESCE(json_typeof(v_retries), 'null')
            WHEN 'null' THEN v_limit := 0;
            WHEN 'number' THEN v_limit := (v_retries #>> '{}')::NUMERIC;
            WHEN 'boolean' THEN v_limit := CASE WHEN v_retries::text = 'true' THEN 1 ELSE 0 END;
            ELSE RETURN NULL;  -- string, object, array: SQLite's integer < text
        END CASE;
        IF NEW.attempt <= v_limit THEN
            RETURN NULL;
        END IF;
    END IF;

    -- The summary: the first "answer" of an object among the output's
    -- members (an object) or elements (an array), else the error, else the
    -- status. A boolean answer is 1/0, as SQLite's json_extract gives it.
    IF json_valid(NEW.output) THEN
        v_output := NEW.output::json;
        IF json_typeof(v_output) = 'object' THEN
            SELECT e.value -> 'answer' INTO v_answer
              FROM json_each(v_output) WITH ORDINALITY AS e (key, value, n)
             WHERE json_typeof(e.value) = 'object' AND json_typeof(e.value -> 'answer') <> 'null'
             ORDER BY e.n LIMIT 1;
        ELSIF json_typeof(v_output) = 'array' THEN
            SELECT e.value -> 'answer' INTO v_answer
              FROM json_array_elements(v_output) WITH ORDINALITY AS e (value, n)
             WHERE json_typeof(e.value) = 'object' AND json_typeof(e.value -> 'answer') <> 'null'
             ORDER BY e.n LIMIT 1;
        END IF;
        IF json_typeof(v_answer) = 'boolean' THEN
            v_answer := to_json(CASE WHEN v_answer::text = 'true' THEN 1 ELSE 0 END);
        END IF;
    END IF;

    INSERT INTO runs (workflow_id, workflow_version, trigger, scheduled_for, status, input, created_at)
    SELECT w.id, w.version, 'after',
           -- One run per (workflow, slot): the end time, moved past any run
           -- the follower already has there.
           GREATEST(v_ended, COALESCE((SELECT MAX(r.scheduled_for) + 1 FROM runs r
                                       WHERE r.workflow_id = w.id AND r.scheduled_for >= v_ended), 0)),
           'queued',
           json_build_object(
               'workflow_id', NEW.workflow_id,
               'workflow', (SELECT s.name FROM workflows s WHERE s.id = NEW.workflow_id),
               'run_id', NEW.id,
               'status', NEW.status,
               'error', NEW.error,
               'summary', COALESCE(v_answer, to_json(NEW.error), to_json(NEW.status)),
               'output', COALESCE(v_output, to_json(NEW.output)))::TEXT,
           v_ended
      FROM workflows w
     WHERE w.trigger_kind = 'after' AND w.status = 'active'
       AND w.trigger_expression IN (
             NEW.workflow_id || ' finished',
             NEW.workflow_id || CASE WHEN NEW.status = 'succeeded' THEN ' succeeded' ELSE ' failed' END);
    RETURN NULL;
END
$$;
