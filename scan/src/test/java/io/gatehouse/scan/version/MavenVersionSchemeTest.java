package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ComparableVersion is Maven's order; this checks the wrapper against Maven's documented orderings. */
class MavenVersionSchemeTest {
    private final VersionScheme maven = new MavenVersionScheme();

    @Test
    void followsMavensDocumentedQualifierOrder() {
        assertAscending("1-alpha", "1-beta", "1-milestone", "1-rc", "1-SNAPSHOT", "1", "1-sp", "1-abc", "1.0.1");
        assertAscending("1-alpha-1", "1-alpha-2", "1-beta-1", "1-rc1", "1-rc2", "1");
        assertAscending("1.0-alpha1", "1.0-beta1", "1.0-CR1", "1.0-RC2", "1.0", "1.0.1", "1.1", "1.10");
        assertAscending("2.17.0", "2.17.1", "2.17.2", "2.18.0");
        assertThat(maven.compare("1", "1.0.0")).isZero(); // padding
        assertThat(maven.compare("1-ga", "1")).isZero();
        assertThat(maven.compare("1-final", "1")).isZero();
        assertThat(maven.compare("1.0.RELEASE", "1.0")).isZero();
        assertThat(maven.compare("1-a1", "1-alpha-1")).isZero();
        assertThat(maven.compare("1-cr1", "1-rc1")).isZero();
        assertThat(maven.compare("1.0-M1", "1.0-milestone-1")).isZero();
    }

    @Test
    void acceptsAnyPomVersionWithoutThrowingAndKeepsTheLaws() {
        var random = new Random(17);
        List<String> corpus = new ArrayList<>(VersionCorpus.noise(random, 3_000, "0123456789.-_abcrSNAPSHOTspGA", 14));
        corpus.addAll(VersionCorpus.combine(
                random,
                1_000,
                List.of(
                        List.of("1", "1.0", "2.17.1", "0.9", "10"),
                        List.of(
                                "",
                                "-alpha",
                                "-beta-2",
                                "-M1",
                                "-RC1",
                                "-SNAPSHOT",
                                ".Final",
                                "-sp1",
                                "-jre",
                                "-android"))));
        for (String v : corpus) {
            assertThatCode(() -> maven.compare(v, "1.0")).as(v).doesNotThrowAnyException();
        }
        OrderProperties.assertLawful(maven, corpus, 17);
    }

    @Test
    void refusesOnlyWhatCannotBeAPomVersion() {
        assertThat(maven.isValid("")).isFalse();
        assertThat(maven.isValid("1.0 beta")).isFalse();
        assertThat(maven.isValid(null)).isFalse();
        assertThat(maven.isValid("whatever-qualifier")).isTrue();
    }

    private void assertAscending(String... versions) {
        for (int i = 0; i + 1 < versions.length; i++) {
            assertThat(maven.compare(versions[i], versions[i + 1]))
                    .as("%s < %s", versions[i], versions[i + 1])
                    .isNegative();
        }
    }
}
