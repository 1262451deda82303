-- Functions and procedures of the application. Created after the tables: the bodies of SQL-language
-- functions are checked against them when they are created.

-- Trigger function: every BEFORE UPDATE row trigger on a table with an updated_at column.
CREATE FUNCTION public.set_updated_at()
    RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION public.set_updated_at() IS 'Stamps updated_at on every row update (BEFORE UPDATE row triggers only)';

-- Trigger function: keeps tasks.completed_at in step with the status (tasks_completed_when_done).
CREATE FUNCTION public.stamp_completed_at()
    RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.status = 'done' AND OLD.status <> 'done' THEN
        NEW.completed_at := now();
    ELSIF NEW.status <> 'done' THEN
        NEW.completed_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

-- Whether a task change is worth a notification (called in the WHEN of tasks_notify). Release 2
-- also notifies on a new assignee.
CREATE FUNCTION public.task_needs_notification(old_status public.task_status, new_status public.task_status,
                                               old_assignee uuid, new_assignee uuid)
    RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$SELECT (old_status IS DISTINCT FROM new_status AND new_status IN ('in_review', 'done'))
           OR old_assignee IS DISTINCT FROM new_assignee$$;
COMMENT ON FUNCTION public.task_needs_notification(public.task_status, public.task_status, uuid, uuid) IS 'Status reached review or done, or the assignee changed';

-- Trigger function: queues a notification for the assignee of a changed task.
CREATE FUNCTION public.notify_task_change()
    RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.assignee_id IS NOT NULL THEN
        INSERT INTO public.notifications (user_id, kind, payload)
        VALUES (NEW.assignee_id, 'task.' || NEW.status,
                jsonb_build_object('task_id', NEW.id, 'title', NEW.title));
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION public.notify_task_change() IS 'Queues an in-app notification for the assignee';

-- Audit trigger function for any tenant-owned table. TG_ARGV[0] names the column that identifies a row.
CREATE FUNCTION audit.record_change()
    RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
    INSERT INTO audit.events (account_id, "user", action, target_table, target_id, old_row, new_row, request_id)
    VALUES ((coalesce(new_row, old_row) ->> 'account_id')::bigint,
            current_user,
            CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END::audit.action_kind,
            TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
            coalesce(new_row, old_row) ->> TG_ARGV[0],
            old_row,
            new_row,
            nullif(current_setting('app.request_id', true), '')::uuid);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit.record_change() IS 'Writes one audit.events row per changed row';

-- Hash of an API key secret as stored in api_keys.key_hash (pgcrypto).
CREATE FUNCTION public.hash_api_key(secret text)
    RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$SELECT public.digest(secret, 'sha256')$$;
COMMENT ON FUNCTION public.hash_api_key(text) IS 'SHA-256 of an API key secret';

-- What is still owed on an invoice, in the invoice's currency. Release 2 subtracts credit notes.
CREATE FUNCTION billing.invoice_balance(invoice_id bigint)
    RETURNS billing.money_amount
    LANGUAGE sql STABLE
    AS $$
SELECT ROW(i.total_cents
           - coalesce((SELECT sum(p.amount_cents) FROM billing.payments p
                       WHERE p.invoice_id = i.id AND p.status = 'succeeded'), 0)
           - coalesce((SELECT sum(c.amount_cents) FROM billing.credit_notes c WHERE c.invoice_id = i.id), 0),
           i.currency)::billing.money_amount
FROM billing.invoices i
WHERE i.id = invoice_balance.invoice_id
$$;

-- Report: paid revenue of one account per month over the last `months` months.
CREATE FUNCTION billing.revenue_by_month(account_id bigint, months integer DEFAULT 12)
    RETURNS TABLE (month date, currency char(3), total_cents bigint)
    LANGUAGE sql STABLE
    ROWS 12
    AS $$
SELECT date_trunc('month', i.paid_at)::date, i.currency, sum(i.total_cents)::bigint
FROM billing.invoices i
WHERE i.account_id = revenue_by_month.account_id
  AND i.status = 'paid'
  AND i.paid_at >= date_trunc('month', now()) - make_interval(months => revenue_by_month.months)
GROUP BY 1, 2
ORDER BY 1, 2
$$;
COMMENT ON FUNCTION billing.revenue_by_month(bigint, integer) IS 'Monthly paid revenue of one account';

-- Nightly job: open invoices past their due date plus a grace period become uncollectible.
CREATE PROCEDURE billing.mark_uncollectible(grace interval DEFAULT '30 days')
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE billing.invoices
    SET status = 'uncollectible'
    WHERE status = 'open' AND due_at < now() - grace;
END
$$;
COMMENT ON PROCEDURE billing.mark_uncollectible(interval) IS 'Run nightly by the billing worker';

-- Compounds growth factors: billing.product(1 + monthly_rate).
CREATE AGGREGATE billing.product(numeric) (
    SFUNC = numeric_mul,
    STYPE = numeric,
    INITCOND = '1',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE billing.product(numeric) IS 'The product of the values (1 for no rows)';

-- A task's key as the UI shows it ("WEB-42"). SQL-standard bodies are parsed when the function is
-- created: PostgreSQL stores the body as a query tree and records what it uses.
CREATE FUNCTION public.task_key(project_key text, task_number bigint)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN upper(project_key) || '-' || task_number;

-- The open tasks of a project. The body reads public.tasks.status, so a conversion of that column
-- (v2 -> v1 rebuilds the enum task_status) must drop this function first and create it again after.
CREATE FUNCTION public.open_task_count(p_project_id bigint)
    RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM public.tasks t WHERE t.project_id = p_project_id AND t.status <> 'done';
END;
COMMENT ON FUNCTION public.open_task_count(bigint) IS 'Tasks of the project not done yet';

-- Logs each DDL command at DEBUG1 (for the event trigger log_ddl_commands).
CREATE FUNCTION audit.log_ddl_command()
    RETURNS event_trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE DEBUG 'ddl command: %', tg_tag;
END
$$;
