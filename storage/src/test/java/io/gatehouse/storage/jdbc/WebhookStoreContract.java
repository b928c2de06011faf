package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.store.WebhookStore;
import io.gatehouse.core.store.WebhookStore.Attempt;
import io.gatehouse.core.store.WebhookStore.Delivery;
import io.gatehouse.core.store.WebhookStore.DeliveryState;
import io.gatehouse.core.store.WebhookStore.WebhookRecord;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The webhook store on every engine: webhooks by scope, the leased delivery queue, the delivery log. */
public abstract class WebhookStoreContract extends StoreContractBase {
    static final Instant LATER = T0.plus(Duration.ofMinutes(1));

    WebhookStore webhooks() {
        return store.webhooks();
    }

    static WebhookRecord webhook(String id, Optional<String> project) {
        return new WebhookRecord(
                id,
                project,
                URI.create("https://hooks.example/" + id),
                Set.of("artifact.pushed", "access.denied"),
                "whsec_" + id,
                true,
                "admin",
                T0);
    }

    @Test
    void webhooksAreListedByScopeWithTheirSecretKeptForSigning() {
        webhooks().create(webhook("sys", Optional.empty()));
        webhooks().create(webhook("a", Optional.of("teama")));
        webhooks().create(webhook("b", Optional.of("teamb")));

        assertThat(webhooks().list(Optional.empty())).containsExactly(webhook("sys", Optional.empty()));
        assertThat(webhooks().list(Optional.of("teama"))).containsExactly(webhook("a", Optional.of("teama")));
        assertThat(webhooks().enabled()).hasSize(3);
        assertThat(webhooks().find("b").orElseThrow().secret()).isEqualTo("whsec_b");
        assertThat(webhooks().find("nope")).isEmpty();
    }

    @Test
    void aTakenIdIsAConflictAndDeleteRemovesQueueAndLog() {
        webhooks().create(webhook("a", Optional.of("teama")));
        assertThatThrownBy(() -> webhooks().create(webhook("a", Optional.empty())))
                .isInstanceOf(Conflict.class);
        webhooks().enqueue(List.of(Delivery.queued("d1", "a", "e1", "artifact.pushed", "{}", T0)));
        var claimed = webhooks().claimDue(T0, LATER, "node1", 10);
        webhooks().recordAttempt(attempt(claimed.getFirst(), 1, 500, "HTTP 500"), "node1", DeliveryState.PENDING, T0);

        assertThat(webhooks().delete("a")).isTrue();
        assertThat(webhooks().delete("a")).isFalse();
        assertThat(webhooks().attempts("a", 10)).isEmpty();
        assertThat(webhooks().claimDue(LATER, LATER.plusSeconds(60), "node1", 10))
                .isEmpty();
    }

    @Test
    void aDueDeliveryIsLeasedToOneNodeUntilTheLeaseRunsOut() {
        webhooks().create(webhook("a", Optional.of("teama")));
        webhooks().enqueue(List.of(Delivery.queued("d1", "a", "e1", "artifact.pushed", "{\"x\":1}", T0)));

        var first = webhooks().claimDue(T0, LATER, "node1", 10);
        assertThat(first).singleElement().satisfies(d -> {
            assertThat(d.payload()).isEqualTo("{\"x\":1}");
            assertThat(d.url()).isEqualTo(URI.create("https://hooks.example/a"));
            assertThat(d.secret()).isEqualTo("whsec_a");
        });
        assertThat(webhooks().claimDue(T0.plusSeconds(1), LATER, "node2", 10)).isEmpty();
        // node1 died mid-attempt: once its lease ran out, node2 takes the delivery over, and node1's late
        // report no longer counts.
        assertThat(webhooks().claimDue(LATER, LATER.plusSeconds(60), "node2", 10))
                .hasSize(1);
        assertThat(webhooks()
                        .recordAttempt(
                                attempt(first.getFirst(), 1, 204, null), "node1", DeliveryState.DELIVERED, LATER))
                .isFalse();
        assertThat(webhooks()
                        .recordAttempt(
                                attempt(first.getFirst(), 1, 204, null), "node2", DeliveryState.DELIVERED, LATER))
                .isTrue();
    }

    @Test
    void concurrentClaimsGetEachDeliveryOnce() throws Exception {
        webhooks().create(webhook("a", Optional.of("teama")));
        List<Delivery> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queued.add(Delivery.queued("d" + i, "a", "e" + i, "artifact.pushed", "{}", T0));
        }
        webhooks().enqueue(queued);
        var pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Delivery>>> claims = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String owner = "node" + i;
                claims.add(
                        pool.submit((Callable<List<Delivery>>) () -> webhooks().claimDue(T0, LATER, owner, 20)));
            }
            List<String> ids = new ArrayList<>();
            for (var f : claims) {
                f.get().forEach(d -> ids.add(d.id()));
            }
            assertThat(ids).hasSize(20).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedAttemptIsRetriedWhenDueAndEveryAttemptIsLogged() {
        webhooks().create(webhook("a", Optional.of("teama")));
        webhooks().enqueue(List.of(Delivery.queued("d1", "a", "e1", "artifact.pushed", "{}", T0)));

        var d = webhooks().claimDue(T0, LATER, "node1", 10).getFirst();
        webhooks().recordAttempt(attempt(d, 1, 503, "HTTP 503"), "node1", DeliveryState.PENDING, T0.plusSeconds(30));
        assertThat(webhooks().claimDue(T0.plusSeconds(29), LATER, "node1", 10)).isEmpty();
        d = webhooks().claimDue(T0.plusSeconds(30), LATER, "node1", 10).getFirst();
        assertThat(d.attempts()).isEqualTo(1);
        webhooks().recordAttempt(attempt(d, 2, 200, null), "node1", DeliveryState.DELIVERED, T0.plusSeconds(30));

        assertThat(webhooks().claimDue(LATER.plusSeconds(600), LATER.plusSeconds(700), "node1", 10))
                .isEmpty();
        assertThat(webhooks().attempts("a", 10))
                .extracting(Attempt::attempt, Attempt::statusCode, Attempt::error)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, 200, null),
                        org.assertj.core.groups.Tuple.tuple(1, 503, "HTTP 503"));
        assertThat(webhooks().deliveries("a", 10)).singleElement().satisfies(x -> {
            assertThat(x.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(x.attempts()).isEqualTo(2);
        });
    }

    static Attempt attempt(Delivery d, int n, int status, String error) {
        return new Attempt(d.id(), d.webhookId(), d.eventId(), d.eventType(), n, T0.plusSeconds(n), status, error, 12);
    }
}
