package io.gatehouse.scan.version;

import java.util.Optional;

/** Which version order an OSV ecosystem (or a SEMVER range) uses. */
public final class VersionSchemes {
    private VersionSchemes() {}

    /**
     * The scheme for an OSV ecosystem such as {@code Debian:12}, {@code Ubuntu:22.04}, {@code Alpine:v3.19},
     * {@code Red Hat}, {@code Rocky Linux:9}, {@code Maven}, {@code npm}, {@code PyPI}, {@code Go}; empty when the
     * ecosystem is not supported.
     */
    public static Optional<VersionScheme> forEcosystem(String ecosystem) {
        return Optional.empty(); // filled in by the version-schemes work
    }

    /** The scheme of an OSV {@code SEMVER} range (semver 2.0 order, a leading {@code v} allowed). */
    public static VersionScheme semver() {
        throw new UnsupportedOperationException("filled in by the version-schemes work");
    }
}
