package io.gatehouse.scan.version;

import java.util.Map;
import java.util.Optional;

/** Which version order an OSV ecosystem (or a SEMVER range) uses. */
public final class VersionSchemes {
    private static final VersionScheme DPKG = new DebianVersionScheme();
    private static final VersionScheme RPM = new RpmVersionScheme();
    private static final VersionScheme APK = new ApkVersionScheme();
    private static final VersionScheme SEMVER = new SemverVersionScheme();

    /** OSV ecosystem names (the part before any {@code :release}) to their order. */
    private static final Map<String, VersionScheme> BY_ECOSYSTEM = Map.ofEntries(
            Map.entry("Debian", DPKG),
            Map.entry("Ubuntu", DPKG),
            Map.entry("Alpine", APK),
            Map.entry("Wolfi", APK),
            Map.entry("Chainguard", APK),
            Map.entry("Red Hat", RPM),
            Map.entry("Rocky Linux", RPM),
            Map.entry("AlmaLinux", RPM),
            Map.entry("openSUSE", RPM),
            Map.entry("SUSE", RPM),
            Map.entry("Mageia", RPM),
            Map.entry("Maven", new MavenVersionScheme()),
            Map.entry("npm", new NpmVersionScheme()),
            Map.entry("PyPI", new Pep440VersionScheme()),
            Map.entry("Go", new GoVersionScheme()),
            Map.entry("crates.io", SEMVER));

    private VersionSchemes() {}

    /**
     * The scheme for an OSV ecosystem such as {@code Debian:12}, {@code Ubuntu:22.04:LTS}, {@code Alpine:v3.19},
     * {@code Red Hat:enterprise_linux:9}, {@code Rocky Linux:9}, {@code Maven}, {@code npm}, {@code PyPI}, {@code
     * Go}; empty when the ecosystem is not supported.
     */
    public static Optional<VersionScheme> forEcosystem(String ecosystem) {
        if (ecosystem == null) {
            return Optional.empty();
        }
        int colon = ecosystem.indexOf(':');
        String base = colon < 0 ? ecosystem : ecosystem.substring(0, colon);
        return Optional.ofNullable(BY_ECOSYSTEM.get(base));
    }

    /** The scheme of an OSV {@code SEMVER} range (semver 2.0 order, a leading {@code v} allowed). */
    public static VersionScheme semver() {
        return SEMVER;
    }
}
