-- The tamper-evident audit log (io.gatehouse.core.audit). One chain: sequence is the primary key, so two
-- writers that chained onto the same head cannot both append (the second insert fails and it rechains).
-- hash = SHA-256 over the record's canonical form including previous_hash (see io.gatehouse.audit.AuditChain).
CREATE TABLE audit_records (
  sequence        BIGINT NOT NULL,
  at              TIMESTAMP WITH TIME ZONE NOT NULL,
  kind            VARCHAR(32) NOT NULL,
  principal       VARCHAR(255),
  principal_type  VARCHAR(16),
  auth_method     VARCHAR(16),
  source_address  VARCHAR(256),
  user_agent      VARCHAR(256),
  action          VARCHAR(64),
  project         VARCHAR(255) ${name_order},
  repository      VARCHAR(255) ${name_order},
  reference       VARCHAR(255),
  result          VARCHAR(8),
  reason          VARCHAR(1024),
  request_id      VARCHAR(256),
  details         VARCHAR NOT NULL,
  previous_hash   CHAR(64) NOT NULL,
  hash            CHAR(64) NOT NULL,
  CONSTRAINT audit_records_pk PRIMARY KEY (sequence)
);
CREATE INDEX audit_records_at ON audit_records (at);
CREATE INDEX audit_records_request ON audit_records (request_id);

-- Signed statements "record <sequence> had <hash>". retention_cutoff is set on the checkpoint retention left
-- where it deleted older records: only such a checkpoint may start the log.
CREATE TABLE audit_checkpoints (
  sequence          BIGINT NOT NULL,
  hash              CHAR(64) NOT NULL,
  at                TIMESTAMP WITH TIME ZONE NOT NULL,
  retention_cutoff  TIMESTAMP WITH TIME ZONE,
  key_id            VARCHAR(64) NOT NULL,
  signature         VARCHAR(256) NOT NULL,
  CONSTRAINT audit_checkpoints_pk PRIMARY KEY (sequence)
);

-- Projects that switched off recording of allowed pulls (hot public projects); absent means recorded.
CREATE TABLE audit_pull_exemptions (
  project  VARCHAR(255) ${name_order} NOT NULL,
  CONSTRAINT audit_pull_exemptions_pk PRIMARY KEY (project)
);

-- How far each node's local audit journal (io.gatehouse.audit.AuditJournal) has been chained into
-- audit_records: updated in the same transaction as the records, so a restarted node replays the rest.
CREATE TABLE audit_journal_positions (
  node      VARCHAR(64) NOT NULL,
  position  BIGINT NOT NULL,
  CONSTRAINT audit_journal_positions_pk PRIMARY KEY (node)
);
