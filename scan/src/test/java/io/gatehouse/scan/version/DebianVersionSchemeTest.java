package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DebianVersionSchemeTest {
    private final VersionScheme dpkg = new DebianVersionScheme();

    /** Versions from the machine's apt lists and dpkg database, plus generated tricky ones and noise. */
    private static List<String> corpus(Random random) {
        List<String> out = new ArrayList<>(VersionCorpus.sample(random, realVersions(), 2_000));
        out.addAll(VersionCorpus.combine(
                random,
                1_200,
                List.of(
                        List.of("", "", "1:", "2:", "0:", "10:"),
                        List.of(
                                "1",
                                "1.0",
                                "1.0.0",
                                "0",
                                "2",
                                "10",
                                "01",
                                "1.2a",
                                "1.2+dfsg",
                                "1.2~rc1",
                                "1.2~~",
                                "1.2~",
                                "1.2.3.4",
                                "0.9",
                                "1a",
                                "1.0+git20200101",
                                "1.0-2",
                                "1.0b",
                                "1.0.",
                                "1.0+",
                                "1.0~a",
                                "1.0.a",
                                "3.0~beta+1",
                                "1:2",
                                "9.9z",
                                "1.0A",
                                "2.36.1"),
                        List.of(
                                "",
                                "",
                                "-1",
                                "-0",
                                "-1ubuntu1",
                                "-1+deb12u1",
                                "-1~bpo11+1",
                                "-0.1",
                                "-1.1~",
                                "-a",
                                "-~",
                                "-1build2",
                                "-10",
                                "-2~",
                                "-1+b1"))));
        out.addAll(VersionCorpus.noise(random, 400, "0123456789.+~-:aZ_ ", 8));
        return out;
    }

    @Test
    void agreesWithDpkgsOwnLibraryOnThousandsOfPairs() {
        var random = new Random(20261204);
        List<String> corpus = corpus(random);
        var pairs = VersionCorpus.pairs(random, dpkg, corpus, 4_000);
        var verdict = Oracle.dpkgPerl().check(dpkg, corpus, pairs, false);
        assertThat(verdict.comparisons()).isGreaterThan(5_000);
    }

    @Test
    void agreesWithDpkgCompareVersionsOnValidityAndASampleOfPairs() {
        var random = new Random(42);
        List<String> corpus = corpus(random);
        // dpkg's command line reads an argument starting with '-' as an option: those are left to Dpkg::Version
        List<String> candidates = new ArrayList<>(VersionCorpus.sample(random, corpus, 200).stream()
                .filter(v -> !v.startsWith("-"))
                .limit(40)
                .toList());
        candidates.addAll(List.of("a1.0", "1.0-", ":1.0", "1:", "1.0_1", "1.0-1:2", "1:a", "1.0 1", "1.0-a_b"));
        List<String[]> pairs = VersionCorpus.sample(random, corpus, 300).stream()
                .filter(v -> dpkg.isValid(v) && !v.equals("0"))
                .limit(50)
                .map(v -> new String[] {v, corpus.get(random.nextInt(corpus.size()))})
                .filter(p -> !p[1].startsWith("-") && !p[1].equals("0"))
                .toList();
        Oracle.dpkgBinary().check(dpkg, candidates, pairs, true);
    }

    @Test
    void keepsTheLawsOfAnOrder() {
        OrderProperties.assertLawful(dpkg, corpus(new Random(7)), 7);
    }

    @Test
    void ordersDebiansDocumentedCases() {
        assertOrdered("1.0~~", "1.0~", "1.0~rc1", "1.0", "1.0-1", "1.0a", "1.0+dfsg", "1.0.1", "1:0.1");
        assertOrdered("2.36.1-8", "2.36.1-8+deb12u1", "2.36.1-9", "2.37~rc1", "2.37");
        assertThat(dpkg.compare("1.0", "1.0-0")).isZero();
        assertThat(dpkg.compare("0:1.0", "1.0")).isZero();
        assertThat(dpkg.compare("1.00", "1.0")).isZero();
        assertThat(dpkg.compare("1:1.0", "2.0")).isPositive();
    }

    @Test
    void refusesWhatDpkgRefusesOrWarnsAbout() {
        assertThatThrownBy(() -> dpkg.compare("1.0-", "1.0"))
                .isInstanceOf(UnparsableVersionException.class)
                .hasMessage("dpkg version '1.0-' cannot be parsed: the revision is empty");
        assertThatThrownBy(() -> dpkg.compare("1.0", "abc")).hasMessageContaining("does not start with a digit");
        assertThatThrownBy(() -> dpkg.compare("x:1.0", "1")).hasMessageContaining("epoch is not a number");
        assertThatThrownBy(() -> dpkg.compare("99999999999:1", "1")).hasMessageContaining("epoch is too big");
        assertThatThrownBy(() -> dpkg.compare("1.0 1", "1")).hasMessageContaining("contains ' '");
        assertThatThrownBy(() -> dpkg.compare("", "1")).hasMessageContaining("empty");
        assertThatThrownBy(() -> dpkg.compare(null, "1")).isInstanceOf(UnparsableVersionException.class);
        assertThat(dpkg.isValid("1.0+really0.9-1~deb12u1")).isTrue();
    }

    private void assertOrdered(String... ascending) {
        for (int i = 0; i + 1 < ascending.length; i++) {
            assertThat(dpkg.compare(ascending[i], ascending[i + 1]))
                    .as("%s < %s", ascending[i], ascending[i + 1])
                    .isNegative();
        }
    }

    private static List<String> realVersions;

    /** Every Version: in the apt lists (apt-cache dumpavail) and /var/lib/dpkg/status; read once per run. */
    static synchronized List<String> realVersions() {
        if (realVersions == null) {
            realVersions = readRealVersions();
        }
        return realVersions;
    }

    private static List<String> readRealVersions() {
        var versions = new TreeSet<String>();
        try {
            Process apt = new ProcessBuilder("apt-cache", "dumpavail")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (var r = new BufferedReader(new InputStreamReader(apt.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines()
                        .filter(l -> l.startsWith("Version: "))
                        .forEach(l -> versions.add(l.substring(9).trim()));
            }
            apt.waitFor();
        } catch (IOException e) {
            // no apt here: the dpkg database below still gives real versions
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path status = Path.of("/var/lib/dpkg/status");
        if (Files.isReadable(status)) {
            try (var lines = Files.lines(status)) {
                lines.filter(l -> l.startsWith("Version: "))
                        .forEach(l -> versions.add(l.substring(9).trim()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(versions);
    }
}
