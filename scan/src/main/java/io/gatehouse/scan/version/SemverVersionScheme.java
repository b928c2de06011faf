package io.gatehouse.scan.version;

/**
 * Semver 2.0 order (build metadata ignored) in one of three dialects: OSV {@code SEMVER} ranges (and crates.io),
 * npm, and Go modules. They differ only in what they accept; see {@link SemanticVersion.Syntax}.
 */
public class SemverVersionScheme extends ParsedVersionScheme<SemanticVersion> {
    private final SemanticVersion.Syntax syntax;

    /** OSV SEMVER ranges: semver 2.0, with a leading {@code v} tolerated. */
    public SemverVersionScheme() {
        this("semver", SemanticVersion.Syntax.SEMVER);
    }

    SemverVersionScheme(String name, SemanticVersion.Syntax syntax) {
        super(name);
        this.syntax = syntax;
    }

    @Override
    final SemanticVersion parse(String version) {
        String[] why = new String[1];
        var parsed = SemanticVersion.parse(version, syntax, why);
        if (parsed == null) {
            throw unparsable(version, why[0]);
        }
        return parsed;
    }

    @Override
    final int order(SemanticVersion left, SemanticVersion right) {
        return left.compareTo(right);
    }
}
