package io.gatehouse.audit.webhook;

import io.gatehouse.core.store.WebhookStore;
import io.gatehouse.core.store.WebhookStore.Attempt;
import io.gatehouse.core.store.WebhookStore.Delivery;
import io.gatehouse.core.store.WebhookStore.DeliveryState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued deliveries: claims due ones with a lease, POSTs each (signed) on its own virtual thread,
 * records the attempt, and schedules a retry with backoff or dead-letters it. Runs on every node; the lease
 * keeps nodes from sending one attempt twice, and a delivery whose node died is taken over once its lease
 * runs out (so a receiver may, rarely, get an event twice: it should deduplicate on the CloudEvent id).
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int BATCH = 32;

    public static final String CONTENT_TYPE = "application/cloudevents+json";
    public static final String ATTEMPT_HEADER = "X-Gatehouse-Attempt";
    public static final String DELIVERY_HEADER = "X-Gatehouse-Delivery";
    public static final String WEBHOOK_HEADER = "X-Gatehouse-Webhook";

    private final WebhookStore store;
    private final WebhookTargets targets;
    private final WebhookSettings settings;
    private final Clock clock;
    private final String owner = "node-" + UUID.randomUUID();
    private final HttpClient http;
    private final ScheduledExecutorService poller;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final List<Consumer<Attempt>> recorded = new CopyOnWriteArrayList<>();

    public WebhookSender(WebhookStore store, WebhookTargets targets, WebhookSettings settings, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-webhook-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /** Tells {@code listener} about every attempt once it is in the log (metrics; tests wait on it). */
    public void onAttemptRecorded(Consumer<Attempt> listener) {
        recorded.add(listener);
    }

    public void start() {
        long every = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Looks for due deliveries now (new ones were queued). */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                poller.execute(() -> {
                    wakeQueued.set(false);
                    poll();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakeQueued.set(false); // shutting down
            }
        }
    }

    private void poll() {
        try {
            while (deliverDue() == BATCH) {
                // a full batch: there may be more due
            }
        } catch (RuntimeException e) {
            log.warn("webhook delivery round failed; retrying at the next poll", e);
        }
    }

    /** Sends every due delivery this node can claim (up to one batch); returns how many it claimed. */
    int deliverDue() {
        Instant now = clock.instant();
        // The lease outlives the longest attempt, so a live node never loses a delivery it is sending.
        Instant leaseUntil = now.plus(settings.requestTimeout().multipliedBy(2)).plusSeconds(5);
        List<Delivery> claimed = store.claimDue(now, leaseUntil, owner, BATCH);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Delivery d : claimed) {
                threads.submit(() -> deliver(d));
            }
        }
        return claimed.size();
    }

    private void deliver(Delivery d) {
        int attempt = d.attempts() + 1;
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        int status = 0;
        String error;
        Optional<String> refused = targets.refusal(d.url());
        if (refused.isPresent()) {
            error = refused.get();
        } else {
            try {
                status = post(d, attempt);
                error = status / 100 == 2 ? null : "HTTP " + status;
            } catch (HttpTimeoutException e) {
                error = "timed out after " + settings.requestTimeout();
            } catch (ConnectException e) {
                error = "connection refused";
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // shutting down: the lease runs out and the attempt is made again
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Instant at = clock.instant();
        DeliveryState next;
        Instant nextAt = at;
        if (error == null) {
            next = DeliveryState.DELIVERED;
        } else if (attempt >= settings.maxAttempts()
                || Duration.between(d.createdAt(), at).compareTo(settings.maxAge()) >= 0) {
            next = DeliveryState.DEAD;
            log.warn(
                    "webhook {} delivery {} dead-lettered after {} attempts: {}",
                    d.webhookId(),
                    d.id(),
                    attempt,
                    error);
        } else {
            next = DeliveryState.PENDING;
            nextAt = at.plus(
                    settings.backoff(attempt, ThreadLocalRandom.current().nextDouble()));
        }
        var record =
                new Attempt(d.id(), d.webhookId(), d.eventId(), d.eventType(), attempt, started, status, error, millis);
        if (!store.recordAttempt(record, owner, next, nextAt)) {
            log.info(
                    "webhook delivery {} was taken over by another node before attempt {} was recorded",
                    d.id(),
                    attempt);
            return;
        }
        recorded.forEach(listener -> listener.accept(record));
    }

    private int post(Delivery d, int attempt) throws IOException, InterruptedException {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(d.url().toString()))
                .timeout(settings.requestTimeout())
                .header("Content-Type", CONTENT_TYPE)
                .header("User-Agent", "Gatehouse-Webhooks/1")
                .header(WEBHOOK_HEADER, d.webhookId())
                .header(DELIVERY_HEADER, d.id())
                .header(ATTEMPT_HEADER, String.valueOf(attempt))
                .header(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(d.secret(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(settings.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
