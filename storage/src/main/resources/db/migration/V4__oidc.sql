-- Single sign-on (io.gatehouse.core.store.SingleSignOnStore). Same conventions as V1/V2.

-- Which local user an identity-provider account (issuer + subject) became. The user row has no usable password;
-- cli_secret_hash (Argon2id, PHC string) is the personal secret for docker/skopeo login, null when none is set.
CREATE TABLE oidc_identities (
  username               VARCHAR(255) ${name_order} NOT NULL,
  issuer                 VARCHAR(1024) NOT NULL,
  subject                VARCHAR(255) NOT NULL,
  cli_secret_hash        VARCHAR(1024),
  cli_secret_created_at  TIMESTAMP WITH TIME ZONE,
  created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT oidc_identities_pk PRIMARY KEY (username),
  CONSTRAINT oidc_identities_account UNIQUE (issuer, subject),
  CONSTRAINT oidc_identities_user_fk FOREIGN KEY (username) REFERENCES users (username)
);

-- Logins sent to the provider and not finished yet; a row is deleted when its state is used (single use) and
-- expired rows are purged whenever a login starts. Any node may finish a login another node started.
CREATE TABLE oidc_pending_logins (
  state          VARCHAR(128) NOT NULL,
  nonce          VARCHAR(128) NOT NULL,
  code_verifier  VARCHAR(128) NOT NULL,
  redirect_uri   VARCHAR(2048) NOT NULL,
  expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT oidc_pending_logins_pk PRIMARY KEY (state)
);
CREATE INDEX oidc_pending_logins_expiry ON oidc_pending_logins (expires_at);
