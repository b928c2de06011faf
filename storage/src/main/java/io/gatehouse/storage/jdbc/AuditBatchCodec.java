package io.gatehouse.storage.jdbc;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes of one batch row of {@code audit_records}: consecutive records, each complete with its own previous
 * hash and hash, so the verifier checks every one as if it had its own row. Record {@code i} has sequence
 * {@code first + i}: a record inserted into or deleted from the bytes renumbers the ones after it, as renumbering
 * rows would.
 *
 * <p>Format 1: a version byte, then per record the previous hash and the hash (32 bytes each), the time as a
 * zig-zag varint of microseconds since the previous record's (the first: since the epoch), the 13 text fields of
 * {@link AuditEntry} in declaration order and the details (count, then keys and values). A text field is a
 * varint tag: 0 null, 1 the same as the previous record's field, n + 2 for n UTF-8 bytes that follow. Pulls in one
 * batch mostly repeat principal, address, user agent and repository, so a record takes about 80 bytes.
 */
final class AuditBatchCodec {
    static final byte VERSION = 1;
    private static final int FIELDS = 13;
    private static final HexFormat HEX = HexFormat.of();

    private AuditBatchCodec() {}

    static byte[] encode(List<AuditRecord> records) {
        var out = new Out(records.size() * 96 + 16);
        out.b(VERSION);
        String[] previous = new String[FIELDS];
        String[] fields = new String[FIELDS];
        long previousMicros = 0;
        for (AuditRecord r : records) {
            out.hash(r.previousHash());
            out.hash(r.hash());
            AuditEntry e = r.entry();
            long micros = micros(e.at());
            out.varlong(zigzag(micros - previousMicros));
            previousMicros = micros;
            fields(e, fields);
            for (int i = 0; i < FIELDS; i++) {
                String s = fields[i];
                if (s == null) {
                    out.varlong(0);
                } else if (s.equals(previous[i])) {
                    out.varlong(1);
                } else {
                    out.text(s);
                }
                previous[i] = s;
            }
            out.varlong(e.details().size());
            for (Map.Entry<String, String> d : e.details().entrySet()) {
                out.text(d.getKey());
                out.text(d.getValue());
            }
        }
        return out.bytes();
    }

    /**
     * The records in {@code bytes}, numbered from {@code first}. Bytes that do not decode (edited by hand) end the
     * list with one record that cannot verify, so the verifier names the first sequence that was unreadable.
     */
    static List<AuditRecord> decode(long first, Instant rowAt, byte[] bytes) {
        List<AuditRecord> records = new ArrayList<>();
        var in = new In(bytes);
        try {
            if (in.b() != VERSION) {
                throw new IllegalArgumentException("unknown audit batch format");
            }
            String[] fields = new String[FIELDS];
            long micros = 0;
            while (in.more()) {
                String previousHash = in.hash();
                String hash = in.hash();
                micros += unzigzag(in.varlong());
                for (int i = 0; i < FIELDS; i++) {
                    long tag = in.varlong();
                    if (tag == 0) {
                        fields[i] = null;
                    } else if (tag != 1 || records.isEmpty()) {
                        fields[i] = in.text(tag);
                    }
                }
                int details = (int) in.varlong();
                if (details < 0 || details > bytes.length) {
                    throw new IllegalArgumentException("bad details count");
                }
                Map<String, String> map = new LinkedHashMap<>();
                for (int i = 0; i < details; i++) {
                    map.put(in.text(in.varlong()), in.text(in.varlong()));
                }
                var entry = new AuditEntry(
                        Instant.EPOCH.plus(micros, ChronoUnit.MICROS),
                        fields[0],
                        fields[1],
                        fields[2],
                        fields[3],
                        fields[4],
                        fields[5],
                        fields[6],
                        fields[7],
                        fields[8],
                        fields[9],
                        fields[10],
                        fields[11],
                        fields[12],
                        map);
                records.add(new AuditRecord(first + records.size(), entry, previousHash, hash));
            }
        } catch (RuntimeException e) {
            records.add(unreadable(first + records.size(), rowAt));
        }
        if (records.isEmpty()) {
            records.add(unreadable(first, rowAt)); // a row always holds at least one record
        }
        return records;
    }

    /** A stand-in that fails its hash check: what the verifier reports for bytes someone garbled. */
    private static AuditRecord unreadable(long sequence, Instant at) {
        var entry = new AuditEntry(
                at,
                "unreadable",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "the stored batch does not decode from here on",
                null,
                Map.of());
        return new AuditRecord(sequence, entry, AuditRecord.GENESIS, AuditRecord.GENESIS);
    }

    /** The 13 text fields in declaration order. */
    private static void fields(AuditEntry e, String[] out) {
        out[0] = e.kind();
        out[1] = e.principal();
        out[2] = e.principalType();
        out[3] = e.authMethod();
        out[4] = e.sourceAddress();
        out[5] = e.userAgent();
        out[6] = e.action();
        out[7] = e.project();
        out[8] = e.repository();
        out[9] = e.reference();
        out[10] = e.result();
        out[11] = e.reason();
        out[12] = e.requestId();
    }

    /** {@code ChronoUnit.MICROS.between(EPOCH, at)}, without its general path for times after 1970. */
    private static long micros(Instant at) {
        long seconds = at.getEpochSecond();
        return seconds < 0
                ? ChronoUnit.MICROS.between(Instant.EPOCH, at)
                : Math.addExact(Math.multiplyExact(seconds, 1_000_000L), at.getNano() / 1000);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /**
     * The value of each lower-case hex digit, by character ({@link AuditRecord} admits no other characters in a
     * hash); a table, not {@link Character#digit}, because the writer converts two hashes per record it chains.
     */
    private static final byte[] HEX_DIGIT = new byte[128];

    static {
        for (int i = 0; i < 16; i++) {
            HEX_DIGIT["0123456789abcdef".charAt(i)] = (byte) i;
        }
    }

    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void b(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void varlong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void hash(String hex) {
            ensure(32);
            for (int i = 0; i < 64; i += 2) {
                buf[size++] = (byte) (HEX_DIGIT[hex.charAt(i) & 0x7F] << 4 | HEX_DIGIT[hex.charAt(i + 1) & 0x7F]);
            }
        }

        void text(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            varlong(bytes.length + 2L);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }
    }

    private static final class In {
        private final byte[] buf;
        private int at;

        In(byte[] buf) {
            this.buf = buf;
        }

        boolean more() {
            return at < buf.length;
        }

        int b() {
            return buf[at++];
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[at++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        String hash() {
            if (at + 32 > buf.length) {
                throw new IllegalArgumentException("truncated hash");
            }
            String hex = HEX.formatHex(buf, at, at + 32);
            at += 32;
            return hex;
        }

        String text(long tag) {
            long length = tag - 2;
            if (length < 0 || length > buf.length - at) {
                throw new IllegalArgumentException("bad text length");
            }
            String s = new String(buf, at, (int) length, StandardCharsets.UTF_8);
            at += (int) length;
            return s;
        }
    }
}
