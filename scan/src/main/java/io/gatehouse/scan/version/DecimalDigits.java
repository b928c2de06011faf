package io.gatehouse.scan.version;

/**
 * Compares runs of decimal digits by value without converting them, so a 40-digit component neither overflows nor
 * allocates: leading zeros are skipped, then the longer run is larger, then the first differing digit decides.
 */
final class DecimalDigits {
    private DecimalDigits() {}

    /** Compares {@code a[aStart, aEnd)} and {@code b[bStart, bEnd)}, both made only of ASCII digits. */
    static int compare(CharSequence a, int aStart, int aEnd, CharSequence b, int bStart, int bEnd) {
        while (aStart < aEnd && a.charAt(aStart) == '0') {
            aStart++;
        }
        while (bStart < bEnd && b.charAt(bStart) == '0') {
            bStart++;
        }
        int lengths = Integer.compare(aEnd - aStart, bEnd - bStart);
        if (lengths != 0) {
            return lengths;
        }
        for (; aStart < aEnd; aStart++, bStart++) {
            int c = Character.compare(a.charAt(aStart), b.charAt(bStart));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    static int compare(String a, String b) {
        return compare(a, 0, a.length(), b, 0, b.length());
    }

    /** Compares {@code a[aStart, aEnd)} and {@code b[bStart, bEnd)} char by char; a proper prefix is smaller. */
    static int compareText(CharSequence a, int aStart, int aEnd, CharSequence b, int bStart, int bEnd) {
        for (; aStart < aEnd && bStart < bEnd; aStart++, bStart++) {
            int c = Character.compare(a.charAt(aStart), b.charAt(bStart));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(aEnd - aStart, bEnd - bStart);
    }
}
