package io.gatehouse.scan.version;

import java.util.ArrayList;
import java.util.List;

/**
 * PEP 440 (PyPI), read and ordered as Python's {@code packaging.version.Version}: epochs, release segments with
 * trailing zeros ignored, pre-releases ({@code a b rc}, spelled also {@code alpha beta c pre preview}), post-releases
 * ({@code .postN -N rev r}), dev releases, local versions, a leading {@code v}, any case, {@code . _ -}
 * separators. A hand-written scanner with packaging's possessive matching: each optional part is taken when it
 * matches at the current position and never given back.
 */
public final class Pep440VersionScheme extends ParsedVersionScheme<Pep440VersionScheme.Pep440Version> {

    private static final int DEV_ONLY = -1;
    private static final int STABLE = 3;
    private static final String[] PRE_SPELLINGS = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
    private static final int[] PRE_RANKS = {0, 0, 1, 1, 2, 2, 2, 2};
    private static final String[] POST_SPELLINGS = {"post", "rev", "r"};
    private static final String[] DEV_SPELLINGS = {"dev"};

    /**
     * A parsed version. Numbers are digit strings; {@code post} and {@code dev} are null when absent; {@code local}
     * holds digit strings and lower-case words.
     */
    record Pep440Version(
            String epoch, String[] release, int preRank, String preNumber, String post, String dev, String[] local) {}

    public Pep440VersionScheme() {
        super("pep440");
    }

    @Override
    Pep440Version parse(String v) {
        var s = new Scanner(v);
        s.skipSpaces();
        if (s.peekIgnoreCase('v')) {
            s.pos++;
        }
        String epoch = "0";
        int mark = s.pos;
        String digits = s.digits();
        if (digits != null && s.peek('!')) {
            epoch = digits;
            s.pos++;
        } else {
            s.pos = mark;
        }
        List<String> release = new ArrayList<>(4);
        String first = s.digits();
        if (first == null) {
            throw unparsable(v, "it does not start with a release number");
        }
        release.add(first);
        while (s.peek('.') && s.isDigitAt(s.pos + 1)) {
            s.pos++;
            release.add(s.digits());
        }
        int preRank = STABLE;
        String preNumber = "0";
        mark = s.pos;
        s.separator();
        int spelling = s.word(PRE_SPELLINGS);
        if (spelling >= 0) {
            preRank = PRE_RANKS[spelling];
            s.separator();
            preNumber = s.digitsOr("0");
        } else {
            s.pos = mark;
        }
        String post = null;
        mark = s.pos;
        if (s.peek('-') && s.isDigitAt(s.pos + 1)) {
            s.pos++;
            post = s.digits();
        } else {
            s.separator();
            if (s.word(POST_SPELLINGS) >= 0) {
                s.separator();
                post = s.digitsOr("0");
            } else {
                s.pos = mark;
            }
        }
        String dev = null;
        mark = s.pos;
        s.separator();
        if (s.word(DEV_SPELLINGS) >= 0) {
            s.separator();
            dev = s.digitsOr("0");
        } else {
            s.pos = mark;
        }
        String[] local = null;
        if (s.peek('+')) {
            s.pos++;
            local = s.localSegments();
            if (local == null) {
                throw unparsable(v, "the local version after '+' is malformed");
            }
        }
        s.skipSpaces();
        if (s.pos != v.length()) {
            throw unparsable(v, "unexpected '" + v.charAt(s.pos) + "' at offset " + s.pos);
        }
        if (preRank == STABLE && post == null && dev != null) {
            preRank = DEV_ONLY; // 1.0.dev1 sorts before 1.0a1
        }
        return new Pep440Version(epoch, trimTrailingZeros(release), preRank, preNumber, post, dev, local);
    }

    private static String[] trimTrailingZeros(List<String> release) {
        int n = release.size();
        while (n > 0 && DecimalDigits.compare(release.get(n - 1), "0") == 0) {
            n--;
        }
        return release.subList(0, n).toArray(new String[0]);
    }

