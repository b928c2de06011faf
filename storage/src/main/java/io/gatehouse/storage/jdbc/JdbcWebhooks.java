package io.gatehouse.storage.jdbc;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.store.WebhookStore;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Webhooks, their queue and log over JDBC. Claiming is a SELECT of candidates followed by one conditional
 * UPDATE per row ({@code WHERE leased_until <= now}): only one node's update matches, on H2 as on PostgreSQL,
 * with no engine-specific locking syntax.
 */
final class JdbcWebhooks implements WebhookStore {
    private static final String WEBHOOK_COLUMNS =
            "id, project, url, event_types, secret, enabled, created_by, created_at";
    private static final String DELIVERY_COLUMNS =
            "d.id, d.webhook_id, d.event_id, d.event_type, d.payload, d.attempts, d.state, d.created_at,"
                    + " d.next_attempt_at";

    private final Database db;

    JdbcWebhooks(Database db) {
        this.db = db;
    }

    @Override
    public void create(WebhookRecord webhook) {
        int inserted = db.write(
                h -> h.createUpdate("INSERT INTO webhooks (" + WEBHOOK_COLUMNS + ") VALUES (:id, :project, :url,"
                                + " :types, :secret, :enabled, :createdBy, :createdAt) ON CONFLICT DO NOTHING")
                        .bind("id", webhook.id())
                        .bind("project", webhook.project().orElse(null))
                        .bind("url", webhook.url().toString())
                        .bind("types", String.join(",", new TreeSet<>(webhook.eventTypes())))
                        .bind("secret", webhook.secret())
                        .bind("enabled", webhook.enabled())
                        .bind("createdBy", webhook.createdBy())
                        .bind("createdAt", Database.timestamp(webhook.createdAt()))
                        .execute(),
                n -> n > 0);
        if (inserted == 0) {
            throw new Conflict("webhook id already in use");
        }
    }

