-- Row-level security: tenant isolation by the account a session names in app.account_id. The
-- application's role is not the tables' owner, so the policies apply to it (superusers and the
-- owner bypass them).

ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON public.projects
    USING (account_id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);
COMMENT ON POLICY projects_tenant ON public.projects IS 'Each session sees and writes the projects of the account it set in app.account_id';

-- Archived projects cannot be changed by anyone but the owner.
CREATE POLICY projects_not_archived ON public.projects AS RESTRICTIVE FOR UPDATE
    USING (NOT is_archived);
