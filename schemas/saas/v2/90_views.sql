-- Views and materialized views for the product's reports and the admin console.

-- Open tasks with their human-facing key ("OPS-12").
CREATE VIEW public.open_tasks AS
SELECT t.id,
       t.account_id,
       t.project_id,
       p.key || '-' || t.number AS task_key,
       t.number,
       t.title,
       t.status,
       t.assignee_id,
       t.due_date,
       t.priority
FROM public.tasks t
JOIN public.projects p ON p.id = t.project_id
WHERE t.completed_at IS NULL;
COMMENT ON VIEW public.open_tasks IS 'Tasks not yet completed (done or cancelled)';
COMMENT ON COLUMN public.open_tasks.task_key IS 'Project key and task number, e.g. OPS-12';

-- A view on a view: what the daily digest mail lists.
CREATE VIEW public.overdue_tasks AS
SELECT o.id, o.account_id, o.task_key, o.title, o.assignee_id, o.due_date
FROM public.open_tasks o
WHERE o.due_date < CURRENT_DATE;
COMMENT ON VIEW public.overdue_tasks IS 'Open tasks past their due date';

-- The admin console's account list. security_invoker: row access is checked as the caller.
CREATE VIEW public.account_overview WITH (security_invoker = true) AS
SELECT a.id,
       a.slug,
       a.status,
       pl.code AS plan_code,
       (SELECT count(*) FROM public.memberships m WHERE m.account_id = a.id) AS member_count,
       a.created_at,
       a.billing_email
FROM public.accounts a
LEFT JOIN billing.plans pl ON pl.id = a.plan_id
WHERE a.deleted_at IS NULL;
COMMENT ON VIEW public.account_overview IS 'One row per live account';

-- The last 30 days of the audit trail.
CREATE VIEW audit.recent_events AS
SELECT e.id, e.occurred_at, e.account_id, e."user", e.action, e.target_table, e.target_id, e.user_agent
FROM audit.events e
WHERE e.occurred_at > now() - interval '30 days';
COMMENT ON VIEW audit.recent_events IS 'The last 30 days of the audit trail';

-- Metered usage per subscription and month, refreshed by the billing worker.
CREATE MATERIALIZED VIEW billing.usage_by_month AS
SELECT u.subscription_id,
       u.metric,
       date_trunc('month', u.recorded_at) AS month,
       sum(u.quantity) AS total_quantity
FROM billing.usage_records u
GROUP BY u.subscription_id, u.metric, date_trunc('month', u.recorded_at);
CREATE UNIQUE INDEX usage_by_month_key ON billing.usage_by_month (subscription_id, metric, month);
COMMENT ON MATERIALIZED VIEW billing.usage_by_month IS 'Refreshed CONCURRENTLY every 15 minutes';
COMMENT ON INDEX billing.usage_by_month_key IS 'Needed by REFRESH MATERIALIZED VIEW CONCURRENTLY';

-- New in release 2: what each issued invoice still owes after payments and credit notes.
CREATE VIEW billing.invoice_balances AS
SELECT i.id AS invoice_id,
       i.account_id,
       i.number,
       (billing.invoice_balance(i.id)).amount_cents AS balance_cents,
       i.currency,
       i.due_at
FROM billing.invoices i
WHERE i.status IN ('open', 'uncollectible');
COMMENT ON VIEW billing.invoice_balances IS 'Open and uncollectible invoices with what they still owe';
