package io.gatehouse.scan.match;

import io.gatehouse.scan.advisory.Advisory.Affected;
import io.gatehouse.scan.advisory.Advisory.Event;
import io.gatehouse.scan.advisory.Advisory.EventKind;
import io.gatehouse.scan.advisory.Advisory.Range;
import io.gatehouse.scan.advisory.Advisory.RangeType;
import io.gatehouse.scan.version.UnparsableVersionException;
import io.gatehouse.scan.version.VersionScheme;
import io.gatehouse.scan.version.VersionSchemes;
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
 */
public final class OsvMatcher {
    /** The key {@link #OsvMatcher(Function)}'s lookup is asked for the order of SEMVER ranges. */
    public static final String SEMVER = "SEMVER";

    private final Function<String, Optional<VersionScheme>> schemes;
    private final Map<String, Optional<VersionScheme>> cache = new ConcurrentHashMap<>();

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

    public AffectedCheck check(Affected affected, String ecosystem, String version) {
        if (affected.versions().contains(version)) {
            return AffectedCheck.AFFECTED;
        }
        boolean unknown = false;
        for (Range range : affected.ranges()) {
            if (range.type() == RangeType.GIT) {
                continue;
            }
            Optional<VersionScheme> scheme = scheme(range.type() == RangeType.SEMVER ? SEMVER : ecosystem);
            if (scheme.isEmpty()) {
                unknown = true;
                continue;
            }
            try {
                if (inRange(scheme.get(), range.events(), version)) {
                    return AffectedCheck.AFFECTED;
                }
            } catch (
                    IllegalArgumentException
                            e) { // UnparsableVersionException, or a scheme refusing an advisory's version
                unknown = true;
            }
        }
        return unknown ? AffectedCheck.UNKNOWN : AffectedCheck.NOT_AFFECTED;
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

    /**
     * The schema's sorted walk without sorting: the decisive event is the greatest one that applies to the
     * version (introduced or fixed at or below it, last_affected strictly below it); on equal versions a closing
     * event wins. Affected when that event is an introduced one and the version is below some limit.
     */
    private static boolean inRange(VersionScheme scheme, List<Event> events, String version) {
        if (!scheme.isValid(version)) {
            throw new UnparsableVersionException(scheme.name(), version, "not a valid version");
        }
        Event decisive = null;
        boolean limited = false;
        boolean belowALimit = false;
        for (Event e : events) {
            switch (e.kind()) {
                case LIMIT -> {
                    limited = true;
                    if (e.version().equals("*") || scheme.compare(version, e.version()) < 0) {
                        belowALimit = true;
                    }
                    continue;
                }
                case INTRODUCED -> {
                    if (!isZero(e) && scheme.compare(e.version(), version) > 0) {
                        continue;
                    }
                }
                case FIXED -> {
                    if (scheme.compare(e.version(), version) > 0) {
                        continue;
                    }
                }
                case LAST_AFFECTED -> {
                    if (scheme.compare(e.version(), version) >= 0) {
                        continue;
                    }
                }
            }
            if (decisive == null || later(scheme, e, decisive)) {
                decisive = e;
            }
        }
        if (limited && !belowALimit) {
            return false;
        }
        return decisive != null && decisive.kind() == EventKind.INTRODUCED;
    }

    /** True when {@code e} comes after {@code current} in the walk's order. */
    private static boolean later(VersionScheme scheme, Event e, Event current) {
        if (isZero(e)) {
            return false;
        }
        if (isZero(current)) {
            return true;
        }
        int order = scheme.compare(e.version(), current.version());
        return order > 0 || (order == 0 && e.kind() != EventKind.INTRODUCED);
    }

    private static boolean isZero(Event e) {
        return e.kind() == EventKind.INTRODUCED && e.version().equals("0");
    }
}
