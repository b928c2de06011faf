package io.gatehouse.scan.version;

/**
 * The part every scheme shares: OSV's {@code "0"} sentinel, a length bound, and "parse both, then order". A
 * subclass parses one version into {@code V} (throwing {@link UnparsableVersionException}) and orders two parsed
 * values.
 */
abstract class ParsedVersionScheme<V> implements VersionScheme {
    /** OSV's "introduced": "0" — lower than every version, whatever the ecosystem would say about "0". */
    static final String OSV_ZERO = "0";

    /** Longer strings are not versions in any ecosystem we read (npm's own limit); bounds the work per compare. */
    static final int MAX_LENGTH = 256;

    private final String name;

    ParsedVersionScheme(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int compare(String left, String right) {
        boolean leftZero = OSV_ZERO.equals(left);
        boolean rightZero = OSV_ZERO.equals(right);
        if (leftZero || rightZero) {
            // the other side must still be a version: "garbage" vs "introduced: 0" is unknown, not affected
            if (!leftZero) {
                checkedParse(left);
            }
            if (!rightZero) {
                checkedParse(right);
            }
            return Boolean.compare(!leftZero, !rightZero);
        }
        return order(checkedParse(left), checkedParse(right));
    }

    @Override
    public final boolean isValid(String version) {
        if (OSV_ZERO.equals(version)) {
            return true;
        }
        try {
            checkedParse(version);
            return true;
        } catch (UnparsableVersionException e) {
            return false;
        }
    }

    private V checkedParse(String version) {
        if (version == null || version.isEmpty()) {
            throw unparsable(version, "it is empty");
        }
        if (version.length() > MAX_LENGTH) {
            throw unparsable(version.substring(0, 32) + "…", "it is longer than " + MAX_LENGTH + " characters");
        }
        return parse(version);
    }

    /** Parses a non-empty version of bounded length. */
    abstract V parse(String version);

    abstract int order(V left, V right);

    final UnparsableVersionException unparsable(String version, String why) {
        return new UnparsableVersionException(name, version, why);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isAsciiAlphanumeric(char c) {
        return isDigit(c) || isAsciiLetter(c);
    }
}
