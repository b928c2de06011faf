package io.gatehouse.scan.version;

/**
 * dpkg's version order ({@code [epoch:]upstream[-revision]}), as {@code dpkg --compare-versions} implements it: in
 * each of upstream and revision, non-digit runs compare with {@code ~} lowest, then the end of the string, then
 * letters, then other characters; digit runs compare by value. Anything dpkg would only warn about (upstream not
 * starting with a digit, characters outside {@code [A-Za-z0-9.+~-:]}) is unparsable here, so odd input never gets a
 * silent order.
 */
public final class DebianVersionScheme extends ParsedVersionScheme<DebianVersionScheme.Parts> {

    record Parts(long epoch, String upstream, String revision) {}

    public DebianVersionScheme() {
        super("dpkg");
    }

    @Override
    Parts parse(String v) {
        long epoch = 0;
        int colon = v.indexOf(':');
        int start = 0;
        if (colon >= 0) {
            if (colon == 0) {
                throw unparsable(v, "the epoch is empty");
            }
            for (int i = 0; i < colon; i++) {
                if (!isDigit(v.charAt(i))) {
                    throw unparsable(v, "the epoch is not a number");
                }
                epoch = epoch * 10 + (v.charAt(i) - '0');
                if (epoch > Integer.MAX_VALUE) {
                    throw unparsable(v, "the epoch is too big");
                }
            }
            start = colon + 1;
        }
        int dash = v.lastIndexOf('-');
        String upstream;
        String revision;
        if (dash >= start) {
            upstream = v.substring(start, dash);
            revision = v.substring(dash + 1);
            if (revision.isEmpty()) {
                throw unparsable(v, "the revision is empty");
            }
        } else {
            upstream = v.substring(start);
            revision = "";
        }
        if (upstream.isEmpty()) {
            throw unparsable(v, "the upstream version is empty");
        }
        if (!isDigit(upstream.charAt(0))) {
            throw unparsable(v, "the upstream version does not start with a digit");
        }
        for (int i = 0; i < upstream.length(); i++) {
            char c = upstream.charAt(i);
            if (!isAsciiAlphanumeric(c) && ".-+~:".indexOf(c) < 0) {
                throw unparsable(v, "the upstream version contains '" + c + "'");
            }
        }
        for (int i = 0; i < revision.length(); i++) {
            char c = revision.charAt(i);
            if (!isAsciiAlphanumeric(c) && ".+~".indexOf(c) < 0) {
                throw unparsable(v, "the revision contains '" + c + "'");
            }
        }
        return new Parts(epoch, upstream, revision);
    }

    @Override
    int order(Parts a, Parts b) {
        int c = Long.compare(a.epoch(), b.epoch());
        if (c == 0) {
            c = compareFragment(a.upstream(), b.upstream());
        }
        if (c == 0) {
            c = compareFragment(a.revision(), b.revision());
        }
        return Integer.signum(c);
    }

    /** dpkg's verrevcmp: alternating non-digit and digit runs. */
    static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        int n = a.length();
        int m = b.length();
        while (i < n || j < m) {
            while ((i < n && !isDigit(a.charAt(i))) || (j < m && !isDigit(b.charAt(j)))) {
                int ac = weight(i < n ? a.charAt(i) : 0);
                int bc = weight(j < m ? b.charAt(j) : 0);
                if (ac != bc) {
                    return Integer.compare(ac, bc);
                }
                i++;
                j++;
            }
            int ai = i;
            int bj = j;
            while (i < n && isDigit(a.charAt(i))) {
                i++;
            }
            while (j < m && isDigit(b.charAt(j))) {
                j++;
            }
            int c = DecimalDigits.compare(a, ai, i, b, bj, j);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** dpkg's order(): '~' before the end of the string, before letters, before everything else. */
    private static int weight(int c) {
        if (c == 0 || isDigit((char) c)) {
            return 0;
        }
        if (isAsciiLetter((char) c)) {
            return c;
        }
        return c == '~' ? -1 : c + 256;
    }
}
