package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.store.AdvisoryStore;
import io.gatehouse.core.store.AdvisoryStore.ImportLogEntry;
import io.gatehouse.core.store.AdvisoryStore.StoredAdvisory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The advisory store on every engine: batched imports, replacement, removal, the import log. */
public abstract class AdvisoryStoreContract extends StoreContractBase {
    static final Instant LATER = T0.plus(Duration.ofHours(1));

    AdvisoryStore advisories() {
        return store.advisories();
    }

    static StoredAdvisory advisory(String id, Instant modified, String summary) {
        return new StoredAdvisory(
                id,
                modified,
                T0,
                "{\"id\":\"" + id + "\",\"modified\":\"" + modified + "\",\"summary\":\"" + summary + "\"}");
    }

    @Test
    void storesReplacesAndRemovesInOneApply() {
        advisories().apply(List.of(advisory("GHSA-1", T0, "one"), advisory("GHSA-2", T0, "two")), List.of(), List.of());
        assertThat(advisories().modifiedTimes()).isEqualTo(Map.of("GHSA-1", T0, "GHSA-2", T0));

        advisories()
                .apply(
                        List.of(),
                        List.of(advisory("GHSA-1", LATER, "one again"), advisory("GHSA-never-stored", T0, "")),
                        List.of("GHSA-2", "GHSA-never-stored"));

        assertThat(advisories().modifiedTimes()).isEqualTo(Map.of("GHSA-1", LATER));
        assertThat(advisories().json("GHSA-1"))
                .hasValueSatisfying(json -> assertThat(json).contains("one again"));
        assertThat(advisories().json("GHSA-2")).isEmpty();
        assertThat(advisories().count()).isEqualTo(1);
    }

    @Test
    void keepsLargeRecordsWhole() {
        String big = "x".repeat(3 << 20);
        StoredAdvisory record = advisory("BIG-1", T0, big);
        advisories().apply(List.of(record), List.of(), List.of());
        assertThat(advisories().json("BIG-1"))
                .hasValueSatisfying(json -> assertThat(json).isEqualTo(record.json()));
    }

    @Test
    void streamsEverythingInIdOrder() {
        advisories()
                .apply(
                        List.of(advisory("B", T0, ""), advisory("A", T0, ""), advisory("C", T0, "")),
                        List.of(),
                        List.of());
        List<String> ids = new ArrayList<>();
        advisories().forEach(a -> ids.add(a.id()));
        assertThat(ids).containsExactly("A", "B", "C");
    }

    @Test
    void logsImportsNewestFirst() {
        advisories().recordImport(new ImportLogEntry("all.zip", T0, 3, 0, 0, 0, 1, 4));
        advisories().recordImport(new ImportLogEntry("/srv/osv", LATER, 0, 1, 1, 2, 0, 4));
        assertThat(advisories().imports(10))
                .containsExactly(
                        new ImportLogEntry("/srv/osv", LATER, 0, 1, 1, 2, 0, 4),
                        new ImportLogEntry("all.zip", T0, 3, 0, 0, 0, 1, 4));
        assertThat(advisories().imports(1)).hasSize(1);
    }

    /** 50,000 advisories of typical size (about 2 KB) in one apply: batched, it takes seconds, not minutes. */
    @Test
    void importsFiftyThousandAdvisoriesInSeconds() {
        String padding = "p".repeat(2000);
        List<StoredAdvisory> many = new ArrayList<>(50_000);
        for (int i = 0; i < 50_000; i++) {
            many.add(advisory("GHSA-" + i, T0, padding));
        }
        long start = System.nanoTime();
        advisories().apply(many, List.of(), List.of());
        long insertMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        advisories().apply(List.of(), many.subList(0, 10_000), List.of()); // replace a fifth
        long replaceMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                "advisory store (%s): 50,000 inserted in %d ms, 10,000 replaced in %d ms%n",
                getClass().getSimpleName(), insertMillis, replaceMillis);
        assertThat(advisories().count()).isEqualTo(50_000);
        assertThat(insertMillis)
                .as("50,000 advisories must import in well under a minute")
                .isLessThan(60_000);
    }
}
