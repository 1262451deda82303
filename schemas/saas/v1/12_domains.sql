-- Domains shared by several tables, and the immutable helper one of them checks with.

-- Account and team handles: lower-case letters, digits and dashes, at most 63 bytes (a DNS label).
CREATE FUNCTION public.is_valid_slug(candidate text)
    RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$SELECT candidate ~ '^[a-z0-9][a-z0-9-]{0,62}$'$$;
COMMENT ON FUNCTION public.is_valid_slug(text) IS 'True for a valid DNS-label style handle';

CREATE DOMAIN public.slug AS text COLLATE "C"
    CONSTRAINT slug_valid CHECK (public.is_valid_slug(VALUE));
COMMENT ON DOMAIN public.slug IS 'URL-safe handle, compared bytewise';

-- Checked loosely: the real check is the confirmation mail.
CREATE DOMAIN public.email AS text
    CONSTRAINT email_has_at CHECK (VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+$')
    CONSTRAINT email_length CHECK (length(VALUE) <= 254);
COMMENT ON DOMAIN public.email IS 'An e-mail address as typed by the user';

-- ISO 4217 currency codes; most customers pay in euros.
CREATE DOMAIN billing.currency_code AS char(3) DEFAULT 'EUR'
    CONSTRAINT currency_code_upper CHECK (VALUE ~ '^[A-Z]{3}$');

-- Money in the smallest currency unit; payments and refunds are never zero or negative.
CREATE DOMAIN billing.positive_cents AS bigint NOT NULL
    CONSTRAINT positive_cents_positive CHECK (VALUE > 0);
COMMENT ON DOMAIN billing.positive_cents IS 'A strictly positive amount in cents';
COMMENT ON CONSTRAINT positive_cents_positive ON DOMAIN billing.positive_cents IS 'Zero-amount payments are not recorded';

-- An amount with its currency: what billing.invoice_balance() returns.
CREATE TYPE billing.money_amount AS (
    amount_cents bigint,
    currency billing.currency_code
);
COMMENT ON TYPE billing.money_amount IS 'An amount in cents and its ISO 4217 currency';
COMMENT ON COLUMN billing.money_amount.currency IS 'ISO 4217 code, upper case';

-- Natural sort order for label names ("v2" before "v10"): labels_name_natural_idx.
CREATE COLLATION public.natural_sort (provider = icu, locale = 'en-u-kn-true');
COMMENT ON COLLATION public.natural_sort IS 'Digits compare by their numeric value';

-- The order totals a coupon applies to (billing.coupons.order_total_cents).
CREATE TYPE billing.cents_range AS RANGE (subtype = bigint);
COMMENT ON TYPE billing.cents_range IS 'A range of amounts in cents';
