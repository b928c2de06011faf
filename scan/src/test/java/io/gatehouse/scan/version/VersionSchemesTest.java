package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionSchemesTest {

    @Test
    void mapsOsvEcosystemsWithOrWithoutTheirRelease() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("Debian:12", "dpkg"),
                Map.entry("Debian", "dpkg"),
                Map.entry("Ubuntu:22.04:LTS", "dpkg"),
                Map.entry("Ubuntu:Pro:18.04:LTS", "dpkg"),
                Map.entry("Alpine:v3.19", "apk"),
                Map.entry("Wolfi", "apk"),
                Map.entry("Red Hat:enterprise_linux:9::appstream", "rpm"),
                Map.entry("Rocky Linux:9", "rpm"),
                Map.entry("AlmaLinux:9", "rpm"),
                Map.entry("openSUSE:Leap 15.5", "rpm"),
                Map.entry("SUSE:Linux Enterprise Server 15 SP5", "rpm"),
                Map.entry("Mageia:9", "rpm"),
                Map.entry("Maven", "maven"),
                Map.entry("npm", "npm"),
                Map.entry("PyPI", "pep440"),
                Map.entry("Go", "go"),
                Map.entry("crates.io", "semver"));
        expected.forEach((ecosystem, scheme) -> assertThat(VersionSchemes.forEcosystem(ecosystem))
                .as(ecosystem)
                .hasValueSatisfying(s -> assertThat(s.name()).isEqualTo(scheme)));
        for (String unknown : List.of("RubyGems", "debian:12", "", "Packagist", "NuGet")) {
            assertThat(VersionSchemes.forEcosystem(unknown)).as(unknown).isEmpty();
        }
        assertThat(VersionSchemes.forEcosystem(null)).isEmpty();
        assertThat(VersionSchemes.semver().compare("v1.2.3", "1.2.3")).isZero();
        assertThat(VersionSchemes.semver().isValid("1.2")).isFalse();
    }

    @Test
    void everySchemeRefusesNullEmptyAndOverlongVersionsWithAClearMessageAndKeepsZeroLowest() {
        String overlong = "1." + "1".repeat(300);
        for (String ecosystem : List.of("Debian", "Red Hat", "Alpine", "Maven", "npm", "PyPI", "Go", "crates.io")) {
            VersionScheme scheme = VersionSchemes.forEcosystem(ecosystem).orElseThrow();
            assertThatThrownBy(() -> scheme.compare(overlong, "1"))
                    .as(ecosystem)
                    .isInstanceOf(UnparsableVersionException.class)
                    .hasMessageContaining("longer than 256 characters");
            assertThatThrownBy(() -> scheme.compare("", "1")).as(ecosystem).hasMessageEndingWith("it is empty");
            assertThatThrownBy(() -> scheme.compare("1", null)).isInstanceOf(UnparsableVersionException.class);
            assertThat(scheme.isValid("\u0000\uffff")).as(ecosystem).isFalse();
            assertThat(scheme.compare("0", "0")).isZero();
            assertThatThrownBy(() -> scheme.compare("not a version", "0"))
                    .as("an unparsable version against OSV's introduced '0' in %s", ecosystem)
                    .isInstanceOf(UnparsableVersionException.class);
            assertThatThrownBy(() -> scheme.compare("0", null)).isInstanceOf(UnparsableVersionException.class);
            assertThat(scheme.compare("0", "0.0.1")).as(ecosystem).isNegative();
        }
    }

    /** Not a timed test: prints a rough compares/second per scheme for the report (the matcher's hot path). */
    @Test
    void measuresCompareThroughput() {
        Map<String, List<String>> samples = Map.of(
                "Debian", List.of("2.36.1-8+deb12u1", "1:2.38.1-5+deb12u3", "3.0.11-1~deb12u2", "1.2.13.dfsg-1"),
                "Red Hat", List.of("0:1.1.1k-12.el8_9", "1.1.1k-9.el8_7", "2:8.2.2637-20.el9_1", "3.0.7-25.el9_3"),
                "Alpine", List.of("1.36.1-r15", "3.1.4_p1-r0", "2.4.58_rc1-r0", "1.0_git20230101~abc123-r1"),
                "Maven", List.of("2.17.1", "2.15.0-rc2", "1.2.3.Final", "5.3.31"),
                "npm", List.of("4.17.21", "1.0.0-beta.11", "7.5.4", "10.2.0-rc.1"),
                "PyPI", List.of("2.31.0", "1.26.18", "2.0.0rc1", "1!1.0.post2.dev3+local.7"),
                "Go", List.of("v0.17.0", "0.0.0-20240101000000-abcdefabcdef", "v2.0.0+incompatible", "1.21.5"));
        var random = new Random(1);
        samples.forEach((ecosystem, versions) -> {
            VersionScheme scheme = VersionSchemes.forEcosystem(ecosystem).orElseThrow();
            long sink = 0;
            int n = 200_000;
            for (int i = 0; i < 20_000; i++) { // warm up
                sink += scheme.compare(versions.get(i & 3), versions.get((i >> 2) & 3));
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += scheme.compare(versions.get(random.nextInt(4)), versions.get(random.nextInt(4)));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "compare throughput %-8s %,12.0f compares/s (sink %d)%n", scheme.name(), n / seconds, sink);
            assertThat(seconds).isPositive();
        });
    }
}
