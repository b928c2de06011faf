-- Access control (io.gatehouse.core.access.policy.AccessStore): projects, groups, role bindings, custom roles,
-- robots, deny rules, repository labels. Same conventions as V1 (${name_order}, UTC timestamps).
--
-- Sets and lists are stored readably in one column each: actions as comma-separated scope names in enum order
-- ("pull,push"); string lists and maps as JSON; binding scopes and subjects as "kind:name" strings
-- ("system", "project:team", "repository:team/app"; "user:alice", "group:ops", "robot:ci").

-- One namespace for user and robot names. users.create and AccessStore.createRobot first claim the name here
-- (INSERT ... ON CONFLICT DO NOTHING) in the same transaction as their own row; the primary key makes a second
-- claim wait for the first transaction and then find the name taken, so a user and a robot can never share a
-- name, even when created at the same moment. The foreign keys below keep every user and robot claimed.
CREATE TABLE principals (
  name  VARCHAR(255) ${name_order} NOT NULL,
  kind  VARCHAR(8) NOT NULL,
  CONSTRAINT principals_pk PRIMARY KEY (name),
  CONSTRAINT principals_kind CHECK (kind IN ('user', 'robot'))
);
INSERT INTO principals (name, kind) SELECT username, 'user' FROM users;
ALTER TABLE users ADD CONSTRAINT users_principal_fk FOREIGN KEY (username) REFERENCES principals (name);

-- A project is the first segment of its repositories' names.
CREATE TABLE projects (
  name           VARCHAR(255) ${name_order} NOT NULL,
  is_public      BOOLEAN NOT NULL,
  allowed_cidrs  VARCHAR NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT projects_pk PRIMARY KEY (name)
);

-- Local group membership.
CREATE TABLE group_members (
  group_name  VARCHAR(255) ${name_order} NOT NULL,
  username    VARCHAR(255) ${name_order} NOT NULL,
  CONSTRAINT group_members_pk PRIMARY KEY (group_name, username)
);
-- groupsOf(user), on every authorization.
CREATE INDEX group_members_username ON group_members (username);

-- scope_name is '' for the system scope, the project name or the repository name otherwise. The role is not a
-- foreign key: it names a built-in role or a custom one.
CREATE TABLE role_bindings (
  subject_kind  VARCHAR(8) NOT NULL,
  subject_name  VARCHAR(255) ${name_order} NOT NULL,
  scope_kind    VARCHAR(16) NOT NULL,
  scope_name    VARCHAR(255) ${name_order} NOT NULL,
  role          VARCHAR(63) ${name_order} NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT role_bindings_pk PRIMARY KEY (subject_kind, subject_name, scope_kind, scope_name, role),
  CONSTRAINT role_bindings_subject_kind CHECK (subject_kind IN ('user', 'group', 'robot')),
  CONSTRAINT role_bindings_scope_kind CHECK (scope_kind IN ('system', 'project', 'repository'))
);

CREATE TABLE custom_roles (
  name     VARCHAR(63) ${name_order} NOT NULL,
  actions  VARCHAR NOT NULL,
  CONSTRAINT custom_roles_pk PRIMARY KEY (name)
);

-- scopes: JSON array of "kind:name" strings. secret_hash: Argon2id in PHC string form.
CREATE TABLE robots (
  name         VARCHAR(255) ${name_order} NOT NULL,
  scopes       VARCHAR NOT NULL,
  actions      VARCHAR NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE,
  revoked      BOOLEAN NOT NULL,
  secret_hash  VARCHAR(1024) NOT NULL,
  created_by   VARCHAR(255) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  last_used    TIMESTAMP WITH TIME ZONE,
  CONSTRAINT robots_pk PRIMARY KEY (name),
  CONSTRAINT robots_principal_fk FOREIGN KEY (name) REFERENCES principals (name)
);

-- labels: JSON object; exempt: JSON array of "kind:name" subjects. The table is small and read whole.
CREATE TABLE deny_rules (
  id                  VARCHAR(255) ${name_order} NOT NULL,
  actions             VARCHAR NOT NULL,
  repository_pattern  VARCHAR NOT NULL,
  labels              VARCHAR NOT NULL,
  exempt              VARCHAR NOT NULL,
  CONSTRAINT deny_rules_pk PRIMARY KEY (id)
);

-- No foreign key to repositories: labels may be set before the first push.
CREATE TABLE repository_labels (
  repository   VARCHAR(255) ${name_order} NOT NULL,
  label_key    VARCHAR(255) ${name_order} NOT NULL,
  label_value  VARCHAR NOT NULL,
  CONSTRAINT repository_labels_pk PRIMARY KEY (repository, label_key)
);
