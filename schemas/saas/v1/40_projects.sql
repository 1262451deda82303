-- Projects, tasks and everything hanging off them.

CREATE TABLE public.projects (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 CACHE 20) PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    key varchar(10) COLLATE "C" NOT NULL,
    name varchar(120) NOT NULL,
    description text,
    owner_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    is_archived boolean NOT NULL DEFAULT false,
    next_task_number integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_key_format CHECK (key ~ '^[A-Z][A-Z0-9]{1,9}$'),
    CONSTRAINT projects_account_key_key UNIQUE (account_id, key),
    -- Target of composite foreign keys that pin children to the same tenant.
    CONSTRAINT projects_account_id_id_key UNIQUE (account_id, id)
);
COMMENT ON TABLE public.projects IS 'A board of tasks inside one account';
COMMENT ON COLUMN public.projects.key IS 'Short upper-case prefix of task numbers, e.g. OPS-12';
CREATE INDEX projects_name_c_idx ON public.projects (account_id, name COLLATE "C");

CREATE TABLE public.project_members (
    project_id bigint NOT NULL REFERENCES public.projects (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    can_edit boolean NOT NULL DEFAULT true,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE public.tasks (
    id bigserial PRIMARY KEY,
    account_id bigint NOT NULL,
    project_id bigint NOT NULL,
    number integer NOT NULL,
    title varchar(200) NOT NULL,
    description text,
    status public.task_status NOT NULL DEFAULT 'todo',
    priority smallint NOT NULL DEFAULT 2,
    "order" numeric(20,10) NOT NULL DEFAULT 0,
    assignee_id uuid,
    reporter_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    parent_task_id bigint REFERENCES public.tasks (id) ON DELETE CASCADE,
    due_date date,
    estimate_minutes integer,
    tags text[] NOT NULL DEFAULT '{}'::text[],
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CONSTRAINT tasks_project_fk FOREIGN KEY (account_id, project_id)
        REFERENCES public.projects (account_id, id) MATCH FULL ON DELETE CASCADE,
    -- When a member leaves the account, unassign their tasks but keep account_id.
    CONSTRAINT tasks_assignee_fk FOREIGN KEY (account_id, assignee_id)
        REFERENCES public.memberships (account_id, user_id) ON DELETE SET NULL (assignee_id),
    CONSTRAINT tasks_priority_range CHECK (priority BETWEEN 0 AND 4),
    CONSTRAINT tasks_completed_when_done CHECK ((status = 'done') = (completed_at IS NOT NULL)),
    CONSTRAINT tasks_not_own_parent CHECK (parent_task_id <> id),
    CONSTRAINT tasks_project_number_key UNIQUE (project_id, number)
);
COMMENT ON TABLE public.tasks IS 'Work items';
COMMENT ON COLUMN public.tasks."order" IS 'Fractional rank inside a board column';
COMMENT ON CONSTRAINT tasks_assignee_fk ON public.tasks IS 'Assignee must be a member of the task''s account';
CREATE INDEX tasks_tags_gin ON public.tasks USING gin (tags);
CREATE INDEX tasks_project_due_idx ON public.tasks (project_id, due_date DESC NULLS LAST, priority);
CREATE INDEX tasks_open_by_project_idx ON public.tasks (project_id, status, "order")
    WHERE completed_at IS NULL;
CREATE INDEX tasks_title_lower_idx ON public.tasks (account_id, lower(title));
CREATE INDEX tasks_parent_idx ON public.tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;

CREATE TABLE public.task_dependencies (
    task_id bigint NOT NULL REFERENCES public.tasks (id) ON DELETE CASCADE,
    depends_on_task_id bigint NOT NULL REFERENCES public.tasks (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, depends_on_task_id),
    CHECK (task_id <> depends_on_task_id)
);

CREATE TABLE public.labels (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    name text NOT NULL,
    color char(7) NOT NULL DEFAULT '#888888',
    CONSTRAINT labels_color_hex CHECK (color ~ '^#[0-9a-f]{6}$')
);
CREATE UNIQUE INDEX labels_account_name_key ON public.labels (account_id, lower(name));
CREATE INDEX labels_name_natural_idx ON public.labels (account_id, name COLLATE public.natural_sort);
CREATE INDEX labels_name_prefix_idx ON public.labels (name text_pattern_ops);

CREATE TABLE public.task_labels (
    task_id bigint NOT NULL REFERENCES public.tasks (id) ON DELETE CASCADE,
    label_id integer NOT NULL REFERENCES public.labels (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, label_id)
);
CREATE INDEX task_labels_label_idx ON public.task_labels (label_id);

CREATE TABLE public.comments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES public.tasks (id) ON DELETE CASCADE,
    author_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    body text NOT NULL,
    body_format varchar(16) NOT NULL DEFAULT 'markdown',
    created_at timestamptz NOT NULL DEFAULT now(),
    edited_at timestamptz,
    deleted_at timestamptz,
    CONSTRAINT comments_body_not_blank CHECK (length(btrim(body)) > 0)
);
CREATE INDEX comments_task_created_idx ON public.comments (task_id, created_at);
CREATE INDEX comments_created_idx ON public.comments (created_at);

CREATE TABLE public.attachments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    task_id bigint REFERENCES public.tasks (id),
    comment_id bigint REFERENCES public.comments (id) ON DELETE SET NULL,
    filename text NOT NULL,
    content_type varchar(100) NOT NULL DEFAULT 'application/octet-stream',
    "größe_bytes" bigint NOT NULL,
    storage_key text COLLATE "C" NOT NULL UNIQUE,
    sha256 bytea NOT NULL,
    uploaded_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT attachments_size_nonnegative CHECK ("größe_bytes" >= 0),
    CONSTRAINT attachments_sha256_length CHECK (octet_length(sha256) = 32)
);
COMMENT ON COLUMN public.attachments."größe_bytes" IS 'Größe der Datei in Bytes (column name kept from the German legacy importer)';
CREATE INDEX attachments_task_idx ON public.attachments (task_id) WHERE task_id IS NOT NULL;

-- Quoted names with spaces: the table backs a user-facing "Saved Views" feature and was named by its UI.
CREATE TABLE public."Saved Views" (
    id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    project_id bigint NOT NULL REFERENCES public.projects (id) ON DELETE CASCADE,
    "View Name" text NOT NULL,
    "Filter JSON" jsonb NOT NULL DEFAULT '{}',
    is_default boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX "Saved Views_one_default" ON public."Saved Views" (user_id, project_id) WHERE is_default;
COMMENT ON TABLE public."Saved Views" IS 'Named task filters';

CREATE TABLE public.notifications (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    kind varchar(50) NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX notifications_unread_idx ON public.notifications (user_id, created_at DESC)
    WHERE read_at IS NULL;

-- A 63-byte table name (PostgreSQL's limit): the implicit names of its sequence, primary key and
-- unique constraint must be truncated the way PostgreSQL truncates them.
CREATE TABLE public.notification_channel_preferences_for_project_members_by_account (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    project_id bigint NOT NULL REFERENCES public.projects (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    channel varchar(20) NOT NULL DEFAULT 'email',
    enabled boolean NOT NULL DEFAULT true,
    UNIQUE (project_id, user_id, channel)
);