    @Override
    int order(Pep440Version a, Pep440Version b) {
        int c = DecimalDigits.compare(a.epoch(), b.epoch());
        if (c == 0) {
            c = compareRelease(a.release(), b.release());
        }
        if (c == 0) {
            c = Integer.compare(a.preRank(), b.preRank());
        }
        if (c == 0) {
            c = DecimalDigits.compare(a.preNumber(), b.preNumber());
        }
        if (c == 0) {
            c = compareOptional(a.post(), b.post(), false);
        }
        if (c == 0) {
            c = compareOptional(a.dev(), b.dev(), true);
        }
        if (c == 0) {
            c = compareLocal(a.local(), b.local());
        }
        return Integer.signum(c);
    }

    private static int compareRelease(String[] a, String[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = DecimalDigits.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /** An absent post-release sorts first; an absent dev release sorts last. */
    private static int compareOptional(String a, String b, boolean absentIsHighest) {
        if (a == null || b == null) {
            int c = Boolean.compare(a != null, b != null);
            return absentIsHighest ? -c : c;
        }
        return DecimalDigits.compare(a, b);
    }

    /** No local part sorts first; then segment by segment, words before numbers; a shorter prefix first. */
    private static int compareLocal(String[] a, String[] b) {
        if (a == null || b == null) {
            return Boolean.compare(a != null, b != null);
        }
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = isNumber(a[i]);
            boolean bn = isNumber(b[i]);
            int c = an && bn ? DecimalDigits.compare(a[i], b[i]) : an != bn ? (an ? 1 : -1) : a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static boolean isNumber(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            if (!isDigit(segment.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A position in the version text with the small matchers the grammar needs. */
    private static final class Scanner {
        final String text;
        int pos;

        Scanner(String text) {
            this.text = text;
        }

        boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        boolean peekIgnoreCase(char lower) {
            return pos < text.length() && Character.toLowerCase(text.charAt(pos)) == lower;
        }

        boolean isDigitAt(int i) {
            return i < text.length() && isDigit(text.charAt(i));
        }

        /** The digit run at the cursor, or null when there is none. */
        String digits() {
            int start = pos;
            while (isDigitAt(pos)) {
                pos++;
            }
            return pos == start ? null : text.substring(start, pos);
        }

        String digitsOr(String absent) {
            String d = digits();
            return d == null ? absent : d;
        }

        void separator() {
            if (pos < text.length() && ".-_".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        /** The index of the first spelling found at the cursor (ASCII case ignored), consuming it; else -1. */
        int word(String[] spellings) {
            for (int i = 0; i < spellings.length; i++) {
                String w = spellings[i];
                if (text.regionMatches(true, pos, w, 0, w.length()) && isAscii(pos, w.length())) {
                    pos += w.length();
                    return i;
                }
            }
            return -1;
        }

        private boolean isAscii(int from, int length) {
            for (int i = from; i < from + length; i++) {
                if (text.charAt(i) >= 0x80) {
                    return false; // regionMatches folds e.g. the Kelvin sign to 'k'; packaging matches ASCII only
                }
            }
            return true;
        }

        /** {@code [a-z0-9]+([._-][a-z0-9]+)*}, lower-cased, split at the separators; null when malformed. */
        String[] localSegments() {
            List<String> segments = new ArrayList<>(2);
            while (true) {
                int start = pos;
                while (pos < text.length() && isAsciiAlphanumeric(text.charAt(pos))) {
                    pos++;
                }
                if (pos == start) {
                    return null;
                }
                segments.add(text.substring(start, pos).toLowerCase(java.util.Locale.ROOT));
                boolean more = pos + 1 < text.length()
                        && ".-_".indexOf(text.charAt(pos)) >= 0
                        && isAsciiAlphanumeric(text.charAt(pos + 1));
                if (!more) {
                    return segments.toArray(new String[0]);
                }
                pos++;
            }
        }

        /** Python's {@code \s} around the version is ignored. */
        void skipSpaces() {
            while (pos < text.length() && isPythonSpace(text.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isPythonSpace(char c) {
            return (c >= '\t' && c <= '\r')
                    || (c >= 0x1c && c <= 0x20)
                    || c == 0x85
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c);
        }
    }
}
