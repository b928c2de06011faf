package io.gatehouse.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The laws every scheme's order must keep, checked on a corpus: an order the matcher can trust. */
final class OrderProperties {
    private OrderProperties() {}

    /**
     * Antisymmetry and reflexivity on random pairs, transitivity on random triples, "0" below everything, and that
     * sorting (which detects contract violations) gives a sequence every sampled pair agrees with. Invalid entries
     * must throw UnparsableVersionException naming the version.
     */
    static void assertLawful(VersionScheme scheme, List<String> corpus, long seed) {
        var random = new Random(seed);
        List<String> valid = new ArrayList<>();
        for (String v : corpus) {
            if (v.equals(ParsedVersionScheme.OSV_ZERO)) {
                continue;
            }
            if (scheme.isValid(v)) {
                valid.add(v);
            } else {
                assertThatThrownBy(() -> scheme.compare(v, "1.0"))
                        .isInstanceOf(UnparsableVersionException.class)
                        .hasMessageContaining(scheme.name())
                        .satisfies(e -> assertThat(((UnparsableVersionException) e).version())
                                .isNotNull());
            }
        }
        assertThat(valid).as("valid versions in the corpus").hasSizeGreaterThan(50);
        for (int i = 0; i < 20_000; i++) {
            String a = valid.get(random.nextInt(valid.size()));
            String b = valid.get(random.nextInt(valid.size()));
            String c = valid.get(random.nextInt(valid.size()));
            int ab = Integer.signum(scheme.compare(a, b));
            assertThat(Integer.signum(scheme.compare(b, a)))
                    .as("antisymmetry of %s, %s", a, b)
                    .isEqualTo(-ab);
            assertThat(scheme.compare(a, a)).as("reflexivity of %s", a).isZero();
            int bc = Integer.signum(scheme.compare(b, c));
            if (ab <= 0 && bc <= 0) {
                assertThat(scheme.compare(a, c))
                        .as("transitivity %s <= %s <= %s", a, b, c)
                        .isLessThanOrEqualTo(0);
            }
            assertThat(scheme.compare("0", a)).as("'0' below %s", a).isNegative();
            assertThat(scheme.compare(a, "0")).as("%s above '0'", a).isPositive();
        }
        List<String> sorted = new ArrayList<>(valid);
        sorted.sort(scheme::compare);
        for (int i = 0; i < 5_000; i++) {
            int x = random.nextInt(sorted.size());
            int y = random.nextInt(sorted.size());
            if (x < y) {
                assertThat(scheme.compare(sorted.get(x), sorted.get(y)))
                        .as("sorted order of %s, %s", sorted.get(x), sorted.get(y))
                        .isLessThanOrEqualTo(0);
            }
        }
        assertThat(scheme.compare("0", "0")).isZero();
        assertThat(scheme.isValid("0")).isTrue();
    }
}
