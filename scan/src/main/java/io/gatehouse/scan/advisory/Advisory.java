package io.gatehouse.scan.advisory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One OSV advisory, as far as matching and reporting need it.
 *
 * @param modified when the record last changed; an import skips a record whose id and modified it already holds
 * @param withdrawn set when the advisory was retracted: an import removes it
 * @param severities the record's {@code severity} entries (CVSS vectors, Ubuntu priority words)
 * @param databaseSeverity {@code database_specific.severity} of the record, e.g. GitHub's {@code HIGH}
 */
public record Advisory(
        String id,
        Instant modified,
        Optional<Instant> published,
        Optional<Instant> withdrawn,
        List<String> aliases,
        String summary,
        List<SeverityScore> severities,
        List<Affected> affected,
        Optional<String> databaseSeverity) {
    public Advisory {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(withdrawn, "withdrawn");
        aliases = List.copyOf(aliases);
        summary = summary == null ? "" : summary;
        severities = List.copyOf(severities);
        affected = List.copyOf(affected);
        Objects.requireNonNull(databaseSeverity, "databaseSeverity");
    }

    /** An OSV {@code severity} entry: {@code type} CVSS_V2, CVSS_V3, CVSS_V4 or Ubuntu, and its score. */
    public record SeverityScore(String type, String score) {
        public SeverityScore {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(score, "score");
        }
    }

    /** The package an {@link Affected} entry names: {@code name} as the ecosystem spells it. */
    public record PackageRef(String ecosystem, String name, String purl) {
        public PackageRef {
            Objects.requireNonNull(ecosystem, "ecosystem");
            Objects.requireNonNull(name, "name");
            purl = purl == null ? "" : purl;
        }
    }

    /**
     * One {@code affected[]} entry.
     *
     * @param severities the entry's own {@code severity} list (OSV allows it per package)
     * @param severityWord a severity word from the entry's {@code ecosystem_specific} or {@code database_specific}
     */
    public record Affected(
            PackageRef pkg,
            List<Range> ranges,
            List<String> versions,
            List<SeverityScore> severities,
            Optional<String> severityWord) {
        public Affected {
            Objects.requireNonNull(pkg, "pkg");
            ranges = List.copyOf(ranges);
            versions = List.copyOf(versions);
            severities = List.copyOf(severities);
            Objects.requireNonNull(severityWord, "severityWord");
        }
    }

    /** A version range: its events in the order the record lists them. */
    public record Range(RangeType type, List<Event> events) {
        public Range {
            Objects.requireNonNull(type, "type");
            events = List.copyOf(events);
        }
    }

    public enum RangeType {
        ECOSYSTEM,
        SEMVER,
        GIT
    }

    /** One range event; {@code "0"} as an introduced version means "from the first version on". */
    public record Event(EventKind kind, String version) {
        public Event {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(version, "version");
        }
    }

    public enum EventKind {
        INTRODUCED,
        FIXED,
        LAST_AFFECTED,
        LIMIT
    }
}
