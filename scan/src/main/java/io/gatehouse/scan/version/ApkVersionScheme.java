package io.gatehouse.scan.version;

/**
 * Alpine's apk order for {@code digit{.digit}...{letter}{_suffix{N}}...{~hash}{-rN}}, as apk-tools 2.14+ defines it:
 * pre-release suffixes ({@code _alpha _beta _pre _rc}) sort before the bare version, post-release ones ({@code _cvs
 * _svn _git _hg _p}) after; a dotted component with a leading zero compares as text (Gentoo's rule); {@code -rN} is
 * the package revision. Used by Alpine, Wolfi and Chainguard advisories.
 */
public final class ApkVersionScheme extends ParsedVersionScheme<String> {

    // Token kinds in the order apk-tools ranks them: where two versions diverge in kind, the lower kind is newer.
    private static final int INITIAL_DIGIT = 0;
    private static final int DIGIT = 1;
    private static final int LETTER = 2;
    private static final int SUFFIX = 3;
    private static final int SUFFIX_NO = 4;
    private static final int COMMIT_HASH = 5;
    private static final int REVISION_NO = 6;
    private static final int END = 7;
    private static final int INVALID = 8;

    /** Suffixes by rank; "" is the bare version, so index < 5 means pre-release. */
    private static final String[] SUFFIXES = {"alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"};

    private static final int NO_SUFFIX = 4;

    public ApkVersionScheme() {
        super("apk");
    }

    @Override
    String parse(String v) {
        var t = new Tokens(v);
        while (t.kind < END) {
            t.next();
        }
        if (t.kind == INVALID) {
            throw unparsable(v, "not an apk version at offset " + t.start);
        }
        return v;
    }

    @Override
    int order(String a, String b) {
        var ta = new Tokens(a);
        var tb = new Tokens(b);
        while (ta.kind == tb.kind && ta.kind < END) {
            int c = compareTokens(ta, tb);
            if (c != 0) {
                return c;
            }
            ta.next();
            tb.next();
        }
        if (ta.kind == tb.kind) {
            return 0;
        }
        if (ta.kind == SUFFIX && ta.suffix < NO_SUFFIX) {
            return -1;
        }
        if (tb.kind == SUFFIX && tb.suffix < NO_SUFFIX) {
            return 1;
        }
        return ta.kind > tb.kind ? -1 : 1;
    }

    private static int compareTokens(Tokens a, Tokens b) {
        int c;
        switch (a.kind) {
            case DIGIT -> {
                boolean leadingZero = a.text.charAt(a.start) == '0' || b.text.charAt(b.start) == '0';
                c = leadingZero
                        ? DecimalDigits.compareText(a.text, a.start, a.end, b.text, b.start, b.end)
                        : DecimalDigits.compare(a.text, a.start, a.end, b.text, b.start, b.end);
            }
            case INITIAL_DIGIT, SUFFIX_NO, REVISION_NO ->
                c = DecimalDigits.compare(a.text, a.start, a.end, b.text, b.start, b.end);
            case LETTER -> c = Character.compare(a.text.charAt(a.start), b.text.charAt(b.start));
            case SUFFIX -> c = Integer.compare(a.suffix, b.suffix);
            default -> c = DecimalDigits.compareText(a.text, a.start, a.end, b.text, b.start, b.end);
        }
        return Integer.signum(c);
    }

    /** A cursor over one version: the current token's kind and its text {@code [start, end)}. */
    private static final class Tokens {
        final String text;
        int kind = INITIAL_DIGIT;
        int start;
        int end;
        int suffix;

        Tokens(String text) {
            this.text = text;
            digits(0);
        }

        private void digits(int from) {
            start = from;
            end = from;
            while (end < text.length() && isDigit(text.charAt(end))) {
                end++;
            }
            if (end == start) {
                kind = INVALID;
            }
        }

        void next() {
            int pos = end;
            if (pos >= text.length()) {
                kind = END;
                start = pos;
                return;
            }
            char c = text.charAt(pos);
            if (c >= 'a' && c <= 'z') {
                if (kind > DIGIT) {
                    invalid(pos);
                    return;
                }
                kind = LETTER;
                start = pos;
                end = pos + 1;
            } else if (c == '.' || isDigit(c)) {
                if (c == '.') {
                    if (kind > DIGIT) {
                        invalid(pos);
                        return;
                    }
                    pos++;
                }
                if (kind == INITIAL_DIGIT || kind == DIGIT) {
                    kind = DIGIT;
                } else if (kind == SUFFIX) {
                    kind = SUFFIX_NO;
                } else {
                    invalid(pos);
                    return;
                }
                digits(pos);
            } else if (c == '_') {
                if (kind > SUFFIX_NO) {
                    invalid(pos);
                    return;
                }
                start = pos + 1;
                end = start;
                while (end < text.length() && text.charAt(end) >= 'a' && text.charAt(end) <= 'z') {
                    end++;
                }
                suffix = suffixRank(text, start, end);
                if (suffix < 0) {
                    invalid(pos);
                    return;
                }
                kind = SUFFIX;
            } else if (c == '~') {
                if (kind >= COMMIT_HASH) {
                    invalid(pos);
                    return;
                }
                start = pos + 1;
                end = start;
                while (end < text.length() && isHexDigit(text.charAt(end))) {
                    end++;
                }
                if (end == start) {
                    invalid(pos);
                    return;
                }
                kind = COMMIT_HASH;
            } else if (c == '-') {
                if (kind >= REVISION_NO || !text.startsWith("-r", pos)) {
                    invalid(pos);
                    return;
                }
                kind = REVISION_NO;
                digits(pos + 2);
            } else {
                invalid(pos);
            }
        }

        private void invalid(int pos) {
            kind = INVALID;
            start = pos;
            end = pos;
        }

        private static boolean isHexDigit(char c) {
            return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }

        private static int suffixRank(String text, int start, int end) {
            int length = end - start;
            for (int rank = 0; rank < SUFFIXES.length; rank++) {
                String s = SUFFIXES[rank];
                if (!s.isEmpty() && s.length() == length && text.startsWith(s, start)) {
                    return rank;
                }
            }
            return -1;
        }
    }
}
