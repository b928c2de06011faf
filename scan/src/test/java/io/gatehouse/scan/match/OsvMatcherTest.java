package io.gatehouse.scan.match;

import static io.gatehouse.scan.match.AffectedCheck.AFFECTED;
import static io.gatehouse.scan.match.AffectedCheck.NOT_AFFECTED;
import static io.gatehouse.scan.match.AffectedCheck.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.scan.advisory.Advisory.Affected;
import io.gatehouse.scan.advisory.Advisory.Event;
import io.gatehouse.scan.advisory.Advisory.EventKind;
import io.gatehouse.scan.advisory.Advisory.PackageRef;
import io.gatehouse.scan.advisory.Advisory.Range;
import io.gatehouse.scan.advisory.Advisory.RangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OsvMatcherTest {
    private final OsvMatcher matcher = new OsvMatcher(TestSchemes::forEcosystem);

    @Test
    void introducedAndFixedBoundAHalfOpenInterval() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:2.13.0", "fixed:2.15.0"));
        assertThat(check(a, "2.12.9")).isEqualTo(NOT_AFFECTED);
        assertThat(check(a, "2.13.0")).isEqualTo(AFFECTED);
        assertThat(check(a, "2.14.1")).isEqualTo(AFFECTED);
        assertThat(check(a, "2.15.0")).isEqualTo(NOT_AFFECTED);
        assertThat(check(a, "2.17.1")).isEqualTo(NOT_AFFECTED);
    }

    @Test
    void introducedZeroMeansFromTheFirstVersion() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:0", "fixed:4.17.21"));
        assertThat(matcher.check(a, "npm", "0.0.1")).isEqualTo(AFFECTED);
        assertThat(matcher.check(a, "npm", "4.17.20")).isEqualTo(AFFECTED);
        assertThat(matcher.check(a, "npm", "4.17.21")).isEqualTo(NOT_AFFECTED);
        var open = affected(range(RangeType.ECOSYSTEM, "introduced:0"));
        assertThat(matcher.check(open, "npm", "99.0.0")).isEqualTo(AFFECTED);
    }

    @Test
    void lastAffectedIsIncluded() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:1.0", "last_affected:1.4"));
        assertThat(check(a, "1.4")).isEqualTo(AFFECTED);
        assertThat(check(a, "1.4.1")).isEqualTo(NOT_AFFECTED);
        assertThat(check(a, "0.9")).isEqualTo(NOT_AFFECTED);
    }

    @Test
    void limitCutsTheRangeFromAbove() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:0", "limit:2.0"));
        assertThat(check(a, "1.9")).isEqualTo(AFFECTED);
        assertThat(check(a, "2.0")).isEqualTo(NOT_AFFECTED);
        assertThat(check(a, "3.0")).isEqualTo(NOT_AFFECTED);
        var star = affected(range(RangeType.ECOSYSTEM, "introduced:1.0", "limit:*"));
        assertThat(check(star, "7.0")).isEqualTo(AFFECTED);
    }

    @Test
    void severalIntervalsInOneRangeAndSeveralRanges() {
        var oneRange =
                affected(range(RangeType.ECOSYSTEM, "introduced:1.0", "fixed:1.5", "introduced:2.0", "fixed:2.5"));
        assertThat(check(oneRange, "1.2")).isEqualTo(AFFECTED);
        assertThat(check(oneRange, "1.7")).isEqualTo(NOT_AFFECTED);
        assertThat(check(oneRange, "2.1")).isEqualTo(AFFECTED);
        assertThat(check(oneRange, "2.5")).isEqualTo(NOT_AFFECTED);
        var twoRanges = affected(
                range(RangeType.ECOSYSTEM, "introduced:1.0", "fixed:1.5"),
                range(RangeType.ECOSYSTEM, "introduced:2.0", "fixed:2.5"));
        assertThat(check(twoRanges, "1.7")).isEqualTo(NOT_AFFECTED);
        assertThat(check(twoRanges, "2.4")).isEqualTo(AFFECTED);
    }

    @Test
    void eventsNeedNotBeListedInOrder() {
        var a = affected(range(RangeType.ECOSYSTEM, "fixed:2.5", "introduced:2.0", "fixed:1.5", "introduced:1.0"));
        assertThat(check(a, "1.7")).isEqualTo(NOT_AFFECTED);
        assertThat(check(a, "2.2")).isEqualTo(AFFECTED);
    }

    @Test
    void explicitVersionsMatchExactlyEvenWithoutAScheme() {
        var a = new Affected(
                new PackageRef("Alpine:v3.19", "busybox", ""),
                List.of(),
                List.of("1.36.1-r15"),
                List.of(),
                Optional.empty());
        assertThat(matcher.check(a, "Alpine:v3.19", "1.36.1-r15")).isEqualTo(AFFECTED);
        assertThat(matcher.check(a, "Alpine:v3.19", "1.36.1-r16")).isEqualTo(NOT_AFFECTED);
    }

    @Test
    void gitRangesAreIgnored() {
        var a = affected(range(RangeType.GIT, "introduced:0", "fixed:abc123"));
        assertThat(check(a, "1.0")).isEqualTo(NOT_AFFECTED);
    }

    @Test
    void semverRangesUseTheSemverOrderWhateverTheEcosystem() {
        var a = affected(range(RangeType.SEMVER, "introduced:1.2.0", "fixed:1.10.0"));
        // In the (unsupported here) Go ecosystem, SEMVER still orders 1.9.0 below 1.10.0.
        assertThat(matcher.check(a, "Go", "1.9.0")).isEqualTo(AFFECTED);
        assertThat(matcher.check(a, "Go", "1.10.0")).isEqualTo(NOT_AFFECTED);
    }

    @Test
    void anEcosystemWithoutAnOrderIsUnknownNotUnaffected() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:0", "fixed:1.2.3"));
        assertThat(matcher.check(a, "Hex", "1.0.0")).isEqualTo(UNKNOWN);
    }

    @Test
    void anUnparsableVersionIsUnknownNotUnaffected() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:2.13.0", "fixed:2.15.0"));
        assertThat(check(a, "latest-snapshot")).isEqualTo(UNKNOWN);
        var npm = affected(range(RangeType.ECOSYSTEM, "introduced:0", "fixed:4.17.21"));
        assertThat(matcher.check(npm, "npm", "not.a.version")).isEqualTo(UNKNOWN);
    }

    @Test
    void anUnparsableAdvisoryBoundIsUnknown() {
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:0", "fixed:<unfixed>"));
        assertThat(check(a, "1.0")).isEqualTo(UNKNOWN);
    }

    @Test
    void defaultSchemesWithoutImplementationsGiveUnknown() {
        // VersionSchemes is filled in elsewhere; until then every ranged check must say UNKNOWN, never "clean".
        var withDefaults = OsvMatcher.withDefaultSchemes();
        var a = affected(range(RangeType.ECOSYSTEM, "introduced:0", "fixed:4.17.21"));
        assertThat(withDefaults.check(a, "npm", "4.17.20")).isIn(AFFECTED, UNKNOWN);
    }

    @Test
    void fixedVersionsComeFromFixedEventsOnly() {
        var a = affected(
                range(RangeType.ECOSYSTEM, "introduced:2.13.0", "fixed:2.15.0"),
                range(RangeType.ECOSYSTEM, "introduced:2.4", "last_affected:2.12.1"),
                range(RangeType.GIT, "introduced:0", "fixed:deadbeef"));
        assertThat(OsvMatcher.fixedVersions(a)).containsExactly("2.15.0");
    }

    private AffectedCheck check(Affected a, String version) {
        return matcher.check(a, "Maven", version);
    }

    private static Affected affected(Range... ranges) {
        return new Affected(
                new PackageRef("Maven", "g:a", ""), List.of(ranges), List.of(), List.of(), Optional.empty());
    }

    private static Range range(RangeType type, String... events) {
        List<Event> list = new ArrayList<>();
        for (String e : events) {
            String[] kv = e.split(":", 2);
            list.add(new Event(EventKind.valueOf(kv[0].toUpperCase(java.util.Locale.ROOT)), kv[1]));
        }
        return new Range(type, list);
    }
}
