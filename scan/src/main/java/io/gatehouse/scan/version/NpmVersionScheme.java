package io.gatehouse.scan.version;

/**
 * npm's order, as node-semver's {@code compare} in strict mode: {@code 1.2} and {@code latest} are not versions, a
 * leading {@code v} is, numbers above 2^53-1 are not.
 */
public final class NpmVersionScheme extends SemverVersionScheme {
    public NpmVersionScheme() {
        super("npm", SemanticVersion.Syntax.NPM);
    }
}
