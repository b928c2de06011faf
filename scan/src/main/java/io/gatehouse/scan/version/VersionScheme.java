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

    /**
     * The version parsed once for many comparisons: the matcher parses each advisory bound once per index and each
     * package version once per lookup, so re-matching thousands of SBOMs does not re-parse the same strings
     * millions of times. The default wraps the string and parses at every comparison; a scheme should return its
     * own parsed form, ordered exactly as {@link #compare}.
     *
     * @throws UnparsableVersionException when the version is not valid in this scheme
     */
    default Parsed parse(String version) {
        if (!isValid(version)) {
            throw new UnparsableVersionException(name(), version, "not a valid version");
        }
        return new Unparsed(this, version);
    }

    /** A parsed version; only comparable with others parsed by the same scheme. */
    interface Parsed extends Comparable<Parsed> {}

    /** The default {@link Parsed}: the string, compared through {@link #compare}. */
    record Unparsed(VersionScheme scheme, String version) implements Parsed {
        @Override
        public int compareTo(Parsed other) {
            return scheme.compare(version, ((Unparsed) other).version);
        }
    }
}
