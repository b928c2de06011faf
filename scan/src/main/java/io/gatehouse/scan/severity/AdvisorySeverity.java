package io.gatehouse.scan.severity;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.advisory.Advisory;
import io.gatehouse.scan.advisory.Advisory.SeverityScore;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One advisory's severity for one affected package, in this order of preference: a CVSS v4 score, then v3, then
 * v2 (the affected entry's own {@code severity} before the record's), then a severity word ({@code
 * database_specific.severity}, the entry's {@code ecosystem_specific}/{@code database_specific} severity or
 * urgency, an Ubuntu priority), else UNKNOWN.
 */
public final class AdvisorySeverity {
    private AdvisorySeverity() {}

    public static Severity of(Advisory advisory, Advisory.Affected affected) {
        for (String type : List.of("CVSS_V4", "CVSS_V3", "CVSS_V2")) {
            Optional<Severity> scored = scored(affected == null ? List.of() : affected.severities(), type)
                    .or(() -> scored(advisory.severities(), type));
            if (scored.isPresent()) {
                return scored.get();
            }
        }
        Optional<String> word = advisory.databaseSeverity();
        if (affected != null && word.flatMap(Severity::parse).isEmpty()) {
            word = affected.severityWord();
        }
        Optional<Severity> parsed = word.flatMap(Severity::parse);
        if (parsed.isPresent()) {
            return parsed.get();
        }
        return advisory.severities().stream()
                .filter(s -> s.type().equalsIgnoreCase("Ubuntu"))
                .map(s -> Severity.parse(s.score()))
                .flatMap(Optional::stream)
                .findFirst()
                .orElse(Severity.UNKNOWN);
    }

    private static Optional<Severity> scored(List<SeverityScore> scores, String type) {
        for (SeverityScore s : scores) {
            if (s.type().toUpperCase(Locale.ROOT).equals(type)) {
                OptionalDouble score = CvssScore.baseScore(s.score());
                if (score.isPresent()) {
                    return Optional.of(
                            type.equals("CVSS_V2")
                                    ? ofV2(score.getAsDouble())
                                    : Severity.ofCvssScore(score.getAsDouble()));
                }
            }
        }
        return Optional.empty();
    }

    /** CVSS v2 has no "critical" band: 7.0 and above is high. */
    private static Severity ofV2(double score) {
        if (score >= 7.0) return Severity.HIGH;
        if (score >= 4.0) return Severity.MEDIUM;
        if (score > 0.0) return Severity.LOW;
        return Severity.UNKNOWN;
    }
}
