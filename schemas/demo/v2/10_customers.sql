CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(254) NOT NULL UNIQUE,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    loyalty_points integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE customers IS 'People who buy things';
COMMENT ON COLUMN customers.loyalty_points IS 'Earned on paid orders';
