-- Privileges. The application connects as the owner of every object; PUBLIC (every role, such as
-- the read-only reporting tool) may read the billing catalog's reference data, and may not run the
-- billing procedure or hash API keys. No named role is granted anything here: schemac creates no
-- roles, and this fixture applies to any server.

GRANT USAGE ON SCHEMA billing TO PUBLIC;
GRANT SELECT ON billing.plans TO PUBLIC;
GRANT SELECT (code, percent_off, amount_off_cents, currency) ON billing.coupons TO PUBLIC;
REVOKE EXECUTE ON PROCEDURE billing.mark_uncollectible(interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.hash_api_key(text) FROM PUBLIC;
GRANT USAGE ON SEQUENCE billing.invoice_number_seq TO PUBLIC;
