package io.gatehouse.scan.version;

/**
 * One ecosystem's version order (dpkg, rpm, apk, Maven, npm semver, PEP 440, Go). Implementations are stateless
 * and thread-safe.
 */
public interface VersionScheme {

    /** A short name, e.g. {@code dpkg}, {@code pep440}. */
    String name();

    /**
     * Compares two versions in this scheme's order: negative, zero or positive like {@link
     * java.util.Comparator#compare}. The sentinel {@code "0"} (OSV's "introduced": "0") is lower than every version.
     *
     * @throws UnparsableVersionException when either version is not valid in this scheme
     */
    int compare(String left, String right);

    /** True when {@code version} parses in this scheme. */
    boolean isValid(String version);
}
