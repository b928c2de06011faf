package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsed form the matcher caches must order exactly as {@link VersionScheme#compare} does. */
class ParsedOrderTest {
    private static final Map<String, List<String>> SAMPLES = Map.of(
            "Debian:12", List.of("0", "1.0~rc1", "1.0", "1.0-1", "1:0.9", "2.36-9+deb12u4"),
            "Red Hat", List.of("0", "1.0~rc1", "1.0", "1.0-1.el9", "1:0.5", "1.0^git1"),
            "Alpine:v3.19", List.of("0", "1.0_rc1", "1.0", "1.0-r1", "1.0a", "1.0_p1"),
            "Maven", List.of("0", "1-alpha", "1-SNAPSHOT", "1", "1-sp", "2.14.1", "2.15.0"),
            "npm", List.of("0", "1.0.0-beta.1", "1.0.0", "4.17.20", "4.17.21"),
            "PyPI", List.of("0", "1.0.dev1", "1.0a1", "1.0", "1.0.post1", "1!0.5", "23.2.1"),
            "Go", List.of("0", "0.0.0-20200101000000-abcdefabcdef", "1.2.3", "v1.2.4", "2.0.0+incompatible"));

    @Test
    void parsedValuesOrderLikeCompareInEveryScheme() {
        SAMPLES.forEach((ecosystem, versions) -> {
            VersionScheme scheme = VersionSchemes.forEcosystem(ecosystem).orElseThrow();
            for (String a : versions) {
                for (String b : versions) {
                    assertThat(Integer.signum(scheme.parse(a).compareTo(scheme.parse(b))))
                            .as("%s: %s vs %s", ecosystem, a, b)
                            .isEqualTo(Integer.signum(scheme.compare(a, b)));
                }
            }
        });
    }

    @Test
    void parsingAnInvalidVersionThrowsSoTheMatcherReportsUnknown() {
        assertThatThrownBy(() ->
                        VersionSchemes.forEcosystem("Debian:12").orElseThrow().parse("not a version!"))
                .isInstanceOf(UnparsableVersionException.class);
        assertThatThrownBy(
                        () -> VersionSchemes.forEcosystem("PyPI").orElseThrow().parse("1.0-foo-bar"))
                .isInstanceOf(UnparsableVersionException.class);
    }
}
