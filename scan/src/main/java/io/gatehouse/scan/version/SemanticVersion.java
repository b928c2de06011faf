package io.gatehouse.scan.version;

import java.util.Arrays;

/**
 * A semver 2.0 version, parsed without regular expressions. Numbers stay text (no leading zeros, compared by value
 * via {@link DecimalDigits}) so any size orders correctly; build metadata is checked but never ordered, as semver 2.0
 * says. The syntax variants of npm, Go and OSV's SEMVER ranges are {@link Syntax} values.
 */
record SemanticVersion(String major, String minor, String patch, String[] prerelease)
        implements Comparable<SemanticVersion> {

    private static final String[] NONE = new String[0];

    /** How strictly a dialect reads a version; the order is the same for all. */
    enum Syntax {
        /** OSV SEMVER ranges: semver 2.0, a leading {@code v} tolerated. */
        SEMVER(false, false),
        /** node-semver strict: a leading {@code v}; major, minor and patch at most 2^53-1. */
        NPM(false, true),
        /** golang.org/x/mod/semver: {@code v1} and {@code v1.2} mean v1.0.0 and v1.2.0; OSV writes Go versions without v. */
        GO(true, false);

        final boolean shorthand;
        final boolean safeIntegers;

        Syntax(boolean shorthand, boolean safeIntegers) {
            this.shorthand = shorthand;
            this.safeIntegers = safeIntegers;
        }
    }

    private static final String MAX_SAFE_INTEGER = "9007199254740991";

    /** Returns null with {@code why[0]} set when {@code v} is not a version in {@code syntax}. */
    static SemanticVersion parse(String v, Syntax syntax, String[] why) {
        int[] pos = {v.startsWith("v") ? 1 : 0};
        String major = number(v, pos, syntax, why, "major");
        if (major == null) {
            return null;
        }
        String minor = "0";
        String patch = "0";
        if (syntax.shorthand && pos[0] == v.length()) {
            return new SemanticVersion(major, minor, patch, NONE);
        }
        if (!expect(v, pos, '.', why, "a '.' after the major version")) {
            return null;
        }
        minor = number(v, pos, syntax, why, "minor");
        if (minor == null) {
            return null;
        }
        if (syntax.shorthand && pos[0] == v.length()) {
            return new SemanticVersion(major, minor, patch, NONE);
        }
        if (!expect(v, pos, '.', why, "a '.' after the minor version")) {
            return null;
        }
        patch = number(v, pos, syntax, why, "patch");
        if (patch == null) {
            return null;
        }
        String[] prerelease = NONE;
        if (pos[0] < v.length() && v.charAt(pos[0]) == '-') {
            int end = v.indexOf('+', pos[0]);
            end = end < 0 ? v.length() : end;
            prerelease = identifiers(v, pos[0] + 1, end, true, why);
            if (prerelease == null) {
                return null;
            }
            pos[0] = end;
        }
        if (pos[0] < v.length() && v.charAt(pos[0]) == '+') {
            if (identifiers(v, pos[0] + 1, v.length(), false, why) == null) {
                return null;
            }
            pos[0] = v.length();
        }
        if (pos[0] != v.length()) {
            why[0] = "unexpected '" + v.charAt(pos[0]) + "' at offset " + pos[0];
            return null;
        }
        return new SemanticVersion(major, minor, patch, prerelease);
    }

    private static boolean expect(String v, int[] pos, char c, String[] why, String what) {
        if (pos[0] < v.length() && v.charAt(pos[0]) == c) {
            pos[0]++;
            return true;
        }
        why[0] = "expected " + what;
        return false;
    }

    private static String number(String v, int[] pos, Syntax syntax, String[] why, String what) {
        int start = pos[0];
        int end = start;
        while (end < v.length() && ParsedVersionScheme.isDigit(v.charAt(end))) {
            end++;
        }
        if (end == start) {
            why[0] = "the " + what + " version is not a number";
            return null;
        }
        if (v.charAt(start) == '0' && end - start > 1) {
            why[0] = "the " + what + " version has a leading zero";
            return null;
        }
        String n = v.substring(start, end);
        if (syntax.safeIntegers && DecimalDigits.compare(n, MAX_SAFE_INTEGER) > 0) {
            why[0] = "the " + what + " version is larger than 2^53-1";
            return null;
        }
        pos[0] = end;
        return n;
    }

    /** Dot-separated {@code [0-9A-Za-z-]+}; in a pre-release, numeric identifiers have no leading zero. */
    private static String[] identifiers(String v, int start, int end, boolean prerelease, String[] why) {
        String kind = prerelease ? "pre-release" : "build metadata";
        if (start >= end) {
            why[0] = "the " + kind + " is empty";
            return null;
        }
        var out = new java.util.ArrayList<String>(4);
        int from = start;
        while (from <= end) {
            int dot = v.indexOf('.', from);
            int to = dot < 0 || dot > end ? end : dot;
            if (to == from) {
                why[0] = "the " + kind + " has an empty identifier";
                return null;
            }
            boolean numeric = true;
            for (int i = from; i < to; i++) {
                char c = v.charAt(i);
                if (!ParsedVersionScheme.isAsciiAlphanumeric(c) && c != '-') {
                    why[0] = "the " + kind + " contains '" + c + "'";
                    return null;
                }
                numeric &= ParsedVersionScheme.isDigit(c);
            }
            if (prerelease && numeric && v.charAt(from) == '0' && to - from > 1) {
                why[0] = "a numeric pre-release identifier has a leading zero";
                return null;
            }
            out.add(v.substring(from, to));
            from = to + 1;
        }
        return out.toArray(NONE);
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = DecimalDigits.compare(major, o.major);
        if (c == 0) {
            c = DecimalDigits.compare(minor, o.minor);
        }
        if (c == 0) {
            c = DecimalDigits.compare(patch, o.patch);
        }
        if (c != 0) {
            return Integer.signum(c);
        }
        if (prerelease.length == 0 || o.prerelease.length == 0) {
            // a release is newer than any of its pre-releases
            return Integer.signum(Integer.compare(o.prerelease.length, prerelease.length));
        }
        for (int i = 0; i < Math.min(prerelease.length, o.prerelease.length); i++) {
            c = compareIdentifier(prerelease[i], o.prerelease[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.signum(Integer.compare(prerelease.length, o.prerelease.length));
    }

    /** Numeric identifiers by value and below alphanumeric ones; alphanumeric ones in ASCII order. */
    private static int compareIdentifier(String a, String b) {
        boolean an = isNumeric(a);
        boolean bn = isNumeric(b);
        if (an && bn) {
            return Integer.signum(DecimalDigits.compare(a, b));
        }
        if (an != bn) {
            return an ? -1 : 1;
        }
        return Integer.signum(a.compareTo(b));
    }

    private static boolean isNumeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!ParsedVersionScheme.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticVersion s && compareTo(s) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {major, minor, patch, Arrays.hashCode(prerelease)});
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (prerelease.length == 0 ? "" : "-" + String.join(".", prerelease));
    }
}
