-- Schemas of the Tasklane multi-tenant SaaS application (release 1).
-- `public` holds the product itself, `billing` everything money, `audit` the append-only trail.
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'Plans, subscriptions, invoices and payments';

CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'Append-only audit trail';
