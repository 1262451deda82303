-- Extensions. pgcrypto provides digest() for hashing API key secrets (public.hash_api_key).
-- Objects that belong to an extension are never part of the schema: only the extension itself is.
CREATE EXTENSION pgcrypto WITH SCHEMA public;
COMMENT ON EXTENSION pgcrypto IS 'digest() for API key hashes';
