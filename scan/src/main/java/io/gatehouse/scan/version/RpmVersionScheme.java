package io.gatehouse.scan.version;

/**
 * rpm's order for {@code [epoch:]version[-release]} (rpmverCmp over rpmvercmp, rpm 4.18): epochs and versions
 * compare segment by segment, {@code ~} sorts before everything and {@code ^} after the base version but before
 * any further segment; a release, when only one side has one, makes that side newer. Used by Red Hat, Rocky Linux,
 * AlmaLinux, SUSE, openSUSE and Mageia advisories.
 */
public final class RpmVersionScheme extends ParsedVersionScheme<RpmVersionScheme.Evr> {

    /** {@code release} is null when the version has none. */
    record Evr(String epoch, String version, String release) {}

    public RpmVersionScheme() {
        super("rpm");
    }

    @Override
    Evr parse(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw unparsable(v, "it contains a space, control or non-ASCII character");
            }
        }
        int digits = 0;
        while (digits < v.length() && isDigit(v.charAt(digits))) {
            digits++;
        }
        String epoch = "0";
        int start = 0;
        if (digits < v.length() && v.charAt(digits) == ':') {
            if (digits == 0) {
                throw unparsable(v, "the epoch is empty");
            }
            epoch = v.substring(0, digits);
            start = digits + 1;
        }
        if (v.indexOf(':', start) >= 0) {
            throw unparsable(v, "':' may only end a numeric epoch");
        }
        int dash = v.lastIndexOf('-');
        String version = dash >= start ? v.substring(start, dash) : v.substring(start);
        String release = dash >= start ? v.substring(dash + 1) : null;
        if (!hasAlphanumeric(version)) {
            throw unparsable(v, "the version part has no letter or digit");
        }
        if (release != null && !hasAlphanumeric(release)) {
            throw unparsable(v, "the release part has no letter or digit");
        }
        return new Evr(epoch, version, release);
    }

    private static boolean hasAlphanumeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isAsciiAlphanumeric(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    @Override
    int order(Evr a, Evr b) {
        int c = DecimalDigits.compare(a.epoch(), b.epoch());
        if (c == 0) {
            c = rpmvercmp(a.version(), b.version());
        }
        if (c == 0) {
            if (a.release() != null && b.release() != null) {
                c = rpmvercmp(a.release(), b.release());
            } else {
                c = Boolean.compare(a.release() != null, b.release() != null);
            }
        }
        return Integer.signum(c);
    }

    /** rpm's rpmvercmp on one field. */
    static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int n = a.length();
        int m = b.length();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            while (i < n && isSeparator(a.charAt(i))) {
                i++;
            }
            while (j < m && isSeparator(b.charAt(j))) {
                j++;
            }
            char ca = i < n ? a.charAt(i) : 0;
            char cb = j < m ? b.charAt(j) : 0;
            if (ca == '~' || cb == '~') {
                if (ca != '~') {
                    return 1;
                }
                if (cb != '~') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == '^' || cb == '^') {
                if (i >= n) {
                    return -1;
                }
                if (j >= m) {
                    return 1;
                }
                if (ca != '^') {
                    return 1;
                }
                if (cb != '^') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (i >= n || j >= m) {
                break;
            }
            int si = i;
            int sj = j;
            boolean numeric = isDigit(ca);
            if (numeric) {
                while (i < n && isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < m && isDigit(b.charAt(j))) {
                    j++;
                }
            } else {
                while (i < n && isAsciiLetter(a.charAt(i))) {
                    i++;
                }
                while (j < m && isAsciiLetter(b.charAt(j))) {
                    j++;
                }
            }
            if (sj == j) {
                return numeric ? 1 : -1; // a number is newer than a word
            }
            int c = numeric ? DecimalDigits.compare(a, si, i, b, sj, j) : DecimalDigits.compareText(a, si, i, b, sj, j);
            if (c != 0) {
                return c < 0 ? -1 : 1;
            }
        }
        if (i >= n && j >= m) {
            return 0;
        }
        return i >= n ? -1 : 1;
    }

    private static boolean isSeparator(char c) {
        return !isAsciiAlphanumeric(c) && c != '~' && c != '^';
    }
}
