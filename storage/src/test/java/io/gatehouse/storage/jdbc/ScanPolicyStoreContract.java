package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.store.ScanPolicyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pull policies and CVE allowlists on every engine. */
public abstract class ScanPolicyStoreContract extends StoreContractBase {
    static final Instant EXPIRY = T0.plus(Duration.ofDays(30));

    ScanPolicyStore policies() {
        return store.scanPolicies();
    }

    @BeforeEach
    void projects() {
        store.access().createProject(new ProjectSettings("team", false, List.of()));
        store.access().createProject(new ProjectSettings("other", false, List.of()));
    }

    static CveAllowlistEntry entry(Optional<String> project, String id, String reason) {
        return new CveAllowlistEntry(project, id, reason, EXPIRY, "alice", T0);
    }

    @Test
    void aProjectWithoutAPolicyHasNoneAndAPutReplacesIt() {
        assertThat(policies().policy("team")).isEmpty();
        policies().putPolicy(new ScanPolicy("team", Optional.of(Severity.HIGH), false), "alice", T0);
        assertThat(policies().policy("team")).contains(new ScanPolicy("team", Optional.of(Severity.HIGH), false));
        policies().putPolicy(new ScanPolicy("team", Optional.empty(), true), "bob", T0);
        assertThat(policies().policy("team")).contains(new ScanPolicy("team", Optional.empty(), true));
        assertThat(policies().policy("other")).isEmpty();
    }

    @Test
    void systemAndProjectListsAreSeparateAndKeepEveryField() {
        var system = entry(Optional.empty(), "CVE-2023-45853", "zlib minizip is not used");
        var project = entry(Optional.of("team"), "GHSA-jfh8-c2jp-5v3q", "patched in our fork");
        policies().putAllowlistEntry(system);
        policies().putAllowlistEntry(project);

        assertThat(policies().allowlist(Optional.empty())).containsExactly(system);
        assertThat(policies().allowlist(Optional.of("team"))).containsExactly(project);
        assertThat(policies().allowlist(Optional.of("other"))).isEmpty();
    }

    @Test
    void aPutOfTheSameIdRenewsTheEntry() {
        policies().putAllowlistEntry(entry(Optional.of("team"), "CVE-1", "first"));
        var renewed = new CveAllowlistEntry(
                Optional.of("team"), "CVE-1", "second", EXPIRY.plus(Duration.ofDays(1)), "bob", T0.plusSeconds(5));
        policies().putAllowlistEntry(renewed);
        assertThat(policies().allowlist(Optional.of("team"))).containsExactly(renewed);
    }

    @Test
    void removesFromOneListOnly() {
        policies().putAllowlistEntry(entry(Optional.empty(), "CVE-1", "system"));
        policies().putAllowlistEntry(entry(Optional.of("team"), "CVE-1", "project"));

        assertThat(policies().removeAllowlistEntry(Optional.of("team"), "CVE-1"))
                .isTrue();
        assertThat(policies().removeAllowlistEntry(Optional.of("team"), "CVE-1"))
                .isFalse();
        assertThat(policies().allowlist(Optional.empty()))
                .extracting(CveAllowlistEntry::reason)
                .containsExactly("system");
    }
}
