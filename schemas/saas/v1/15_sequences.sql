-- Free-standing sequences. Ownership (OWNED BY) is set once the owning tables exist (50_billing.sql).

-- Human-facing invoice numbers: gap-tolerant, start at 1000.
CREATE SEQUENCE billing.invoice_number_seq
    AS bigint
    INCREMENT BY 1
    MINVALUE 1000
    MAXVALUE 99999999
    START WITH 1000
    CACHE 10
    NO CYCLE;
COMMENT ON SEQUENCE billing.invoice_number_seq IS 'Invoice numbers shown to customers';

-- Spreads audit rows over 16 shards; wraps around.
CREATE SEQUENCE audit.event_shard_seq
    AS smallint
    MINVALUE 0
    MAXVALUE 15
    START 0
    CYCLE;

-- Descending sequence for "newest first" sort keys of imported legacy tickets.
CREATE SEQUENCE public.legacy_ticket_seq AS integer INCREMENT BY -1 MAXVALUE -1 MINVALUE -2000000000;
