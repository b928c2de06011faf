package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RpmVersionSchemeTest {
    private final VersionScheme rpm = new RpmVersionScheme();

    private static List<String> corpus(Random random) {
        List<String> out = new ArrayList<>(VersionCorpus.combine(
                random,
                2_500,
                List.of(
                        List.of("", "", "", "0:", "1:", "2:", "10:"),
                        List.of(
                                "1.0",
                                "1.0.0",
                                "1.0a",
                                "1.0.a",
                                "1.0~rc1",
                                "1.0^post1",
                                "1.0^",
                                "1.0~",
                                "1.0~~",
                                "2",
                                "10",
                                "1.01",
                                "1.001",
                                "a",
                                "1.0_1",
                                "1.0+b",
                                "1..0",
                                "1.0.",
                                "0.9",
                                "1.0^1~1",
                                "2.0.1a",
                                "5.3.28",
                                "1.2.3.4",
                                "1.0~^",
                                "1.0^~",
                                "0001"),
                        List.of(
                                "",
                                "",
                                "-1",
                                "-2",
                                "-1.el9",
                                "-1.el9_2",
                                "-0.1.rc1",
                                "-1~",
                                "-1^",
                                "-10",
                                "-1.fc38",
                                "-a",
                                "-1.1",
                                "-1.el9~bootstrap"))));
        out.addAll(VersionCorpus.noise(random, 800, "0123456789.~^_+-:ab", 8));
        return out;
    }

    @Test
    void agreesWithRpmsOwnVercmpOnThousandsOfPairs() {
        var random = new Random(4180);
        List<String> corpus = corpus(random);
        var pairs = VersionCorpus.pairs(random, rpm, corpus, 5_000);
        var verdict = Oracle.rpmLua().check(rpm, corpus, pairs, false);
        assertThat(verdict.comparisons()).isGreaterThan(6_000);
    }

    @Test
    void keepsTheLawsOfAnOrder() {
        OrderProperties.assertLawful(rpm, corpus(new Random(11)), 11);
    }

    @Test
    void ordersTildeAndCaretAsRpmDocumentsThem() {
        assertThat(rpm.compare("1.0~rc1", "1.0")).isNegative();
        assertThat(rpm.compare("1.0^git1", "1.0")).isPositive();
        assertThat(rpm.compare("1.0^git1", "1.0.1")).isNegative();
        assertThat(rpm.compare("1.0-1", "1.0")).isPositive(); // a release beats none (rpm.vercmp)
        assertThat(rpm.compare("1:0.1", "2.0-1")).isPositive();
        assertThat(rpm.compare("1.0-1.el9", "1.0-1.el9_2")).isNegative();
    }

    @Test
    void refusesWhatIsNotAnEpochVersionRelease() {
        assertThatThrownBy(() -> rpm.compare("1.0 1", "1"))
                .isInstanceOf(UnparsableVersionException.class)
                .hasMessageContaining("space");
        assertThatThrownBy(() -> rpm.compare(":1.0", "1")).hasMessageContaining("epoch is empty");
        assertThatThrownBy(() -> rpm.compare("x:1.0", "1")).hasMessageContaining("numeric epoch");
        assertThatThrownBy(() -> rpm.compare("1.0-", "1")).hasMessageContaining("release part");
        assertThatThrownBy(() -> rpm.compare("1:-1", "1")).hasMessageContaining("version part");
    }
}
