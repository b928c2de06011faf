-- Gatehouse metadata: one schema for H2 (MODE=PostgreSQL) and PostgreSQL.
--
-- ${name_order} is COLLATE "C" on PostgreSQL and empty on H2: names and digests compare by code point on both
-- engines (H2 does so by default), so "after X" paging and ORDER BY agree with Java's String.compareTo.
-- VARCHAR without a length is unbounded on PostgreSQL and up to 1e9 characters on H2; BYTEA is VARBINARY on H2.
-- Timestamps are TIMESTAMP WITH TIME ZONE, written and read as UTC instants.

CREATE TABLE repositories (
  name        VARCHAR(255) ${name_order} NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT repositories_pk PRIMARY KEY (name)
);

-- A blob is visible in a repository only through its link.
CREATE TABLE blob_links (
  repository  VARCHAR(255) ${name_order} NOT NULL,
  digest      VARCHAR(150) ${name_order} NOT NULL,
  size        BIGINT NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT blob_links_pk PRIMARY KEY (repository, digest),
  CONSTRAINT blob_links_repository_fk FOREIGN KEY (repository) REFERENCES repositories (name)
);
-- Garbage collection: is a blob still linked anywhere?
CREATE INDEX blob_links_digest ON blob_links (digest);

-- A manifest's row carries everything a pull needs (one indexed row read): its exact bytes, and the digests it
-- references as space-separated lists in document order. manifest_refs holds the same references normalised
-- for garbage collection.
CREATE TABLE manifests (
  repository        VARCHAR(255) ${name_order} NOT NULL,
  digest            VARCHAR(150) ${name_order} NOT NULL,
  media_type        VARCHAR NOT NULL,
  artifact_type     VARCHAR,
  content           BYTEA NOT NULL,
  size              BIGINT NOT NULL,
  subject_digest    VARCHAR(150) ${name_order},
  blob_digests      VARCHAR NOT NULL,
  manifest_digests  VARCHAR NOT NULL,
  annotations       VARCHAR,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT manifests_pk PRIMARY KEY (repository, digest),
  CONSTRAINT manifests_repository_fk FOREIGN KEY (repository) REFERENCES repositories (name)
);
-- The referrers API. The subject is not a foreign key: referrers may be pushed before what they describe.
CREATE INDEX manifests_subject ON manifests (repository, subject_digest);

CREATE TABLE manifest_refs (
  repository       VARCHAR(255) ${name_order} NOT NULL,
  manifest_digest  VARCHAR(150) ${name_order} NOT NULL,
  kind             VARCHAR(8) NOT NULL,
  child_digest     VARCHAR(150) ${name_order} NOT NULL,
  CONSTRAINT manifest_refs_pk PRIMARY KEY (repository, manifest_digest, kind, child_digest),
  CONSTRAINT manifest_refs_kind CHECK (kind IN ('blob', 'manifest')),
  CONSTRAINT manifest_refs_manifest_fk FOREIGN KEY (repository, manifest_digest)
    REFERENCES manifests (repository, digest) ON DELETE CASCADE
);
-- Garbage collection: who references this digest, in this repository or in any?
CREATE INDEX manifest_refs_child ON manifest_refs (child_digest, repository);

-- Deleting a manifest deletes the tags pointing at it.
CREATE TABLE tags (
  repository       VARCHAR(255) ${name_order} NOT NULL,
  name             VARCHAR(128) ${name_order} NOT NULL,
  manifest_digest  VARCHAR(150) ${name_order} NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT tags_pk PRIMARY KEY (repository, name),
  CONSTRAINT tags_manifest_fk FOREIGN KEY (repository, manifest_digest)
    REFERENCES manifests (repository, digest) ON DELETE CASCADE
);
CREATE INDEX tags_manifest ON tags (repository, manifest_digest);

-- Uploads in progress; no foreign key because the repository row appears only when the first blob is linked.
CREATE TABLE uploads (
  id          VARCHAR(128) NOT NULL,
  repository  VARCHAR(255) ${name_order} NOT NULL,
  size        BIGINT NOT NULL,
  started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT uploads_pk PRIMARY KEY (id)
);
-- Expiry of abandoned uploads.
CREATE INDEX uploads_updated ON uploads (updated_at);

CREATE TABLE users (
  username       VARCHAR(255) ${name_order} NOT NULL,
  password_hash  VARCHAR(1024) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT users_pk PRIMARY KEY (username)
);

CREATE TABLE signing_keys (
  key_id       VARCHAR(255) NOT NULL,
  private_jwk  VARCHAR NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT signing_keys_pk PRIMARY KEY (key_id)
);
