package io.gatehouse.core.store;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Webhooks, their delivery queue and their delivery log. The queue is a table, so an event accepted for
 * delivery survives a restart, and any node may deliver it: a node claims due deliveries with a lease (a
 * conditional update, the same on H2 and PostgreSQL), so two nodes never send one attempt twice while the
 * lease holds.
 */
public interface WebhookStore {

    void create(WebhookRecord webhook);

    Optional<WebhookRecord> find(String id);

    /** Webhooks of one project, or with an empty project the system-wide ones; oldest first. */
    List<WebhookRecord> list(Optional<String> project);

    /** Every enabled webhook, system-wide and per project, for matching events. */
    List<WebhookRecord> enabled();

    /** Deletes the webhook with its queue and log; false if it was not there. */
    boolean delete(String id);

    /** Adds deliveries to the queue, due at their {@code nextAttemptAt}. */
    void enqueue(List<Delivery> deliveries);

    /**
     * Leases up to {@code limit} pending deliveries due at {@code now} to {@code owner} until {@code leaseUntil};
     * a delivery whose lease ran out (its node died mid-attempt) is due again.
     */
    List<Delivery> claimDue(Instant now, Instant leaseUntil, String owner, int limit);

    /**
     * Records an attempt in the log and moves the delivery on (delivered, retried at {@code nextAttemptAt}, or
     * dead), releasing the lease; false if {@code owner} no longer held it (another node took it over).
     */
    boolean recordAttempt(Attempt attempt, String owner, DeliveryState next, Instant nextAttemptAt);

    /** The webhook's delivery log, newest attempt first, at most {@code limit}. */
    List<Attempt> attempts(String webhookId, int limit);

    /** The webhook's queued deliveries, newest first, at most {@code limit}. */
    List<Delivery> deliveries(String webhookId, int limit);

    /**
     * A webhook. {@code secret} signs every delivery; it is kept as given (it must be usable for signing) and
     * never printed by {@link #toString()}.
     *
     * @param project the project whose events it gets, empty for a system-wide webhook (every event)
     * @param eventTypes CloudEvents types without the {@code io.gatehouse.} prefix, e.g. {@code artifact.pushed}
     */
    record WebhookRecord(
            String id,
            Optional<String> project,
            URI url,
            Set<String> eventTypes,
            String secret,
            boolean enabled,
            String createdBy,
            Instant createdAt) {
        public WebhookRecord {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(url, "url");
            eventTypes = Set.copyOf(eventTypes);
            if (eventTypes.isEmpty()) {
                throw new IllegalArgumentException("a webhook needs at least one event type");
            }
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(createdBy, "createdBy");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        @Override
        public String toString() {
            return "Webhook[" + id + " " + project.orElse("system") + " " + url + " " + eventTypes + "]";
        }
    }

    enum DeliveryState {
        PENDING,
        DELIVERED,
        DEAD
    }

    /**
     * One event for one webhook.
     *
     * @param payload the CloudEvent JSON exactly as it is sent (and signed) on every attempt
     * @param attempts attempts made so far
     * @param url where the webhook sends, filled in by {@link #claimDue}; null elsewhere
     * @param secret the webhook's secret, filled in by {@link #claimDue}; null elsewhere
     */
    record Delivery(
            String id,
            String webhookId,
            String eventId,
            String eventType,
            String payload,
            int attempts,
            DeliveryState state,
            Instant createdAt,
            Instant nextAttemptAt,
            URI url,
            String secret) {
        public Delivery {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(webhookId, "webhookId");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(eventType, "eventType");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        }

        public static Delivery queued(
                String id, String webhookId, String eventId, String eventType, String payload, Instant now) {
            return new Delivery(
                    id, webhookId, eventId, eventType, payload, 0, DeliveryState.PENDING, now, now, null, null);
        }

        @Override
        public String toString() {
            return "Delivery[" + id + " " + eventType + " to " + webhookId + " attempts=" + attempts + " " + state
                    + "]";
        }
    }

    /**
     * One attempt to deliver, as the delivery log shows it.
     *
     * @param statusCode the receiver's HTTP status, 0 if none came (connection refused, timeout)
     * @param error why it failed, null if it succeeded (never the secret or the response body)
     */
    record Attempt(
            String deliveryId,
            String webhookId,
            String eventId,
            String eventType,
            int attempt,
            Instant at,
            int statusCode,
            String error,
            long durationMillis) {
        public Attempt {
            Objects.requireNonNull(deliveryId, "deliveryId");
            Objects.requireNonNull(webhookId, "webhookId");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(eventType, "eventType");
            Objects.requireNonNull(at, "at");
        }

        public boolean succeeded() {
            return error == null;
        }
    }
}
