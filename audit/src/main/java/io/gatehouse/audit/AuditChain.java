package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * The hash chain: a record's hash is SHA-256 over its canonical form, which ends with the previous record's
 * hash. The canonical form writes every field in a fixed order, each as its UTF-8 byte length, a colon and the
 * value ({@code -} for null), so no two different records share one. The sequence number is not hashed: order
 * is what the previous-hash links say, and a record moved to another place breaks the links around it.
 */
public final class AuditChain {
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(AuditChain::newSha256);

    private AuditChain() {}

    public static String hash(String previousHash, AuditEntry e) {
        Canonical out = CANONICAL.get();
        out.size = 0;
        out.instant(e.at());
        out.repeated(0, e.kind());
        out.repeated(1, e.principal());
        out.repeated(2, e.principalType());
        out.repeated(3, e.authMethod());
        out.repeated(4, e.sourceAddress());
        out.repeated(5, e.userAgent());
        out.repeated(6, e.action());
        out.repeated(7, e.project());
        out.repeated(8, e.repository());
        out.repeated(9, e.reference());
        out.repeated(10, e.result());
        out.repeated(11, e.reason());
        out.field(e.requestId());
        out.field(Integer.toString(e.details().size()));
        for (Map.Entry<String, String> d : e.details().entrySet()) {
            out.field(d.getKey());
            out.field(d.getValue());
        }
        out.field(previousHash);
        MessageDigest sha256 = SHA256.get();
        sha256.reset();
        sha256.update(out.bytes, 0, out.size);
        return HEX.formatHex(sha256.digest());
    }

    /** The record that follows {@code previous} (null for the first ever). */
    public static AuditRecord next(long sequence, String previousHash, AuditEntry entry) {
        return new AuditRecord(sequence, entry, previousHash, hash(previousHash, entry));
    }

    public static boolean intact(AuditRecord r) {
        return hash(r.previousHash(), r.entry()).equals(r.hash());
    }

    private static final ThreadLocal<Canonical> CANONICAL = ThreadLocal.withInitial(Canonical::new);
    /** 9999-12-31T23:59:59Z: up to there {@link Instant#toString} is a plain four-digit-year form. */
    private static final long LAST_PLAIN_SECOND = 253_402_300_799L;

    /**
     * {@link Instant#toString} (ISO_INSTANT: fraction in groups of three digits, none when zero), written without
     * the formatter for the years 1970 to 9999; the writer hashes every record on its hot path.
     */
    static String instant(Instant at) {
        byte[] b = new byte[INSTANT_MAX];
        int n = instant(at, b, 0);
        return n < 0 ? at.toString() : new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    private static final int INSTANT_MAX = 30;

    /** Writes {@code at} as {@link #instant(Instant)} does at {@code b[from]}; its length, or -1 outside 1970–9999. */
    private static int instant(Instant at, byte[] b, int from) {
        long seconds = at.getEpochSecond();
        if (seconds < 0 || seconds > LAST_PLAIN_SECOND) {
            return -1;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int nano = at.getNano();
        int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        int length = 20 + (digits == 0 ? 0 : digits + 1);
        digits(b, from, t.getYear(), 4);
        b[from + 4] = '-';
        digits(b, from + 5, t.getMonthValue(), 2);
        b[from + 7] = '-';
        digits(b, from + 8, t.getDayOfMonth(), 2);
        b[from + 10] = 'T';
        digits(b, from + 11, t.getHour(), 2);
        b[from + 13] = ':';
        digits(b, from + 14, t.getMinute(), 2);
        b[from + 16] = ':';
        digits(b, from + 17, t.getSecond(), 2);
        if (digits > 0) {
            b[from + 19] = '.';
            int fraction = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
            digits(b, from + 20, fraction, digits);
        }
        b[from + length - 1] = 'Z';
        return length;
    }

    private static void digits(byte[] b, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * The canonical form of one record, built in a reused buffer and digested in one update. Fields that repeat
     * from record to record (the same string instance, as the journal decodes a run of pulls) are copied from
     * their encoding for the previous record instead of being encoded again.
     */
    private static final class Canonical {
        byte[] bytes = new byte[1024];
        int size;
        private final String[] last = new String[12];
        private final byte[][] encoded = new byte[12][];

        void instant(Instant at) {
            ensure(INSTANT_MAX + 4);
            int prefix = size;
            size += 3; // "NN:", the length has two digits
            int n = AuditChain.instant(at, bytes, size);
            if (n < 0) {
                size = prefix;
                field(at.toString());
                return;
            }
            digits(bytes, prefix, n, 2);
            bytes[prefix + 2] = ':';
            size += n;
            bytes[size++] = '\n';
        }

        void repeated(int slot, String value) {
            if (value != null && value == last[slot]) {
                byte[] e = encoded[slot];
                ensure(e.length);
                System.arraycopy(e, 0, bytes, size, e.length);
                size += e.length;
                return;
            }
            int start = size;
            field(value);
            if (value != null) {
                last[slot] = value;
                encoded[slot] = Arrays.copyOfRange(bytes, start, size);
            }
        }

        void field(String value) {
            if (value == null) {
                ensure(2);
                bytes[size++] = '-';
                bytes[size++] = '\n';
                return;
            }
            int n = value.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = value.charAt(i) < 0x80;
            }
            byte[] utf8 = ascii ? null : value.getBytes(StandardCharsets.UTF_8);
            int length = ascii ? n : utf8.length;
            ensure(length + 12);
            size += decimal(length, bytes, size);
            bytes[size++] = ':';
            if (ascii) {
                for (int i = 0; i < n; i++) {
                    bytes[size++] = (byte) value.charAt(i);
                }
            } else {
                System.arraycopy(utf8, 0, bytes, size, length);
                size += length;
            }
            bytes[size++] = '\n';
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        /** Writes {@code value} in decimal at {@code at}; returns the digits written. */
        private static int decimal(int value, byte[] out, int at) {
            int count = value < 10
                    ? 1
                    : value < 100
                            ? 2
                            : value < 1000 ? 3 : Integer.toString(value).length();
            digits(out, at, value, count);
            return count;
        }
    }

    static byte[] sha256(byte[] bytes) {
        return newSha256().digest(bytes);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
