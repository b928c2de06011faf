package io.gatehouse.scan.version;

import org.apache.maven.artifact.versioning.ComparableVersion;

/**
 * Maven's own order: {@link ComparableVersion} from maven-artifact, which accepts any string (1-alpha < 1-beta <
 * 1-milestone < 1-rc < 1-SNAPSHOT < 1 < 1-sp, unknown qualifiers after those, trailing zeros ignored). Only empty,
 * overlong or whitespace-carrying strings are unparsable, since they are never versions in a pom.
 */
public final class MavenVersionScheme extends ParsedVersionScheme<ComparableVersion> {
    public MavenVersionScheme() {
        super("maven");
    }

    @Override
    ComparableVersion parse(String version) {
        for (int i = 0; i < version.length(); i++) {
            if (Character.isWhitespace(version.charAt(i)) || Character.isISOControl(version.charAt(i))) {
                throw unparsable(version, "it contains whitespace or a control character");
            }
        }
        return new ComparableVersion(version);
    }

    @Override
    int order(ComparableVersion left, ComparableVersion right) {
        return Integer.signum(left.compareTo(right));
    }
}
