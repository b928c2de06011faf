package io.gatehouse.scan.match;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import io.gatehouse.scan.advisory.Advisory;
import io.gatehouse.scan.advisory.Advisory.Affected;
import io.gatehouse.scan.advisory.AdvisoryIndex;
import io.gatehouse.scan.advisory.PackageKey;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.severity.AdvisorySeverity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * An immutable snapshot of the advisory database for matching: affected entries grouped by {@link PackageKey} in
 * a hash map, each with its severity and fixed versions worked out once, so a lookup costs one hash probe plus
 * the version comparisons of the few advisories naming the package.
 */
public final class OsvAdvisoryIndex implements AdvisoryIndex {
    private final Map<PackageKey, List<Entry>> byPackage;
    private final Map<String, Set<PackageKey>> keysById;
    private final OsvMatcher matcher;
    private final String version;

    /** One advisory's entry for one package, pre-digested. */
    private record Entry(
            Advisory advisory, OsvMatcher.PreparedAffected prepared, Severity severity, List<String> fixed) {}

    public OsvAdvisoryIndex(Collection<Advisory> advisories, OsvMatcher matcher, String version) {
        this(new HashMap<>(), new HashMap<>(), matcher, count -> version, advisories, Set.of());
    }

    /**
     * The snapshot after an import: this one with {@code upserted} advisories added or replaced and {@code removed}
     * ids dropped. Only the packages they name (before and after) are re-indexed, so an update of a thousand
     * advisories costs a thousand, not the whole database.
     *
     * @param version the new snapshot's version, given its advisory count
     */
    public OsvAdvisoryIndex updated(
            Collection<Advisory> upserted, Collection<String> removed, IntFunction<String> version) {
        return new OsvAdvisoryIndex(
                new HashMap<>(byPackage), new HashMap<>(keysById), matcher, version, upserted, removed);
    }

    private OsvAdvisoryIndex(
            Map<PackageKey, List<Entry>> map,
            Map<String, Set<PackageKey>> keys,
            OsvMatcher matcher,
            IntFunction<String> version,
            Collection<Advisory> upserted,
            Collection<String> removed) {
        this.matcher = matcher;
        Set<String> gone = new HashSet<>(removed);
        upserted.forEach(a -> gone.add(a.id()));
        Set<PackageKey> touched = new HashSet<>();
        for (String id : gone) {
            Set<PackageKey> before = keys.remove(id);
            if (before != null) {
                touched.addAll(before);
            }
        }
        for (PackageKey key : touched) {
            List<Entry> kept = new ArrayList<>();
            for (Entry e : map.get(key)) {
                if (!gone.contains(e.advisory().id())) {
                    kept.add(e);
                }
            }
            map.put(key, kept);
        }
        for (Advisory advisory : upserted) {
            if (advisory.withdrawn().isPresent()) {
                continue;
            }
            Set<PackageKey> named = new HashSet<>();
            for (Affected affected : advisory.affected()) {
                var key =
                        PackageKey.of(affected.pkg().ecosystem(), affected.pkg().name());
                named.add(key);
                touched.add(key);
                map.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new Entry(
                                advisory,
                                matcher.prepare(affected, key.ecosystem()),
                                AdvisorySeverity.of(advisory, affected),
                                OsvMatcher.fixedVersions(affected)));
            }
            keys.put(advisory.id(), Set.copyOf(named));
        }
        for (PackageKey key : touched) {
            List<Entry> entries = map.get(key);
            if (entries == null || entries.isEmpty()) {
                map.remove(key);
            } else {
                map.put(key, List.copyOf(entries));
            }
        }
        // A HashMap, not Map.copyOf: the immutable map probes linearly, and package names that hash close together
        // (lib-1, lib-2, ...) form long runs, so every lookup (a miss most of all) walked them: half of the re-match
        // CPU went to PackageKey.equals in ImmutableCollections.MapN.probe.
        this.byPackage = java.util.Collections.unmodifiableMap(map);
        this.keysById = java.util.Collections.unmodifiableMap(keys);
        this.version = version.apply(keys.size());
    }

    public static OsvAdvisoryIndex empty() {
        return new OsvAdvisoryIndex(List.of(), new OsvMatcher(e -> java.util.Optional.empty()), "empty");
    }

    @Override
    public List<VulnerabilityFinding> findingsFor(DetectedPackage pkg) {
        if (pkg.ecosystem().isEmpty()) {
            return List.of();
        }
        List<Entry> entries = byPackage.get(PackageKey.of(pkg.ecosystem(), pkg.sourceName()));
        if (entries == null) {
            return List.of();
        }
        // One advisory may name the package in several entries: affected if any says so, else unknown if any is.
        Map<String, Match> matches = new LinkedHashMap<>();
        var version = matcher.version(pkg.sourceVersion());
        for (Entry entry : entries) {
            AffectedCheck check = entry.prepared().check(version);
            if (check == AffectedCheck.NOT_AFFECTED) {
                continue;
            }
            matches.computeIfAbsent(entry.advisory().id(), id -> new Match(entry))
                    .add(entry, check);
        }
        List<VulnerabilityFinding> findings = new ArrayList<>(matches.size());
        for (Match m : matches.values()) {
            Advisory a = m.first.advisory();
            findings.add(new VulnerabilityFinding(
                    a.id(),
                    a.aliases(),
                    pkg.sourceName(),
                    pkg.sourceVersion(),
                    pkg.ecosystem(),
                    m.severity,
                    List.copyOf(m.fixed),
                    pkg.purl(),
                    pkg.path(),
                    pkg.layer(),
                    m.affected ? Certainty.AFFECTED : Certainty.UNKNOWN,
                    a.summary()));
        }
        return findings;
    }

    /** The packages this snapshot has advisories for. */
    public Set<PackageKey> packages() {
        return byPackage.keySet();
    }

    /** The packages a current advisory names (empty for an id this snapshot does not hold). */
    public Set<PackageKey> packagesOf(String advisoryId) {
        return keysById.getOrDefault(advisoryId, Set.of());
    }

    public int advisoryCount() {
        return keysById.size();
    }

    @Override
    public String version() {
        return version;
    }

    private static final class Match {
        final Entry first;
        Severity severity;
        boolean affected;
        final Set<String> fixed = new LinkedHashSet<>();

        Match(Entry first) {
            this.first = first;
            this.severity = first.severity();
        }

        void add(Entry entry, AffectedCheck check) {
            affected |= check == AffectedCheck.AFFECTED;
            fixed.addAll(entry.fixed());
            if (entry.severity().ordinal() < severity.ordinal()) {
                severity = entry.severity();
            }
        }
    }
}
