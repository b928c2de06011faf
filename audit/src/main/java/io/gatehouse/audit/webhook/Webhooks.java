package io.gatehouse.audit.webhook;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.store.WebhookStore;
import io.gatehouse.core.store.WebhookStore.Attempt;
import io.gatehouse.core.store.WebhookStore.Delivery;
import io.gatehouse.core.store.WebhookStore.WebhookRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks: their administration (create, list, delete, delivery log, test delivery) and, as an event
 * subscriber, turning each event into queued deliveries for the webhooks that want it. Subscribing costs a
 * request almost nothing: the request thread only checks the event's type against what webhooks want and
 * hands it to one background thread, which writes the queue; a full hand-off queue drops the event with a
 * warning rather than slowing or failing the request.
 */
public final class Webhooks implements EventSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final long SNAPSHOT_TTL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** Who made an admin change, for the audit event. */
    public record Actor(String name, String sourceAddress, String requestId) {}

    /** A created webhook with its secret, which is shown this once. */
    public record Created(WebhookRecord webhook) {}

    private final WebhookStore store;
    private final WebhookTargets targets;
    private final CloudEvents cloudEvents;
    private final Predicate<String> projectExists;
    private final EventSink audit;
    private final Clock clock;
    private final Runnable wake;
    private final ThreadPoolExecutor enqueuer;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Set.of(), Long.MIN_VALUE);

    /** The enabled webhooks as last read, and every type any of them wants. */
    private record Snapshot(List<WebhookRecord> webhooks, Set<String> wanted, long readAtNanos) {
        boolean fresh() {
            return readAtNanos != Long.MIN_VALUE && System.nanoTime() - readAtNanos < SNAPSHOT_TTL_NANOS;
        }
    }

    /**
     * @param audit where admin changes to webhooks are reported (the server's event bus)
     * @param wake called after deliveries are queued, so a sender picks them up without waiting for its poll
     */
    public Webhooks(
            WebhookStore store,
            WebhookTargets targets,
            CloudEvents cloudEvents,
            Predicate<String> projectExists,
            EventSink audit,
            Clock clock,
            Runnable wake) {
        this.store = store;
        this.targets = targets;
        this.cloudEvents = cloudEvents;
        this.projectExists = projectExists;
        this.audit = audit;
        this.clock = clock;
        this.wake = wake;
        this.enqueuer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "gatehouse-webhook-enqueue");
            t.setDaemon(true);
            return t;
        });
        enqueuer.setRejectedExecutionHandler(
                (r, e) -> log.warn("webhook hand-off queue full; an event was not queued for webhooks"));
    }

    // ------------------------------------------------------------------------------------ administration

    /**
     * @param id the id to give it (so provisioning scripts can name webhooks), or empty for a generated one; a
     *     taken id is a conflict
     */
    public Created create(
            Actor actor, Optional<String> project, Optional<String> id, String url, Collection<String> eventTypes) {
        id.ifPresent(given -> {
            if (!ID.matcher(given).matches()) {
                throw new Invalid(
                        Invalid.Kind.PARAMETER,
                        "id must be 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit");
            }
        });
        project.ifPresent(p -> {
            if (!projectExists.test(p)) {
                throw new NotFound(NotFound.Kind.PROJECT, "project " + p + " not found");
            }
        });
        var target = targets.check(url);
        Set<String> types = new LinkedHashSet<>();
        for (String type : eventTypes) {
            String t = type.strip();
            if (t.startsWith(EventTypes.PREFIX)) {
                t = t.substring(EventTypes.PREFIX.length());
            }
            if (!EventTypes.isSubscribable(t)) {
                throw new Invalid(
                        Invalid.Kind.PARAMETER,
                        "unknown event type " + type + "; known: " + String.join(", ", EventTypes.SUBSCRIBABLE));
            }
            types.add(t);
        }
        if (types.isEmpty()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "events is required: at least one event type");
        }
        var webhook = new WebhookRecord(
                id.orElseGet(() ->
                        "wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20)),
                project,
                target,
                types,
                newSecret(),
                true,
                actor.name(),
                clock.instant());
        store.create(webhook);
        snapshot = new Snapshot(List.of(), Set.of(), Long.MIN_VALUE);
        changed(actor, "webhook.create", webhook, Map.of("url", target.toString(), "events", String.join(",", types)));
        return new Created(webhook);
    }

    public List<WebhookRecord> list(Optional<String> project) {
        return store.list(project);
    }

    public void delete(Actor actor, Optional<String> project, String id) {
        var webhook = inScope(project, id);
        store.delete(webhook.id());
        snapshot = new Snapshot(List.of(), Set.of(), Long.MIN_VALUE);
        changed(actor, "webhook.delete", webhook, Map.of());
    }

    /** The delivery log, newest attempt first. */
    public List<Attempt> attempts(Optional<String> project, String id, int limit) {
        return store.attempts(inScope(project, id).id(), limit);
    }

    /** Queues a {@code webhook.test} event for the webhook now; the result shows in its delivery log. */
    public Delivery test(Actor actor, Optional<String> project, String id) {
        var webhook = inScope(project, id);
        var event = cloudEvents.test(clock.instant(), webhook.id(), webhook.project(), actor.name());
        var delivery = Delivery.queued(
                UUID.randomUUID().toString(), webhook.id(), event.id(), event.type(), event.toJson(), clock.instant());
        store.enqueue(List.of(delivery));
        wake.run();
        return delivery;
    }

    /** A webhook by id, as if absent when it is not in the caller's scope (a project admin sees no others). */
    private WebhookRecord inScope(Optional<String> project, String id) {
        return store.find(id)
                .filter(w -> w.project().equals(project))
                .orElseThrow(() -> new NotFound(NotFound.Kind.WEBHOOK, "webhook " + id + " not found"));
    }

    private void changed(Actor actor, String change, WebhookRecord webhook, Map<String, String> details) {
        audit.emit(new Event.AdminChanged(
                clock.instant(),
                actor.name(),
                actor.sourceAddress(),
                actor.requestId(),
                change,
                "webhook:" + webhook.id(),
                details));
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ------------------------------------------------------------------------------------ events

    @Override
    public void emit(Event event) {
        List<String> types = CloudEvents.typesOf(event);
        if (types.isEmpty()) {
            return;
        }
        Snapshot current = snapshot;
        if (current.fresh() && types.stream().noneMatch(current.wanted()::contains)) {
            return;
        }
        enqueuer.execute(() -> enqueue(event));
    }

    private void enqueue(Event event) {
        try {
            List<WebhookRecord> webhooks = webhooks();
            List<Delivery> deliveries = new ArrayList<>();
            for (CloudEvent e : cloudEvents.map(event)) {
                String payload = null;
                for (WebhookRecord w : webhooks) {
                    if (w.eventTypes().contains(e.type())
                            && (w.project().isEmpty() || w.project().equals(e.project()))) {
                        payload = payload == null ? e.toJson() : payload;
                        deliveries.add(Delivery.queued(
                                UUID.randomUUID().toString(), w.id(), e.id(), e.type(), payload, clock.instant()));
                    }
                }
            }
            if (!deliveries.isEmpty()) {
                store.enqueue(deliveries);
                wake.run();
            }
        } catch (RuntimeException e) {
            log.warn("could not queue {} for webhooks", event.getClass().getSimpleName(), e);
        }
    }

    private List<WebhookRecord> webhooks() {
        Snapshot current = snapshot;
        if (!current.fresh()) {
            var enabled = store.enabled();
            Set<String> wanted = new HashSet<>();
            enabled.forEach(w -> wanted.addAll(w.eventTypes()));
            current = new Snapshot(enabled, Set.copyOf(wanted), System.nanoTime());
            snapshot = current;
        }
        return current.webhooks();
    }

    /** Lets events already handed over reach the queue (up to a few seconds), then stops. */
    @Override
    public void close() {
        enqueuer.shutdown();
        try {
            if (!enqueuer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("events for webhooks still being queued at shutdown; they are lost");
                enqueuer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
