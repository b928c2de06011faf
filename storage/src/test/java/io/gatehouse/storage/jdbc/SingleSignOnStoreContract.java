package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.RobotAccount;
import io.gatehouse.core.access.policy.RobotRecord;
import io.gatehouse.core.store.SingleSignOnStore;
import io.gatehouse.core.store.SingleSignOnStore.PendingLogin;
import io.gatehouse.core.store.UserRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The single sign-on store on every engine: single-use login states, onboarding, CLI secrets. */
public abstract class SingleSignOnStoreContract extends StoreContractBase {
    static final String ISSUER = "https://idp.example/realms/corp";

    SingleSignOnStore sso() {
        return store.singleSignOn();
    }

    static PendingLogin pending(String state, java.time.Instant expiresAt) {
        return new PendingLogin(state, "nonce-" + state, "verifier-" + state, "https://gh.example/cb", expiresAt);
    }

    @Test
    void aPendingLoginIsTakenOnce() {
        sso().savePendingLogin(pending("s1", T0.plus(Duration.ofMinutes(10))), T0);

        assertThat(sso().takePendingLogin("s1")).contains(pending("s1", T0.plus(Duration.ofMinutes(10))));
        assertThat(sso().takePendingLogin("s1")).isEmpty();
        assertThat(sso().takePendingLogin("never-issued")).isEmpty();
    }

    @Test
    void expiredPendingLoginsArePurgedWhenTheNextLoginStarts() {
        sso().savePendingLogin(pending("old", T0.plus(Duration.ofMinutes(1))), T0);
        sso().savePendingLogin(pending("new", T0.plus(Duration.ofMinutes(20))), T0.plus(Duration.ofMinutes(11)));

        assertThat(sso().takePendingLogin("old")).isEmpty();
        assertThat(sso().takePendingLogin("new")).isPresent();
    }

    @Test
    void concurrentCallbacksWithOneStateGetItOnceBetweenThem() throws Exception {
        sso().savePendingLogin(pending("race", T0.plus(Duration.ofMinutes(10))), T0);
        var pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<PendingLogin>>> takes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                takes.add(pool.submit((Callable<Optional<PendingLogin>>) () -> sso().takePendingLogin("race")));
            }
            int won = 0;
            for (var take : takes) {
                won += take.get().isPresent() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onboardingCreatesAPasswordlessUserLinkedToTheAccount() {
        assertThat(sso().onboard("alice", "!sso", ISSUER, "sub-1", T0)).isTrue();

        assertThat(store.users().find("alice")).contains(new UserRecord("alice", "!sso", T0));
        assertThat(sso().userOf(ISSUER, "sub-1")).contains("alice");
        assertThat(sso().userOf("https://other.example", "sub-1")).isEmpty();
        assertThat(sso().isSingleSignOnUser("alice")).isTrue();
    }

    @Test
    void onboardingNeverTakesALocalUserOrRobotName() {
        store.users().create(new UserRecord("bob", "local-hash", T0));
        store.access()
                .createRobot(new RobotRecord(
                        new RobotAccount(
                                "ci",
                                List.of(new BindingScope.Project("team")),
                                EnumSet.of(Action.PULL),
                                Optional.empty(),
                                false),
                        "robot-hash",
                        "admin",
                        T0,
                        Optional.empty()));

        assertThat(sso().onboard("bob", "!sso", ISSUER, "sub-bob", T0)).isFalse();
        assertThat(sso().onboard("ci", "!sso", ISSUER, "sub-ci", T0)).isFalse();
        assertThat(store.users().find("bob").orElseThrow().passwordHash()).isEqualTo("local-hash");
        assertThat(sso().isSingleSignOnUser("bob")).isFalse();
        assertThat(sso().userOf(ISSUER, "sub-bob")).isEmpty();
    }

    @Test
    void cliSecretsAreSetReplacedAndRemovedForSingleSignOnUsersOnly() {
        sso().onboard("alice", "!sso", ISSUER, "sub-1", T0);
        store.users().create(new UserRecord("bob", "local-hash", T0));
        assertThat(sso().cliSecretHash("alice")).isEmpty();

        assertThat(sso().setCliSecretHash("alice", Optional.of("hash-1"), T0)).isTrue();
        assertThat(sso().setCliSecretHash("alice", Optional.of("hash-2"), T0)).isTrue();
        assertThat(sso().cliSecretHash("alice")).contains("hash-2");
        assertThat(sso().setCliSecretHash("alice", Optional.empty(), T0)).isTrue();
        assertThat(sso().cliSecretHash("alice")).isEmpty();

        assertThat(sso().setCliSecretHash("bob", Optional.of("hash"), T0)).isFalse();
        assertThat(sso().setCliSecretHash("nobody", Optional.of("hash"), T0)).isFalse();
        assertThat(sso().cliSecretHash("bob")).isEmpty();
    }
}
