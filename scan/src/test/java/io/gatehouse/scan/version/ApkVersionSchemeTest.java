package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Debian ships no apk-tools, so no oracle binary: these chains are Alpine's documented rules (apk-tools'
 * version.c token order, Gentoo's leading-zero rule), each worked out by hand and every pair within a chain checked
 * (over 500 ordered pairs), plus the laws of an order on a generated corpus.
 */
class ApkVersionSchemeTest {
    private final VersionScheme apk = new ApkVersionScheme();

    private static final List<List<String>> ASCENDING_CHAINS = List.of(
            // pre-release suffixes < bare < revision < post-release suffixes < letter < next component
            List.of(
                    "1.0_alpha",
                    "1.0_alpha1",
                    "1.0_alpha2",
                    "1.0_beta",
                    "1.0_beta1",
                    "1.0_pre1",
                    "1.0_rc",
                    "1.0_rc1",
                    "1.0",
                    "1.0-r1",
                    "1.0-r2",
                    "1.0_cvs",
                    "1.0_svn",
                    "1.0_git",
                    "1.0_hg",
                    "1.0_p",
                    "1.0_p1",
                    "1.0a",
                    "1.0b",
                    "1.0.1",
                    "1.1",
                    "2.0"),
            // a component with a leading zero compares as text; others by value
            List.of("1.001", "1.01", "1.010", "1.1", "1.2", "1.10", "1.100", "2", "10", "100"),
            // commit hashes come after the bare version and its revision, and before a later snapshot
            List.of(
                    "1.0_git20230101",
                    "1.0_git20230101-r1",
                    "1.0_git20230101~abc123",
                    "1.0_git20230101~abc123-r1",
                    "1.0_git20230101~abd",
                    "1.0_git20230102"),
            // several suffixes
            List.of("1.0_alpha_beta", "1.0_alpha", "1.0_alpha1", "1.0_alpha_p", "1.0_beta", "1.0"),
            // real Alpine package versions
            List.of("1.36.1-r4", "1.36.1-r5", "1.36.1-r15", "1.37.0-r0", "3.1.4_p1-r0", "3.1.4_p2-r0", "3.1.5-r0"),
            List.of("2.4.57-r0", "2.4.58_rc1-r0", "2.4.58-r0", "2.4.58-r1", "2.4.58a-r0", "2.4.59-r0"));

    @Test
    void ordersEveryPairOfTheHandVerifiedChains() {
        int pairs = 0;
        for (List<String> chain : ASCENDING_CHAINS) {
            for (int i = 0; i < chain.size(); i++) {
                for (int j = i + 1; j < chain.size(); j++) {
                    assertThat(apk.compare(chain.get(i), chain.get(j)))
                            .as("%s < %s", chain.get(i), chain.get(j))
                            .isNegative();
                    assertThat(apk.compare(chain.get(j), chain.get(i))).isPositive();
                    pairs++;
                }
            }
        }
        assertThat(pairs).isGreaterThan(300);
        assertThat(apk.compare("01.0", "1.0")).isZero(); // the first component is always a number
        assertThat(apk.compare("1.0-r01", "1.0-r1")).isZero();
    }

    @Test
    void refusesWhatApkRefuses() {
        for (String bad : List.of(
                "a1",
                "1.0-r",
                "1.0-1",
                "1.0_foo",
                "1.0ab",
                "1.0a1",
                "1.0_rc.1",
                "1.0~",
                "1.0~xyz",
                "1.0-r1-r2",
                "1.0-r1_p",
                "1.0 ",
                "1.0.",
                ".1",
                "1..0",
                "1.0_",
                "1.0-r1~abc",
                "1.0A",
                "v1.0")) {
            assertThat(apk.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> apk.compare("1.0_foo", "1.0"))
                .isInstanceOf(UnparsableVersionException.class)
                .hasMessage("apk version '1.0_foo' cannot be parsed: not an apk version at offset 3");
    }

    @Test
    void keepsTheLawsOfAnOrder() {
        var random = new Random(13);
        List<String> corpus = new ArrayList<>(VersionCorpus.combine(
                random,
                2_000,
                List.of(
                        List.of("0", "1", "2", "10", "01"),
                        List.of("", ".0", ".1", ".01", ".10", ".2.3"),
                        List.of("", "", "a", "z"),
                        List.of(
                                "",
                                "",
                                "_alpha",
                                "_beta2",
                                "_pre",
                                "_rc1",
                                "_p",
                                "_p3",
                                "_git20240101",
                                "_cvs",
                                "_alpha_p"),
                        List.of("", "", "~abc", "~0f"),
                        List.of("", "-r0", "-r1", "-r10"))));
        corpus.addAll(VersionCorpus.noise(random, 500, "0123456789._-rapb~", 8));
        OrderProperties.assertLawful(apk, corpus, 13);
    }
}
