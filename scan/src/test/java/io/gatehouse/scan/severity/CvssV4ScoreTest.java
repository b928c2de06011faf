package io.gatehouse.scan.severity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CvssV4ScoreTest {

    /** Vectors with the base scores published for them (FIRST calculator, NVD and GitHub advisories). */
    @ParameterizedTest
    @CsvSource({
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 9.3",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H, 10.0",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 8.7",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N, 8.7",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N, 8.7",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N, 6.9",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N, 6.9",
        "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 8.5",
        "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N, 4.8",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N, 0.0",
    })
    void publishedScores(String vector, double expected) {
        assertThat(CvssV4Score.of(vector)).isEqualTo(expected);
    }

    /**
     * 300 generated vectors (a quarter with threat and environmental metrics) scored by metaeffekt's calculator, an
     * independent implementation of FIRST's reference; every one must agree exactly.
     */
    @Test
    void agreesWithAnIndependentImplementation() throws IOException {
        assertAgreement(lines(getClass().getResourceAsStream("/cvss/cvss4-metaeffekt-300.csv")), 300);
    }

    /** Set -Dcvss4.oracle=FILE to check a larger generated table (used once: 5,000 vectors, all agreed). */
    @Test
    void agreesOnALargerTableWhenGiven() throws IOException {
        String file = System.getProperty("cvss4.oracle");
        if (file != null) {
            List<String> lines = Files.readAllLines(Path.of(file));
            assertAgreement(lines, lines.size());
        }
    }

    private static void assertAgreement(List<String> lines, int expectedCount) {
        List<String> mismatches = new ArrayList<>();
        for (String line : lines) {
            int comma = line.lastIndexOf(',');
            String vector = line.substring(0, comma);
            double expected = Double.parseDouble(line.substring(comma + 1));
            double actual = CvssV4Score.of(vector);
            if (actual != expected) {
                mismatches.add(vector + " expected " + expected + " got " + actual);
            }
        }
        assertThat(lines).hasSize(expectedCount);
        assertThat(mismatches).isEmpty();
        System.out.printf("CVSS v4.0: %d vectors agree with the independent calculator%n", lines.size());
    }

    @Test
    void refusesMalformedVectors() {
        assertThatThrownBy(() -> CvssV4Score.of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
                .hasMessageContaining("CVSS:4.0/");
        assertThatThrownBy(() -> CvssV4Score.of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"))
                .hasMessageContaining("mandatory metric SA");
        assertThatThrownBy(() -> CvssV4Score.of("CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"))
                .hasMessageContaining("AV:Q");
        assertThatThrownBy(() -> CvssV4Score.of("CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"))
                .hasMessageContaining("twice");
    }

    private static List<String> lines(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }
}
