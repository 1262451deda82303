-- Privileges. The application connects as the owner of every object; PUBLIC (every role, such as
-- the read-only reporting tool) may read the billing catalog's reference data, and may not run the
-- billing procedure or hash API keys. No named role is granted anything here: schemac creates no
-- roles, and this fixture applies to any server.
--
-- v2: the tax rates are reference data too, coupons show their expiry, PUBLIC no longer draws
-- invoice numbers, and the procedure may be run by PUBLIC again (it checks the caller itself).

GRANT USAGE ON SCHEMA billing TO PUBLIC;
GRANT SELECT ON billing.plans, billing."TaxRates" TO PUBLIC;
GRANT SELECT (code, percent_off, amount_off_cents, currency, redeem_by) ON billing.coupons TO PUBLIC;
REVOKE EXECUTE ON FUNCTION public.hash_api_key(text) FROM PUBLIC;
