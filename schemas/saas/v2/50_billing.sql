-- Subscriptions, invoices and payments.

CREATE TABLE billing.customers (
    account_id bigint PRIMARY KEY REFERENCES public.accounts (id) ON DELETE CASCADE,
    provider_customer_id varchar(64) COLLATE "C" UNIQUE,
    billing_email varchar(254) NOT NULL,
    company_name varchar(200),
    tax_id varchar(64),
    address jsonb,
    country_code char(2) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE billing.customers IS 'Billing identity of an account at the payment provider';

CREATE TABLE billing.subscriptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES billing.customers (account_id) ON DELETE CASCADE,
    plan_id smallint NOT NULL REFERENCES billing.plans (id),
    coupon_code varchar(32) COLLATE "C" REFERENCES billing.coupons (code) ON UPDATE CASCADE ON DELETE SET NULL,
    status varchar(20) NOT NULL DEFAULT 'trialing',
    seats integer NOT NULL DEFAULT 1,
    current_period_start timestamptz NOT NULL,
    current_period_end timestamptz NOT NULL,
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    trial_ends_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscriptions_status_known
        CHECK (status IN ('trialing', 'active', 'past_due', 'paused', 'canceled', 'unpaid')),
    CONSTRAINT subscriptions_period_order CHECK (current_period_end > current_period_start),
    CONSTRAINT subscriptions_seats_positive CHECK (seats > 0)
);
-- One live subscription per account.
CREATE UNIQUE INDEX subscriptions_one_live ON billing.subscriptions (account_id)
    WHERE status IN ('trialing', 'active', 'past_due');

CREATE TABLE billing.invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number bigint NOT NULL DEFAULT nextval('billing.invoice_number_seq'),
    account_id bigint NOT NULL REFERENCES billing.customers (account_id),
    subscription_id bigint REFERENCES billing.subscriptions (id) ON DELETE SET NULL,
    status billing.invoice_status NOT NULL DEFAULT 'draft',
    currency char(3) NOT NULL,
    subtotal_cents bigint NOT NULL DEFAULT 0,
    tax_cents bigint NOT NULL DEFAULT 0,
    total_cents bigint GENERATED ALWAYS AS (subtotal_cents + tax_cents) STORED,
    latest_payment_id bigint,
    issued_at timestamptz,
    due_at timestamptz,
    paid_at timestamptz,
    memo text,
    pdf_url text,
    CONSTRAINT invoices_number_key UNIQUE (number),
    CONSTRAINT invoices_amounts_nonnegative CHECK (subtotal_cents >= 0 AND tax_cents >= 0)
);
COMMENT ON TABLE billing.invoices IS 'Invoices; immutable once open, corrected by credit notes';
COMMENT ON COLUMN billing.invoices.total_cents IS 'Always subtotal + tax';
CREATE INDEX invoices_account_issued_idx ON billing.invoices (account_id, issued_at DESC NULLS LAST)
    INCLUDE (status, total_cents);
CREATE INDEX invoices_open_due_idx ON billing.invoices (due_at) WHERE status = 'open';

ALTER SEQUENCE billing.invoice_number_seq OWNED BY billing.invoices.number;

CREATE TABLE billing.payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL,
    amount_cents billing.positive_cents,
    method billing.payment_method_kind NOT NULL,
    provider_ref varchar(64) COLLATE "C",
    status varchar(16) NOT NULL DEFAULT 'pending',
    received_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payments_amount_positive CHECK (amount_cents > 0),
    CONSTRAINT payments_provider_ref_key UNIQUE (provider_ref)
);
CREATE INDEX payments_invoice_idx ON billing.payments (invoice_id);

-- invoices <-> payments reference each other: a payment settles an invoice, and the invoice
-- remembers the latest payment. The back edge is deferrable so both rows can be written in one
-- transaction in either order.
ALTER TABLE billing.payments
    ADD CONSTRAINT payments_invoice_fk FOREIGN KEY (invoice_id)
        REFERENCES billing.invoices (id) ON DELETE RESTRICT;
ALTER TABLE billing.invoices
    ADD CONSTRAINT invoices_latest_payment_fk FOREIGN KEY (latest_payment_id)
        REFERENCES billing.payments (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

-- Legacy rows were cleaned up in release 2, so the constraint is now validated.
ALTER TABLE billing.invoices
    ADD CONSTRAINT invoices_due_after_issue CHECK (issued_at IS NULL OR due_at >= issued_at);

CREATE TABLE billing.invoice_lines (
    invoice_id bigint NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    line_no smallint NOT NULL,
    description text NOT NULL,
    quantity numeric(12,3) NOT NULL DEFAULT 1,
    unit_price_cents bigint NOT NULL,
    amount_cents numeric(18,3) GENERATED ALWAYS AS (quantity * unit_price_cents) STORED,
    tax_rate_id integer REFERENCES billing."TaxRates" (id),
    period_start date,
    period_end date,
    discount_cents bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (invoice_id, line_no),
    CONSTRAINT invoice_lines_period CHECK (period_end >= period_start),
    CONSTRAINT invoice_lines_quantity_positive CHECK (quantity > 0) NO INHERIT
);

CREATE TABLE billing.payment_methods (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES billing.customers (account_id) ON DELETE CASCADE,
    kind billing.payment_method_kind NOT NULL,
    brand varchar(20),
    last4 char(4),
    exp_month smallint CHECK (exp_month BETWEEN 1 AND 12),
    exp_year smallint,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payment_methods_one_default ON billing.payment_methods (account_id) WHERE is_default;

CREATE TABLE billing.refunds (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id bigint NOT NULL REFERENCES billing.payments (id) ON DELETE RESTRICT,
    amount_cents billing.positive_cents,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE billing.usage_records (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES billing.subscriptions (id) ON DELETE CASCADE,
    metric varchar(50) NOT NULL,
    quantity bigint NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    idempotency_key uuid NOT NULL,
    CONSTRAINT usage_records_idempotency_key UNIQUE (subscription_id, idempotency_key)
) WITH (autovacuum_enabled = true);
CREATE INDEX usage_records_recorded_brin ON billing.usage_records USING brin (recorded_at)
    WITH (pages_per_range = 64);

CREATE TABLE billing.credit_notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL REFERENCES billing.invoices (id) ON DELETE RESTRICT,
    amount_cents bigint NOT NULL,
    reason text NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_notes_amount_positive CHECK (amount_cents > 0)
);
CREATE INDEX credit_notes_invoice_idx ON billing.credit_notes (invoice_id);
COMMENT ON TABLE billing.credit_notes IS 'Corrections to issued invoices (new in release 2)';
