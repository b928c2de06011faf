-- Webhooks (io.gatehouse.core.store.WebhookStore). Same conventions as V1/V2.

-- project: NULL for a system-wide webhook. event_types: comma-separated type names (artifact.pushed, ...).
-- secret: kept as given, since it must be usable for HMAC signing (see the README for the trade-off).
CREATE TABLE webhooks (
  id           VARCHAR(64) NOT NULL,
  project      VARCHAR(255) ${name_order},
  url          VARCHAR(2048) NOT NULL,
  event_types  VARCHAR(1024) NOT NULL,
  secret       VARCHAR(255) NOT NULL,
  enabled      BOOLEAN NOT NULL,
  created_by   VARCHAR(255) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT webhooks_pk PRIMARY KEY (id)
);
CREATE INDEX webhooks_project ON webhooks (project);

-- The persistent delivery queue: one row per event per webhook. A node claims a due row by moving
-- leased_until forward with a conditional UPDATE (works alike on H2 and PostgreSQL); a node that dies
-- mid-attempt leaves a lease that runs out, and the row is due again. state: PENDING, DELIVERED, DEAD.
CREATE TABLE webhook_deliveries (
  id               VARCHAR(64) NOT NULL,
  webhook_id       VARCHAR(64) NOT NULL,
  event_id         VARCHAR(64) NOT NULL,
  event_type       VARCHAR(128) NOT NULL,
  payload          VARCHAR NOT NULL,
  attempts         INTEGER NOT NULL,
  state            VARCHAR(16) NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  leased_until     TIMESTAMP WITH TIME ZONE NOT NULL,
  lease_owner      VARCHAR(64),
  CONSTRAINT webhook_deliveries_pk PRIMARY KEY (id),
  CONSTRAINT webhook_deliveries_webhook_fk FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at);

-- The delivery log: every attempt, successful or not (never the secret or the response body).
CREATE TABLE webhook_attempts (
  delivery_id  VARCHAR(64) NOT NULL,
  attempt      INTEGER NOT NULL,
  webhook_id   VARCHAR(64) NOT NULL,
  event_id     VARCHAR(64) NOT NULL,
  event_type   VARCHAR(128) NOT NULL,
  at           TIMESTAMP WITH TIME ZONE NOT NULL,
  status_code  INTEGER NOT NULL,
  error        VARCHAR(1024),
  duration_ms  BIGINT NOT NULL,
  CONSTRAINT webhook_attempts_pk PRIMARY KEY (delivery_id, attempt),
  CONSTRAINT webhook_attempts_delivery_fk FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id)
    ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_webhook ON webhook_attempts (webhook_id, at);
