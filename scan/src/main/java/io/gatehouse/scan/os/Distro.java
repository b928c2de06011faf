package io.gatehouse.scan.os;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.OsRelease;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The distribution an image's {@code os-release} names, as advisories and package URLs spell it: the OSV
 * ecosystem its OS packages are matched in ({@code Debian:12}, {@code Alpine:v3.19}, {@code Rocky Linux:9}) and
 * the purl namespace and {@code distro} qualifier ({@code pkg:deb/debian/libc6@2.36-9?distro=debian-12}).
 *
 * <p>Ubuntu's OSV records say {@code Ubuntu:22.04:LTS} for LTS releases; osv.dev treats that as {@code
 * Ubuntu:22.04}, the name given here, so the matcher drops the {@code :LTS} suffix the same way.
 */
public record Distro(String ecosystem, String purlNamespace, String purlDistro) {
    private static final Set<String> OS_PACKAGE_TYPES = Set.of("deb", "apk", "rpm");

    /** Empty when the distribution is not one advisories are matched for, or its release is unknown. */
    public static Optional<Distro> of(OsRelease os) {
        String id = os.id() == null ? "" : os.id().toLowerCase(Locale.ROOT);
        String version = os.versionId() == null ? "" : os.versionId();
        String qualifier = version.isEmpty() ? id : id + "-" + version;
        return switch (id) {
            case "debian" -> major(version).map(v -> new Distro("Debian:" + v, "debian", qualifier));
            case "ubuntu" ->
                version.matches("\\d+\\.\\d+")
                        ? Optional.of(new Distro("Ubuntu:" + version, "ubuntu", qualifier))
                        : Optional.empty();
            case "alpine" -> minor(version).map(v -> new Distro("Alpine:v" + v, "alpine", qualifier));
            case "rhel" -> major(version).map(v -> new Distro("Red Hat", "redhat", qualifier));
            case "rocky" -> major(version).map(v -> new Distro("Rocky Linux:" + v, "rocky", qualifier));
            case "almalinux" -> major(version).map(v -> new Distro("AlmaLinux:" + v, "almalinux", qualifier));
            case "wolfi" -> Optional.of(new Distro("Wolfi", "wolfi", "wolfi"));
            case "chainguard" -> Optional.of(new Distro("Chainguard", "chainguard", "chainguard"));
            default -> Optional.empty();
        };
    }

    /** Whether the walker must decide this package's ecosystem from the distribution. */
    public static boolean isOsPackage(DetectedPackage p) {
        return OS_PACKAGE_TYPES.contains(p.type()) && p.ecosystem().isEmpty();
    }

    /** The package with this distribution's ecosystem, and its purl's namespace and {@code distro} qualifier. */
    public DetectedPackage complete(DetectedPackage p) {
        return new DetectedPackage(
                p.type(),
                p.name(),
                p.version(),
                p.sourceName(),
                p.sourceVersion(),
                ecosystem,
                purl(p, purlNamespace, purlDistro),
                p.layer(),
                p.path());
    }

    /**
     * The package's purl with {@code namespace} and a {@code distro} qualifier (both left out when null), keeping
     * what the extractor put in its own purl (version as the purl type spells it, {@code arch}, {@code epoch}).
     */
    public static String purl(DetectedPackage p, String namespace, String distro) {
        try {
            var qualifiers = new TreeMap<String, String>();
            String version = p.version();
            if (!p.purl().isEmpty()) {
                var own = new PackageURL(p.purl());
                version = own.getVersion();
                if (own.getQualifiers() != null) qualifiers.putAll(own.getQualifiers());
            }
            if (distro != null) qualifiers.put("distro", distro);
            return new PackageURL(p.type(), namespace, p.name(), version, qualifiers, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            return p.purl();
        }
    }

    private static Optional<String> major(String version) {
        var m = java.util.regex.Pattern.compile("^(\\d+)").matcher(version);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Optional<String> minor(String version) {
        var m = java.util.regex.Pattern.compile("^(\\d+\\.\\d+)").matcher(version);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
