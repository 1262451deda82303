-- Outbound webhooks and feature flags.

CREATE TABLE public.webhooks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    url text NOT NULL,
    secret bytea NOT NULL,
    events text[] NOT NULL,
    format public.webhook_format NOT NULL DEFAULT 'json',
    is_active boolean NOT NULL DEFAULT true,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhooks_https_only CHECK (url ~ '^https://'),
    CONSTRAINT webhooks_has_events CHECK (cardinality(events) > 0)
);
COMMENT ON TABLE public.webhooks IS 'Customer-configured HTTP callbacks';

CREATE TABLE public.webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id bigint NOT NULL REFERENCES public.webhooks (id) ON DELETE CASCADE,
    event varchar(100) NOT NULL,
    payload jsonb NOT NULL,
    attempt smallint NOT NULL DEFAULT 0,
    response_status smallint,
    response_body text,
    created_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz,
    delivered_at timestamptz
) WITH (fillfactor = 70);
-- Exactly 63 bytes: the longest name PostgreSQL keeps.
CREATE INDEX webhook_deliveries_pending_by_next_attempt_at_and_webhook_id_ix
    ON public.webhook_deliveries (next_attempt_at, webhook_id) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_created_brin ON public.webhook_deliveries USING brin (created_at);

CREATE TABLE public.feature_flags (
    key varchar(100) COLLATE "C" PRIMARY KEY,
    description text,
    enabled_globally boolean NOT NULL DEFAULT false,
    rollout_percent smallint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feature_flags_rollout_range CHECK (rollout_percent BETWEEN 0 AND 100)
);

CREATE TABLE public.feature_flag_overrides (
    flag_key varchar(100) COLLATE "C" NOT NULL
        REFERENCES public.feature_flags (key) ON UPDATE CASCADE ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    enabled boolean NOT NULL,
    set_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    set_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (flag_key, account_id)
);
CREATE INDEX feature_flag_overrides_account_idx ON public.feature_flag_overrides (account_id);
