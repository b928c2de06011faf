package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * golang.org/x/mod/semver from the Go toolchain's source is the oracle (validity and order, shorthands included);
 * node-semver cross-checks the plain-semver part (full versions, pseudo-versions, {@code +incompatible}).
 */
class GoVersionSchemeTest {
    private final VersionScheme go = new GoVersionScheme();

    private static List<String> corpus(Random random) {
        List<String> out = new ArrayList<>(VersionCorpus.combine(
                random,
                2_500,
                List.of(
                        List.of("v", "v", ""),
                        List.of("0", "1", "2", "10"),
                        List.of(".0", ".1", ".10", ".2"),
                        List.of(".0", ".1", ".2", ".3"),
                        List.of(
                                "",
                                "",
                                "-0.20190101000000-abcdefabcdef",
                                "-0.20240517093000-0123456789ab",
                                "-20200101010101-aaaaaaaaaaaa",
                                "-pre.0.20210101000000-bbbbbbbbbbbb",
                                "-rc.1",
                                "-beta",
                                "-rc.1.0.20230101000000-cccccccccccc"),
                        List.of("", "", "+incompatible"))));
        out.addAll(List.of("v1", "v1.2", "1", "2.1", "v1.2.3+meta"));
        return out;
    }

    @Test
    void agreesWithNodeSemverOnFullVersionsPseudoVersionsAndIncompatible() {
        var random = new Random(1119);
        List<String> full = corpus(random).stream()
                .filter(v -> v.chars().filter(c -> c == '.').count() >= 2)
                .toList();
        var pairs = VersionCorpus.pairs(random, go, full, 4_000);
        var verdict = Oracle.nodeSemver().check(go, full, pairs, true);
        assertThat(verdict.comparisons()).isGreaterThan(4_000);
    }

    @Test
    void agreesWithGoModSemverOnValidityAndOrderIncludingShorthands() {
        var random = new Random(1121);
        List<String> corpus = new ArrayList<>(corpus(random));
        corpus.addAll(VersionCorpus.noise(random, 1_500, "0123456789.-+vabcincompatible", 12));
        var pairs = VersionCorpus.pairs(random, go, corpus, 5_000);
        var verdict = Oracle.goModSemver().check(go, corpus, pairs, true);
        assertThat(verdict.validityQuestions()).isGreaterThan(3_000);
        assertThat(verdict.comparisons()).isGreaterThan(5_000);
    }

    @Test
    void keepsTheLawsOfAnOrder() {
        OrderProperties.assertLawful(go, corpus(new Random(5)), 5);
    }

    @Test
    void followsGoModuleRules() {
        assertThat(go.compare("v1", "v1.0.0")).isZero(); // x/mod/semver: v1 is shorthand for v1.0.0
        assertThat(go.compare("v1.2", "1.2.0")).isZero();
        assertThat(go.compare("1.2.3", "v1.2.3")).isZero(); // OSV writes Go versions without v
        assertThat(go.compare("v2.0.0+incompatible", "v2.0.0")).isZero();
        assertThat(go.compare("v2.0.0+incompatible", "v1.9.9")).isPositive();
        // a pseudo-version sorts after the release it was derived from and before the next one
        assertThat(go.compare("v1.2.4-0.20240101000000-abcdefabcdef", "v1.2.3")).isPositive();
        assertThat(go.compare("v1.2.4-0.20240101000000-abcdefabcdef", "v1.2.4")).isNegative();
        assertThat(go.compare("v0.0.0-20190101000000-abcdefabcdef", "v0.0.0-20240101000000-abcdefabcdef"))
                .isNegative();
        for (String bad : List.of("v1.2.3.4", "v01.2.3", "v1.2-pre", "v1-pre", "v1.2.3-", "latest", "v1.", "vv1.2.3")) {
            assertThat(go.isValid(bad)).as(bad).isFalse();
        }
    }
}
