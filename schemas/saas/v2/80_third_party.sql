-- Third-party integrations (new schema in release 2).

CREATE TABLE integrations.installations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    provider integrations.provider NOT NULL,
    external_id varchar(100) COLLATE "C" NOT NULL,
    config jsonb NOT NULL DEFAULT '{}',
    installed_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    installed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT installations_provider_external_key UNIQUE (provider, external_id)
);
COMMENT ON TABLE integrations.installations IS 'One connected workspace/organisation of a provider';
CREATE INDEX installations_account_idx ON integrations.installations (account_id, provider);

CREATE TABLE integrations.linked_issues (
    installation_id bigint NOT NULL REFERENCES integrations.installations (id) ON DELETE CASCADE,
    task_id bigint NOT NULL REFERENCES public.tasks (id) ON DELETE CASCADE,
    external_key varchar(100) NOT NULL,
    url text NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (installation_id, external_key)
);
CREATE INDEX linked_issues_task_idx ON integrations.linked_issues (task_id);
