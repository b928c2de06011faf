package io.gatehouse.scan.match;

import io.gatehouse.scan.version.UnparsableVersionException;
import io.gatehouse.scan.version.VersionScheme;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.maven.artifact.versioning.ComparableVersion;
import org.semver4j.Semver;

/**
 * Version orders for the matcher's tests while the real schemes are built elsewhere: Maven's own
 * ComparableVersion (also used for PyPI's simple release numbers), semver4j for npm and SEMVER ranges, and the
 * real {@code dpkg --compare-versions} for Debian.
 */
public final class TestSchemes {
    private TestSchemes() {}

    public static Optional<VersionScheme> forEcosystem(String ecosystem) {
        if (ecosystem.equals("Maven") || ecosystem.equals("PyPI")) return Optional.of(MAVEN);
        if (ecosystem.equals("npm") || ecosystem.equals(OsvMatcher.SEMVER)) return Optional.of(SEMVER);
        if (ecosystem.startsWith("Debian:")) return Optional.of(DPKG);
        return Optional.empty();
    }

    /** ComparableVersion, refusing what no release number looks like (so tests can reach UNKNOWN). */
    public static final VersionScheme MAVEN = new VersionScheme() {
        public String name() {
            return "maven";
        }

        public int compare(String left, String right) {
            check(left);
            check(right);
            return new ComparableVersion(left).compareTo(new ComparableVersion(right));
        }

        public boolean isValid(String version) {
            return version.matches("[0-9][0-9A-Za-z.+_-]*");
        }

        public Parsed parse(String version) {
            check(version);
            return new Wrapped<>(new ComparableVersion(version));
        }

        private void check(String v) {
            if (!isValid(v)) throw new UnparsableVersionException(name(), v, "does not start with a digit");
        }
    };

    public static final VersionScheme SEMVER = new VersionScheme() {
        public String name() {
            return "semver";
        }

        public int compare(String left, String right) {
            if (left.equals("0")) return right.equals("0") ? 0 : -1;
            if (right.equals("0")) return 1;
            return semver(left).compareTo(semver(right));
        }

        public boolean isValid(String version) {
            return Semver.parse(version) != null;
        }

        public Parsed parse(String version) {
            return new Wrapped<>(semver(version));
        }

        private Semver semver(String v) {
            Semver s = Semver.parse(v);
            if (s == null) throw new UnparsableVersionException(name(), v, "not semver");
            return s;
        }
    };

    /** A parsed version of a library type that is already comparable. */
    record Wrapped<T extends Comparable<T>>(T value) implements VersionScheme.Parsed {
        @SuppressWarnings("unchecked")
        @Override
        public int compareTo(VersionScheme.Parsed other) {
            return value.compareTo(((Wrapped<T>) other).value);
        }
    }

    /** The real dpkg, one process per comparison: slow, but the reference order. */
    public static final VersionScheme DPKG = new VersionScheme() {
        public String name() {
            return "dpkg";
        }

        public int compare(String left, String right) {
            if (!isValid(left)) throw new UnparsableVersionException(name(), left, "dpkg refuses it");
            if (!isValid(right)) throw new UnparsableVersionException(name(), right, "dpkg refuses it");
            if (dpkg("--compare-versions", left, "lt", right)) return -1;
            return dpkg("--compare-versions", left, "eq", right) ? 0 : 1;
        }

        public boolean isValid(String version) {
            return dpkg("--validate-version", version);
        }
    };

    private static boolean dpkg(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "dpkg";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("dpkg did not answer");
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("dpkg is needed by this test", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
