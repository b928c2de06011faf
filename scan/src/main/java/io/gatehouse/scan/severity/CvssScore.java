package io.gatehouse.scan.severity;

import java.util.OptionalDouble;
import us.springett.cvss.Cvss;

/**
 * Base scores of CVSS vectors: v2, v3.0 and v3.1 through cvss-calculator, v4.0 through {@link CvssV4Score}.
 * An invalid vector has no score (empty), never an exception: one bad vector must not fail an import.
 */
public final class CvssScore {
    private CvssScore() {}

    public static OptionalDouble baseScore(String vector) {
        if (vector == null || vector.isBlank() || vector.length() > 512) {
            return OptionalDouble.empty();
        }
        try {
            if (vector.startsWith("CVSS:4.0/")) {
                return OptionalDouble.of(CvssV4Score.of(vector));
            }
            Cvss cvss = Cvss.fromVector(vector.trim());
            return cvss == null
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(cvss.calculateScore().getBaseScore());
        } catch (RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
