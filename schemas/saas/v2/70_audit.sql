-- The audit trail. No foreign keys: audit rows outlive what they describe.

CREATE TABLE audit.events (
    id bigint GENERATED ALWAYS AS IDENTITY (CACHE 500),
    shard smallint NOT NULL DEFAULT nextval('audit.event_shard_seq'),
    occurred_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    account_id bigint,
    actor_user_id uuid,
    "user" text NOT NULL,
    action audit.action_kind NOT NULL,
    target_table text,
    target_id text,
    old_row jsonb,
    new_row jsonb,
    ip inet,
    request_id uuid,
    user_agent text,
    CONSTRAINT events_pkey PRIMARY KEY (id),
    CONSTRAINT events_rows_present CHECK (old_row IS NOT NULL OR new_row IS NOT NULL OR action IN ('login', 'logout', 'export'))
);
COMMENT ON TABLE audit.events IS 'Who did what, when';
COMMENT ON COLUMN audit.events."user" IS 'Database role that wrote the row';
CREATE INDEX events_occurred_brin ON audit.events USING brin (occurred_at);
CREATE INDEX events_account_idx ON audit.events (account_id, occurred_at DESC) INCLUDE (action);
CREATE INDEX events_new_row_path_idx ON audit.events USING gin (new_row jsonb_path_ops);
CREATE INDEX events_request_hash_idx ON audit.events USING hash (request_id);
COMMENT ON INDEX audit.events_new_row_path_idx IS 'Containment queries (@>) on the new row';

CREATE TABLE audit.data_exports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id bigint NOT NULL,
    requested_by uuid,
    format varchar(10) NOT NULL DEFAULT 'csv' CHECK (format IN ('csv', 'json', 'parquet')),
    status varchar(16) NOT NULL DEFAULT 'queued',
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    file_url text,
    time_of_day_local time,
    started_at_local timestamp,
    expires_at timestamptz
);

-- Audit rows are append-only: a DELETE does nothing.
CREATE RULE events_keep_on_delete AS ON DELETE TO audit.events DO INSTEAD NOTHING;
COMMENT ON RULE events_keep_on_delete ON audit.events IS 'Audit rows are never deleted, not even by their owner';
