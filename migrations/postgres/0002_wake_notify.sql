-- Replicas wake each other: a change to a workflow, an answered approval, a
-- new run (run now, a follow-up) or a cancel request is announced on the
-- channel 'steward_wake' when its transaction commits, and every replica
-- listening looks at the database again at once instead of at its next
-- resync. Statement triggers, so one statement sends one notice, and
-- PostgreSQL folds identical notices of one transaction into one.
CREATE FUNCTION steward_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('steward_wake', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER workflows_wake AFTER INSERT OR UPDATE OR DELETE ON workflows
    FOR EACH STATEMENT EXECUTE FUNCTION steward_wake();
CREATE TRIGGER approvals_wake AFTER INSERT OR UPDATE ON approvals
    FOR EACH STATEMENT EXECUTE FUNCTION steward_wake();
CREATE TRIGGER runs_wake_insert AFTER INSERT ON runs
    FOR EACH STATEMENT EXECUTE FUNCTION steward_wake();
CREATE TRIGGER runs_wake_cancel AFTER UPDATE OF cancel_requested_by ON runs
    FOR EACH STATEMENT EXECUTE FUNCTION steward_wake();
