-- The wake triggers of 0002 fired once per statement, and PostgreSQL fires a
-- statement trigger even when the statement changes no row: every claim's
-- "expire approvals past their time" announced a change, which woke every
-- replica to claim again, which announced again: a loop that kept each
-- replica busy and its one writing connection taken. Per row, a statement
-- that changes nothing announces nothing (PostgreSQL still folds the
-- identical notices of one transaction into one).
DROP TRIGGER workflows_wake ON workflows;
DROP TRIGGER approvals_wake ON approvals;
DROP TRIGGER runs_wake_insert ON runs;
DROP TRIGGER runs_wake_cancel ON runs;

CREATE TRIGGER workflows_wake AFTER INSERT OR UPDATE OR DELETE ON workflows
    FOR EACH ROW EXECUTE FUNCTION steward_wake();
CREATE TRIGGER approvals_wake AFTER INSERT OR UPDATE ON approvals
    FOR EACH ROW EXECUTE FUNCTION steward_wake();
CREATE TRIGGER runs_wake_insert AFTER INSERT ON runs
    FOR EACH ROW EXECUTE FUNCTION steward_wake();
CREATE TRIGGER runs_wake_cancel AFTER UPDATE OF cancel_requested_by ON runs
    FOR EACH ROW WHEN (NEW.cancel_requested_by IS NOT NULL) EXECUTE FUNCTION steward_wake();
