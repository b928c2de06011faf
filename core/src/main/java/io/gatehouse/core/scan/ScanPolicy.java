package io.gatehouse.core.scan;

import io.gatehouse.core.error.Invalid;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A project's pull policy: the severity from which a finding refuses a pull, and whether an image without a
 * usable scan (not yet scanned, or its scan failed) may be pulled.
 *
 * @param blockAt refuse pulls of manifests with a finding of this severity or worse; empty ({@code none}) for
 *     no threshold. Never {@link Severity#UNKNOWN}: findings of unknown severity reach no threshold.
 */
public record ScanPolicy(String project, Optional<Severity> blockAt, boolean blockUnscanned) {
    public static final String NONE = "none";

    public ScanPolicy {
        Objects.requireNonNull(project, "project");
        blockAt = blockAt == null ? Optional.empty() : blockAt;
        if (blockAt.equals(Optional.of(Severity.UNKNOWN))) {
            throw new IllegalArgumentException("unknown is not a threshold");
        }
    }

    /** What a project without a stored policy has: nothing is refused. */
    public static ScanPolicy none(String project) {
        return new ScanPolicy(project, Optional.empty(), false);
    }

    /** True when this policy can refuse anything at all (so the pull path must look at scan results). */
    public boolean active() {
        return blockAt.isPresent() || blockUnscanned;
    }

    /** {@code critical}, {@code high}, {@code medium}, {@code low} or {@code none}. */
    public String blockSeverityLabel() {
        return blockAt.map(Severity::label).orElse(NONE);
    }

    /** Parses a threshold as people write it: critical, high, medium, low or none (any case). */
    public static Optional<Severity> parseThreshold(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "critical" -> Optional.of(Severity.CRITICAL);
            case "high" -> Optional.of(Severity.HIGH);
            case "medium" -> Optional.of(Severity.MEDIUM);
            case "low" -> Optional.of(Severity.LOW);
            case NONE -> Optional.empty();
            default ->
                throw new Invalid(
                        Invalid.Kind.PARAMETER,
                        "block severity must be one of critical, high, medium, low, none; got '" + text + "'");
        };
    }
}
