package io.gatehouse.scan.advisory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.scan.advisory.Advisory.EventKind;
import io.gatehouse.scan.advisory.Advisory.RangeType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OsvCodecTest {
    private final OsvCodec codec = new OsvCodec();

    @Test
    void readsTheFieldsMatchingNeeds() {
        Advisory a = OsvFixtures.parse("GHSA-jfh8-c2jp-5v3q.json");
        assertThat(a.id()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
        assertThat(a.aliases()).containsExactly("CVE-2021-44228");
        assertThat(a.modified()).isEqualTo(Instant.parse("2025-10-22T19:37:02Z"));
        assertThat(a.published()).contains(Instant.parse("2021-12-10T00:40:56Z"));
        assertThat(a.withdrawn()).isEmpty();
        assertThat(a.summary()).isEqualTo("Remote code injection in Log4j");
        assertThat(a.databaseSeverity()).contains("CRITICAL");
        assertThat(a.severities()).singleElement().satisfies(s -> {
            assertThat(s.type()).isEqualTo("CVSS_V3");
            assertThat(s.score()).startsWith("CVSS:3.1/");
        });
        assertThat(a.affected()).hasSize(4);
        var first = a.affected().getFirst();
        assertThat(first.pkg().ecosystem()).isEqualTo("Maven");
        assertThat(first.pkg().name()).isEqualTo("org.apache.logging.log4j:log4j-core");
        assertThat(first.ranges().getFirst().type()).isEqualTo(RangeType.ECOSYSTEM);
        assertThat(first.ranges().getFirst().events())
                .extracting(Advisory.Event::kind, Advisory.Event::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EventKind.INTRODUCED, "2.13.0"),
                        org.assertj.core.groups.Tuple.tuple(EventKind.FIXED, "2.15.0"));
    }

    @Test
    void readsWithdrawnAndExplicitVersions() {
        String json =
                "{\"id\":\"X-1\",\"modified\":\"2024-01-02T03:04:05.678Z\",\"withdrawn\":\"2024-02-01T00:00:00Z\","
                        + "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"x\"},\"versions\":[\"1.0.0\"],"
                        + "\"ecosystem_specific\":{\"severity\":\"moderate\"}}]}";
        Advisory a = codec.parse("x.json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(a.withdrawn()).contains(Instant.parse("2024-02-01T00:00:00Z"));
        assertThat(a.affected().getFirst().versions()).containsExactly("1.0.0");
        assertThat(a.affected().getFirst().severityWord()).contains("moderate");
    }

    @Test
    void malformedJsonIsRejectedNamingTheFile() {
        assertThatThrownBy(() -> codec.parse("malformed/not-json.json", OsvFixtures.bytes("malformed/not-json.json")))
                .isInstanceOf(InvalidAdvisoryException.class)
                .hasMessageStartingWith("malformed/not-json.json: not valid OSV JSON");
    }

    @Test
    void anEventWithoutAVersionIsRejected() {
        assertThatThrownBy(() -> OsvFixtures.parse("malformed/event-without-version.json"))
                .isInstanceOf(InvalidAdvisoryException.class)
                .hasMessageContaining("TEST-EVENT-WITHOUT-VERSION")
                .hasMessageContaining("none of introduced, fixed, last_affected, limit");
    }

    @Test
    void missingIdOrModifiedIsRejected() {
        assertThatThrownBy(() -> codec.parse("a.json", "{\"modified\":\"2024-01-01T00:00:00Z\"}".getBytes()))
                .hasMessage("a.json: missing or invalid \"id\"");
        assertThatThrownBy(() -> codec.parse("b.json", "{\"id\":\"B-1\"}".getBytes()))
                .hasMessage("b.json: B-1 has no \"modified\" time");
        assertThatThrownBy(() -> codec.parse("c.json", "{\"id\":\"C-1\",\"modified\":\"yesterday\"}".getBytes()))
                .hasMessageContaining("not an RFC 3339 time");
        assertThatThrownBy(() -> codec.parse("d.json", "[1,2]".getBytes()))
                .hasMessageStartingWith("d.json: not valid OSV JSON");
    }

    @Test
    void deepNestingIsRefusedBeforeItIsBuilt() {
        String deep = "{\"id\":\"D-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"database_specific\":" + "[".repeat(100)
                + "]".repeat(100) + "}";
        assertThatThrownBy(() -> codec.parse("deep.json", deep.getBytes()))
                .isInstanceOf(InvalidAdvisoryException.class)
                .hasMessage("deep.json: JSON nested deeper than 64 levels; refused");
    }

    @Test
    void anOversizedFileIsRefusedWithoutReadingItAll() throws Exception {
        byte[] big = new byte[OsvCodec.MAX_RECORD_BYTES + 10];
        var in = new ByteArrayInputStream(big);
        assertThatThrownBy(() -> codec.readBounded("huge.json", in))
                .isInstanceOf(InvalidAdvisoryException.class)
                .hasMessage("huge.json: advisory is larger than 4 MiB; refused");
        assertThat(in.available()).isEqualTo(9); // stopped one byte past the limit
    }
}
