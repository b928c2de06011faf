package io.gatehouse.scan.match;

import io.gatehouse.scan.advisory.Advisory.Affected;
import io.gatehouse.scan.advisory.Advisory.Event;
import io.gatehouse.scan.advisory.Advisory.EventKind;
import io.gatehouse.scan.advisory.Advisory.Range;
import io.gatehouse.scan.advisory.Advisory.RangeType;
import io.gatehouse.scan.version.VersionScheme;
import io.gatehouse.scan.version.VersionScheme.Parsed;
import io.gatehouse.scan.version.VersionSchemes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Decides whether a package version is affected by one OSV {@code affected[]} entry, with the schema's semantics:
 * a version listed in {@code versions} is affected; in an ECOSYSTEM or SEMVER range (GIT ranges are ignored) the
 * last event at or below the version decides: {@code introduced} (with {@code "0"} lowest of all) opens,
 * {@code fixed} closes at its version, {@code last_affected} closes above its version; {@code limit} events bound
 * the range from above. A version the ecosystem's scheme cannot order, or an ecosystem without a scheme, gives
 * UNKNOWN, never NOT_AFFECTED.
 *
 * <p>Entries are {@link #prepare prepared} once (bounds parsed by the scheme) and checked against a package
 * version parsed once per lookup, so no string is parsed twice while re-matching.
 */
public final class OsvMatcher {
    /** The key {@link #OsvMatcher(Function)}'s lookup is asked for the order of SEMVER ranges. */
    public static final String SEMVER = "SEMVER";

    private final Function<String, Optional<VersionScheme>> schemes;
    private final Map<String, Optional<VersionScheme>> cache = new ConcurrentHashMap<>();
    /** Package versions parsed per scheme: the same few versions recur across thousands of stored SBOMs. */
    private final Map<VersionScheme, Map<String, Optional<Parsed>>> parsed = new ConcurrentHashMap<>();

    /** Parsed versions kept per scheme; past this, versions are parsed per lookup. */
    static final int MAX_PARSED = 200_000;

    /**
     * @param schemes the version order of an OSV ecosystem, and for {@link #SEMVER} the order of SEMVER ranges;
     *     empty where there is none
     */
    public OsvMatcher(Function<String, Optional<VersionScheme>> schemes) {
        this.schemes = schemes;
    }

    /** Ecosystem orders from {@link VersionSchemes}. */
    public static OsvMatcher withDefaultSchemes() {
        return new OsvMatcher(OsvMatcher::defaultScheme);
    }

    private static Optional<VersionScheme> defaultScheme(String ecosystem) {
        if (ecosystem.equals(SEMVER)) {
            try {
                return Optional.of(VersionSchemes.semver());
            } catch (UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
        return VersionSchemes.forEcosystem(ecosystem);
    }

    /** One entry checked once: prepares it, parses the version, checks. For tests and one-off checks. */
    public AffectedCheck check(Affected affected, String ecosystem, String version) {
        return prepare(affected, ecosystem).check(version(version));
    }

    /** A package version to check against prepared entries; parsed at most once per scheme. */
    public PackageVersion version(String text) {
        return new PackageVersion(this, text);
    }

    private Optional<Parsed> parse(VersionScheme scheme, String text) {
        Map<String, Optional<Parsed>> byText = parsed.computeIfAbsent(scheme, s -> new ConcurrentHashMap<>());
        Optional<Parsed> known = byText.get(text);
        if (known != null) {
            return known;
        }
        Optional<Parsed> result;
        try {
            result = Optional.of(scheme.parse(text));
        } catch (IllegalArgumentException e) { // UnparsableVersionException
            result = Optional.empty();
        }
        if (byText.size() < MAX_PARSED) {
            byText.put(text, result);
        }
        return result;
    }

    /** An entry with its bounds parsed in the order of the ecosystem (or of SEMVER for SEMVER ranges). */
    public PreparedAffected prepare(Affected affected, String ecosystem) {
        List<PreparedRange> ranges = new ArrayList<>();
        for (Range range : affected.ranges()) {
            if (range.type() != RangeType.GIT) {
                ranges.add(prepare(range, scheme(range.type() == RangeType.SEMVER ? SEMVER : ecosystem)));
            }
        }
        return new PreparedAffected(Set.copyOf(affected.versions()), List.copyOf(ranges));
    }

    private static PreparedRange prepare(Range range, Optional<VersionScheme> scheme) {
        if (scheme.isEmpty()) {
            return new PreparedRange(null, List.of(), false);
        }
        List<Bound> bounds = new ArrayList<>(range.events().size());
        boolean limited = false;
        try {
            for (Event e : range.events()) {
                limited |= e.kind() == EventKind.LIMIT;
                boolean zero = e.kind() == EventKind.INTRODUCED && e.version().equals("0");
                boolean star = e.kind() == EventKind.LIMIT && e.version().equals("*");
                bounds.add(
                        new Bound(e.kind(), zero || star ? null : scheme.get().parse(e.version())));
            }
        } catch (IllegalArgumentException e) { // UnparsableVersionException: an advisory bound the order refuses
            return new PreparedRange(scheme.get(), List.of(), false);
        }
        return new PreparedRange(scheme.get(), List.copyOf(bounds), limited);
    }

    /** The versions of {@code fixed} events, in the order the advisory lists them. */
    public static List<String> fixedVersions(Affected affected) {
        Set<String> fixed = new LinkedHashSet<>();
        for (Range range : affected.ranges()) {
            if (range.type() != RangeType.GIT) {
                range.events().stream().filter(e -> e.kind() == EventKind.FIXED).forEach(e -> fixed.add(e.version()));
            }
        }
        return List.copyOf(fixed);
    }

    private Optional<VersionScheme> scheme(String key) {
        return cache.computeIfAbsent(key, schemes);
    }

    /** One event's kind and parsed version; {@code version} null for introduced "0" and limit "*". */
    private record Bound(EventKind kind, Parsed version) {}

    /**
     * A range ready to check; {@code scheme} null when the ecosystem has no order, {@code bounds} empty with a
     * scheme when a bound did not parse: both check as UNKNOWN.
     */
    private record PreparedRange(VersionScheme scheme, List<Bound> bounds, boolean limited) {
        boolean unknown() {
            return scheme == null || bounds.isEmpty();
        }

        /**
         * The schema's sorted walk without sorting: the decisive event is the greatest one that applies to the
         * version (introduced or fixed at or below it, last_affected strictly below it); on equal versions a
         * closing event wins. Affected when that event is an introduced one and the version is below a limit.
         */
        boolean contains(Parsed v) {
            Bound decisive = null;
            boolean belowALimit = false;
            for (Bound b : bounds) {
                if (b.kind() == EventKind.LIMIT) {
                    belowALimit |= b.version() == null || v.compareTo(b.version()) < 0;
                    continue;
                }
                if (b.version() != null) {
                    int order = b.version().compareTo(v);
                    if (order > 0 || (order == 0 && b.kind() == EventKind.LAST_AFFECTED)) {
                        continue; // does not apply to v
                    }
                }
                if (decisive == null || later(b, decisive)) {
                    decisive = b;
                }
            }
            if (limited && !belowALimit) {
                return false;
            }
            return decisive != null && decisive.kind() == EventKind.INTRODUCED;
        }

        private static boolean later(Bound b, Bound current) {
            if (b.version() == null) {
                return false;
            }
            if (current.version() == null) {
                return true;
            }
            int order = b.version().compareTo(current.version());
            return order > 0 || (order == 0 && b.kind() != EventKind.INTRODUCED);
        }
    }

    /** An affected entry ready for checking many package versions. */
    public static final class PreparedAffected {
        private final Set<String> versions;
        private final List<PreparedRange> ranges;

        private PreparedAffected(Set<String> versions, List<PreparedRange> ranges) {
            this.versions = versions;
            this.ranges = ranges;
        }

        public AffectedCheck check(PackageVersion version) {
            if (versions.contains(version.text())) {
                return AffectedCheck.AFFECTED;
            }
            boolean unknown = false;
            for (PreparedRange range : ranges) {
                if (range.unknown()) {
                    unknown = true;
                    continue;
                }
                Optional<Parsed> parsed = version.in(range.scheme());
                if (parsed.isEmpty()) {
                    unknown = true;
                } else if (range.contains(parsed.get())) {
                    return AffectedCheck.AFFECTED;
                }
            }
            return unknown ? AffectedCheck.UNKNOWN : AffectedCheck.NOT_AFFECTED;
        }
    }

    /** A package's version, parsed at most once per scheme however many entries it is checked against. */
    public static final class PackageVersion {
        private final OsvMatcher matcher;
        private final String text;
        private VersionScheme lastScheme;
        private Optional<Parsed> lastParsed;

        private PackageVersion(OsvMatcher matcher, String text) {
            this.matcher = matcher;
            this.text = text;
        }

        String text() {
            return text;
        }

        Optional<Parsed> in(VersionScheme scheme) {
            if (scheme != lastScheme) {
                lastParsed = matcher.parse(scheme, text);
                lastScheme = scheme;
            }
            return lastParsed;
        }
    }
}
