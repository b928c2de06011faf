package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pep440VersionSchemeTest {
    private final VersionScheme pep440 = new Pep440VersionScheme();

    private static List<String> corpus(Random random) {
        List<String> out = new ArrayList<>(VersionCorpus.combine(
                random,
                3_000,
                List.of(
                        List.of("", "", "", "v", "V", " "),
                        List.of("", "", "", "1!", "0!", "2!"),
                        List.of("1", "1.0", "1.0.0", "0", "2.1", "1.2.3.4", "01.2", "10", "1.00", "0.0.1", "2024.1"),
                        List.of(
                                "",
                                "",
                                "",
                                "a",
                                "a1",
                                "alpha1",
                                "b2",
                                "beta",
                                "rc1",
                                "c1",
                                "pre1",
                                "preview2",
                                "-rc.1",
                                ".a.1",
                                "_b_2",
                                "RC1",
                                "A",
                                "a-",
                                "alpha.",
                                "ab",
                                "rc01"),
                        List.of(
                                "", "", "", ".post1", "-1", "post", "-post2", "rev1", "r", ".r2", "_post_3", "POST",
                                "-", ".post."),
                        List.of("", "", "", ".dev", ".dev1", "dev2", "-dev3", "_DEV", ".dev01"),
                        List.of(
                                "",
                                "",
                                "",
                                "+1",
                                "+abc",
                                "+abc.1",
                                "+1.abc",
                                "+ubuntu-1",
                                "+A_B",
                                "+1.2.3",
                                "+x.",
                                "+",
                                "+1a",
                                "+01"),
                        List.of("", "", "", "", " ", ".", "x", "-", "!"))));
        out.addAll(VersionCorpus.noise(random, 1_000, "0123456789.!+-_abcdeiprostvV", 10));
        out.addAll(List.of("1.0", "1.0.0", "1", "1.0a1", "1.0-post1", "v1.0", "1.0RC1", "1.0.dev0", "1.0a.post1"));
        return out;
    }

    @Test
    void agreesWithPythonPackagingOnValidityAndOrder() {
        var random = new Random(440);
        List<String> corpus = corpus(random);
        var pairs = VersionCorpus.pairs(random, pep440, corpus, 5_000);
        var verdict = Oracle.pythonPackaging().check(pep440, corpus, pairs, true);
        assertThat(verdict.validityQuestions()).isGreaterThan(3_000);
        assertThat(verdict.comparisons()).isGreaterThan(5_000);
    }

    @Test
    void keepsTheLawsOfAnOrder() {
        OrderProperties.assertLawful(pep440, corpus(new Random(9)), 9);
    }

    @Test
    void normalisesSpellingsAsPep440Says() {
        assertThat(pep440.compare("1.0a1", "1.0alpha1")).isZero();
        assertThat(pep440.compare("1.0-post1", "1.0.post1")).isZero();
        assertThat(pep440.compare("1.0-1", "1.0.post1")).isZero();
        assertThat(pep440.compare("v1.0", "1.0")).isZero();
        assertThat(pep440.compare("1.0RC1", "1.0rc1")).isZero();
        assertThat(pep440.compare("1.0c1", "1.0rc1")).isZero();
        assertThat(pep440.compare("1.0.0", "1")).isZero();
        assertThat(pep440.compare("1.0+Ubuntu-1", "1.0+ubuntu.1")).isZero();
        String[] ascending = {
            "1.0.dev0",
            "1.0a1.dev1",
            "1.0a1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1.dev1",
            "1.0.post1",
            "1.1",
            "1!0.1"
        };
        for (int i = 0; i + 1 < ascending.length; i++) {
            assertThat(pep440.compare(ascending[i], ascending[i + 1]))
                    .as(ascending[i])
                    .isNegative();
        }
    }

    @Test
    void refusesWhatIsNotPep440() {
        for (String bad : List.of("latest", "1.0-", "1..0", "1.0+", "1.0a1b", "1.0.x", "dev", "1.0_", "one")) {
            assertThat(pep440.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> pep440.compare("1.0", "1.0+"))
                .isInstanceOf(UnparsableVersionException.class)
                .hasMessageContaining("local version");
    }
}
