-- Enum types shared by several tables.
CREATE TYPE public.account_status AS ENUM ('trial', 'active', 'suspended', 'closed');
COMMENT ON TYPE public.account_status IS 'Lifecycle of a customer account';

CREATE TYPE public.member_role AS ENUM ('owner', 'admin', 'member', 'viewer');
COMMENT ON TYPE public.member_role IS 'Role of a user inside one account';

CREATE TYPE public.task_status AS ENUM ('backlog', 'todo', 'in_progress', 'in_review', 'done');

CREATE TYPE public.webhook_format AS ENUM ('json', 'form', 'xml');
COMMENT ON TYPE public.webhook_format IS 'Body encoding of webhook deliveries';

CREATE TYPE billing.billing_interval AS ENUM ('month', 'year');

CREATE TYPE billing.invoice_status AS ENUM ('draft', 'open', 'paid', 'void', 'uncollectible');

CREATE TYPE billing.payment_method_kind AS ENUM ('card', 'sepa_debit', 'ach', 'wire');

CREATE TYPE audit.action_kind AS ENUM ('create', 'update', 'delete', 'login', 'logout', 'export');
COMMENT ON TYPE audit.action_kind IS 'What an audited actor did';
