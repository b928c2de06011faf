package io.gatehouse.scan.version;

/**
 * Go modules' order (golang.org/x/mod/semver): semver with a {@code v} prefix, which OSV omits, so both are read.
 * Pseudo-versions ({@code v0.0.0-20240101120000-abcdef123456}) are pre-releases and order by their timestamp;
 * {@code +incompatible} is build metadata and does not change the order; {@code v1} and {@code v1.2} mean v1.0.0 and
 * v1.2.0.
 */
public final class GoVersionScheme extends SemverVersionScheme {
    public GoVersionScheme() {
        super("go", SemanticVersion.Syntax.GO);
    }
}
