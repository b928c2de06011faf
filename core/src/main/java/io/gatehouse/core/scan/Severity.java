package io.gatehouse.core.scan;

import java.util.Locale;
import java.util.Optional;

/** A finding's severity, normalised from CVSS scores or an advisory database's own words; ordered worst first. */
public enum Severity {
    CRITICAL,
    HIGH,
    MEDIUM,
    LOW,
    UNKNOWN;

    /** True when this severity is {@code threshold} or worse; UNKNOWN reaches no threshold but UNKNOWN itself. */
    public boolean reaches(Severity threshold) {
        if (this == UNKNOWN || threshold == UNKNOWN) {
            return this == threshold;
        }
        return ordinal() <= threshold.ordinal();
    }

    /** The CVSS qualitative rating of a base score (v3.x and v4 share the bands). */
    public static Severity ofCvssScore(double score) {
        if (score >= 9.0) return CRITICAL;
        if (score >= 7.0) return HIGH;
        if (score >= 4.0) return MEDIUM;
        if (score > 0.0) return LOW;
        return UNKNOWN;
    }

    /** Parses the lower- or upper-case name, and the common synonyms MODERATE (GitHub) and IMPORTANT (Red Hat). */
    public static Optional<Severity> parse(String text) {
        if (text == null) return Optional.empty();
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "CRITICAL" -> Optional.of(CRITICAL);
            case "HIGH", "IMPORTANT" -> Optional.of(HIGH);
            case "MEDIUM", "MODERATE" -> Optional.of(MEDIUM);
            case "LOW", "NEGLIGIBLE", "UNIMPORTANT" -> Optional.of(LOW);
            case "UNKNOWN" -> Optional.of(UNKNOWN);
            default -> Optional.empty();
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
