package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NpmVersionSchemeTest {
    private final VersionScheme npm = new NpmVersionScheme();

    /** Semver-shaped strings with every npm pitfall: leading zeros, empty identifiers, 2^53, v and = prefixes. */
    static List<String> corpus(Random random) {
        List<String> out = new ArrayList<>(VersionCorpus.combine(
                random,
                3_000,
                List.of(
                        List.of("", "", "", "v", "=", "V"),
                        List.of("0", "1", "2", "10", "01", "9007199254740991", "9007199254740992", "x"),
                        List.of(".0", ".1", ".10", ".01", "", ".2"),
                        List.of(".0", ".1", ".2", ".00", "", ".3"),
                        List.of(
                                "",
                                "",
                                "",
                                "-alpha",
                                "-alpha.1",
                                "-alpha.beta",
                                "-beta.2",
                                "-beta.11",
                                "-rc.1",
                                "-0",
                                "-1",
                                "-01",
                                "-0a",
                                "-x-y",
                                "-alpha..1",
                                "-",
                                "-a.b.c.d",
                                "-alpha.10",
                                "-Alpha",
                                "-1.2.3"),
                        List.of("", "", "", "+build", "+001", "+a.b", "+", "+x..y", "+incompatible"))));
        out.addAll(VersionCorpus.noise(random, 1_000, "0123456789.-+abv", 12));
        return out;
    }

    @Test
    void agreesWithNodeSemverOnValidityAndOrder() {
        var random = new Random(2026);
        List<String> corpus = corpus(random);
        var pairs = VersionCorpus.pairs(random, npm, corpus, 5_000);
        var verdict = Oracle.nodeSemver().check(npm, corpus, pairs, true);
        assertThat(verdict.validityQuestions()).isGreaterThan(3_000);
        assertThat(verdict.comparisons()).isGreaterThan(5_000);
    }

    @Test
    void keepsTheLawsOfAnOrder() {
        OrderProperties.assertLawful(npm, corpus(new Random(3)), 3);
    }

    @Test
    void followsTheSemverSpecExample() {
        String[] ascending = {
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0"
        };
        for (int i = 0; i + 1 < ascending.length; i++) {
            assertThat(npm.compare(ascending[i], ascending[i + 1]))
                    .as(ascending[i])
                    .isNegative();
        }
        assertThat(npm.compare("1.0.0+build.1", "1.0.0+build.2")).isZero();
        assertThat(npm.compare("v1.2.3", "1.2.3")).isZero();
    }

    @Test
    void refusesWhatNpmRefuses() {
        assertThatThrownBy(() -> npm.compare("1.2", "1.2.0"))
                .isInstanceOf(UnparsableVersionException.class)
                .hasMessage("npm version '1.2' cannot be parsed: expected a '.' after the minor version");
        assertThatThrownBy(() -> npm.compare("latest", "1.0.0")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> npm.compare("1.2.3-01", "1.0.0")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> npm.compare("9007199254740992.0.0", "1.0.0")).hasMessageContaining("2^53-1");
        assertThat(npm.isValid("1.2.3 ")).isFalse();
    }
}