    @Override
    public Optional<WebhookRecord> find(String id) {
        return db.read(h -> h.createQuery("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> webhook(rs))
                .findOne());
    }

    @Override
    public List<WebhookRecord> list(Optional<String> project) {
        String where = project.isPresent() ? "project = :project" : "project IS NULL";
        return db.read(h -> {
            var query = h.createQuery(
                    "SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE " + where + " ORDER BY created_at, id");
            project.ifPresent(p -> query.bind("project", p));
            return query.map((rs, ctx) -> webhook(rs)).list();
        });
    }

    @Override
    public List<WebhookRecord> enabled() {
        return db.read(h -> h.createQuery(
                        "SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE enabled = TRUE ORDER BY created_at, id")
                .map((rs, ctx) -> webhook(rs))
                .list());
    }

    @Override
    public boolean delete(String id) {
        int deleted = db.write(
                h -> h.createUpdate("DELETE FROM webhooks WHERE id = :id")
                        .bind("id", id)
                        .execute(),
                n -> n > 0);
        return deleted > 0;
    }

    @Override
    public void enqueue(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        db.write(h -> {
            var batch = h.prepareBatch("INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type,"
                    + " payload, attempts, state, created_at, next_attempt_at, leased_until) VALUES (:id,"
                    + " :webhookId, :eventId, :eventType, :payload, :attempts, :state, :createdAt, :next,"
                    + " :createdAt)");
            for (Delivery d : deliveries) {
                batch.bind("id", d.id())
                        .bind("webhookId", d.webhookId())
                        .bind("eventId", d.eventId())
                        .bind("eventType", d.eventType())
                        .bind("payload", d.payload())
                        .bind("attempts", d.attempts())
                        .bind("state", d.state().name())
                        .bind("createdAt", Database.timestamp(d.createdAt()))
                        .bind("next", Database.timestamp(d.nextAttemptAt()))
                        .add();
            }
            return batch.execute();
        });
    }

    @Override
    public List<Delivery> claimDue(Instant now, Instant leaseUntil, String owner, int limit) {
        List<String> candidates = db.read(h -> h.createQuery("SELECT id FROM webhook_deliveries WHERE state ="
                        + " 'PENDING' AND next_attempt_at <= :now AND leased_until <= :now ORDER BY"
                        + " next_attempt_at, id LIMIT :limit")
                .bind("now", Database.timestamp(now))
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
        List<Delivery> claimed = new ArrayList<>();
        for (String id : candidates) {
            // Each claim commits on its own: a lease is worth nothing if another node cannot see it.
            int won = db.write(
                    h -> h.createUpdate("UPDATE webhook_deliveries SET leased_until = :until, lease_owner = :owner"
                                    + " WHERE id = :id AND state = 'PENDING' AND leased_until <= :now")
                            .bind("until", Database.timestamp(leaseUntil))
                            .bind("owner", owner)
                            .bind("id", id)
                            .bind("now", Database.timestamp(now))
                            .execute(),
                    n -> n > 0);
            if (won == 1) {
                db.read(h -> h.createQuery(
                                        "SELECT " + DELIVERY_COLUMNS + ", w.url, w.secret FROM"
                                                + " webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = :id")
                                .bind("id", id)
                                .map((rs, ctx) -> delivery(rs, URI.create(rs.getString("url")), rs.getString("secret")))
                                .findOne())
                        .ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    @Override
    public boolean recordAttempt(Attempt attempt, String owner, DeliveryState next, Instant nextAttemptAt) {
        int moved = db.write(h -> {
            int n = h.createUpdate("UPDATE webhook_deliveries SET attempts = :attempt, state = :state,"
                            + " next_attempt_at = :next, leased_until = :at, lease_owner = NULL WHERE id = :id"
                            + " AND lease_owner = :owner")
                    .bind("attempt", attempt.attempt())
                    .bind("state", next.name())
                    .bind("next", Database.timestamp(nextAttemptAt))
                    .bind("at", Database.timestamp(attempt.at()))
                    .bind("id", attempt.deliveryId())
                    .bind("owner", owner)
                    .execute();
            if (n == 0) {
                return 0;
            }
            h.createUpdate("INSERT INTO webhook_attempts (delivery_id, attempt, webhook_id, event_id, event_type,"
                            + " at, status_code, error, duration_ms) VALUES (:deliveryId, :attempt, :webhookId,"
                            + " :eventId, :eventType, :at, :status, :error, :duration)")
                    .bind("deliveryId", attempt.deliveryId())
                    .bind("attempt", attempt.attempt())
                    .bind("webhookId", attempt.webhookId())
                    .bind("eventId", attempt.eventId())
                    .bind("eventType", attempt.eventType())
                    .bind("at", Database.timestamp(attempt.at()))
                    .bind("status", attempt.statusCode())
                    .bind("error", truncate(attempt.error()))
                    .bind("duration", attempt.durationMillis())
                    .execute();
            return n;
        });
        return moved > 0;
    }

    @Override
    public List<Attempt> attempts(String webhookId, int limit) {
        return db.read(h -> h.createQuery("SELECT delivery_id, attempt, webhook_id, event_id, event_type, at,"
                        + " status_code, error, duration_ms FROM webhook_attempts WHERE webhook_id = :id ORDER BY"
                        + " at DESC, attempt DESC LIMIT :limit")
                .bind("id", webhookId)
                .bind("limit", limit)
                .map((rs, ctx) -> new Attempt(
                        rs.getString("delivery_id"),
                        rs.getString("webhook_id"),
                        rs.getString("event_id"),
                        rs.getString("event_type"),
                        rs.getInt("attempt"),
                        Database.instant(rs, "at"),
                        rs.getInt("status_code"),
                        rs.getString("error"),
                        rs.getLong("duration_ms")))
                .list());
    }

    @Override
    public List<Delivery> deliveries(String webhookId, int limit) {
        return db.read(h -> h.createQuery("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries d WHERE"
                        + " d.webhook_id = :id ORDER BY d.created_at DESC, d.id LIMIT :limit")
                .bind("id", webhookId)
                .bind("limit", limit)
                .map((rs, ctx) -> delivery(rs, null, null))
                .list());
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 1024 ? error : error.substring(0, 1024);
    }

    private static WebhookRecord webhook(ResultSet rs) throws SQLException {
        Set<String> types =
                new LinkedHashSet<>(Arrays.asList(rs.getString("event_types").split(",")));
        return new WebhookRecord(
                rs.getString("id"),
                Optional.ofNullable(rs.getString("project")),
                URI.create(rs.getString("url")),
                types,
                rs.getString("secret"),
                rs.getBoolean("enabled"),
                rs.getString("created_by"),
                Database.instant(rs, "created_at"));
    }

    private static Delivery delivery(ResultSet rs, URI url, String secret) throws SQLException {
        return new Delivery(
                rs.getString("id"),
                rs.getString("webhook_id"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("payload"),
                rs.getInt("attempts"),
                DeliveryState.valueOf(rs.getString("state")),
                Database.instant(rs, "created_at"),
                Database.instant(rs, "next_attempt_at"),
                url,
                secret);
    }
}
