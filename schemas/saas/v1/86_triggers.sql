-- Triggers.

CREATE TRIGGER accounts_set_updated_at
    BEFORE UPDATE ON public.accounts
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER tasks_set_updated_at
    BEFORE UPDATE ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Names tasks.status: v2 -> v1 converts that column (the enum task_status is rebuilt), so the
-- trigger is dropped first and created again after.
CREATE TRIGGER tasks_stamp_completed_at
    BEFORE UPDATE OF status ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.stamp_completed_at();
COMMENT ON TRIGGER tasks_stamp_completed_at ON public.tasks IS 'Keeps completed_at consistent with status';

CREATE TRIGGER tasks_notify
    AFTER UPDATE OF status ON public.tasks
    FOR EACH ROW
    WHEN (public.task_needs_notification(OLD.status, NEW.status))
    EXECUTE FUNCTION public.notify_task_change();

-- Only changes made by the application itself are audited, not those made by other triggers.
CREATE TRIGGER memberships_audit
    AFTER INSERT OR UPDATE OR DELETE ON public.memberships
    FOR EACH ROW
    WHEN (pg_trigger_depth() = 0)
    EXECUTE FUNCTION audit.record_change('user_id');
COMMENT ON TRIGGER memberships_audit ON public.memberships IS 'Role changes are security relevant';

-- Status and plan changes are what billing disputes are about.
CREATE TRIGGER subscriptions_audit
    AFTER UPDATE ON billing.subscriptions
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.plan_id IS DISTINCT FROM NEW.plan_id)
    EXECUTE FUNCTION audit.record_change('id');

-- An event trigger: it belongs to the database, not to a schema.
CREATE EVENT TRIGGER log_ddl_commands ON ddl_command_end
    EXECUTE FUNCTION audit.log_ddl_command();
COMMENT ON EVENT TRIGGER log_ddl_commands IS 'Logs DDL at DEBUG1';
