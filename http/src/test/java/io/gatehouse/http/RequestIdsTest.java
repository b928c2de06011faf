package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void generatedIdsAreVersion7UuidsThatSortByTimeAndDoNotRepeat() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ids.add(RequestIds.generate());
            if (i % 500 == 0) {
                Thread.sleep(2); // the next ones fall in a later millisecond
            }
        }
        UUID first = UUID.fromString(ids.getFirst());
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(ids.getFirst()).matches("[a-f0-9-]{36}");
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        // Ordered by their millisecond prefix: an index on them grows at its end.
        assertThat(ids.getLast().substring(0, 13)).isGreaterThan(ids.getFirst().substring(0, 13));
        long millis = first.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }
}
