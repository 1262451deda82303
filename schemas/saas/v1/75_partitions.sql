-- Partitioned tables: page views by quarter (RANGE, with a DEFAULT partition for late or odd
-- rows) and the billing ledger by currency (LIST).

CREATE TABLE audit.page_views (
    account_id bigint NOT NULL,
    viewed_on date NOT NULL,
    id bigint NOT NULL,
    path text NOT NULL,
    user_id uuid,
    CONSTRAINT page_views_pkey PRIMARY KEY (account_id, viewed_on, id),
    CONSTRAINT page_views_path_check CHECK (path <> '')
) PARTITION BY RANGE (viewed_on);
COMMENT ON TABLE audit.page_views IS 'Page views, one partition per quarter';
CREATE INDEX page_views_user_idx ON audit.page_views (user_id, viewed_on);
CREATE TABLE audit.page_views_2024_q1 PARTITION OF audit.page_views FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
CREATE TABLE audit.page_views_2024_q2 PARTITION OF audit.page_views FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');
CREATE TABLE audit.page_views_2024_h2 PARTITION OF audit.page_views FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
CREATE TABLE audit.page_views_default PARTITION OF audit.page_views DEFAULT;
COMMENT ON TABLE audit.page_views_default IS 'Rows outside every quarter';

CREATE TABLE billing.ledger_entries (
    id bigint NOT NULL,
    currency char(3) NOT NULL,
    account_id bigint NOT NULL,
    amount_cents bigint NOT NULL,
    booked_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_entries_pkey PRIMARY KEY (currency, id)
) PARTITION BY LIST (currency);
CREATE TABLE billing.ledger_entries_eur PARTITION OF billing.ledger_entries FOR VALUES IN ('EUR');
CREATE TABLE billing.ledger_entries_usd PARTITION OF billing.ledger_entries FOR VALUES IN ('USD');
CREATE TABLE billing.ledger_entries_other PARTITION OF billing.ledger_entries DEFAULT;
CREATE INDEX ledger_entries_account_idx ON billing.ledger_entries_eur (account_id);
