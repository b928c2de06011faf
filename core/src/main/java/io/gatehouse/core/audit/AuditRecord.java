package io.gatehouse.core.audit;

import java.util.Objects;

/**
 * An entry as stored: its place in the one chain ({@code sequence}, 1 for the first record ever), the hash of
 * the record before it and its own hash (SHA-256 hex over its canonical form and {@code previousHash}).
 */
public record AuditRecord(long sequence, AuditEntry entry, String previousHash, String hash) {
    /** The previous hash of the first record ever. */
    public static final String GENESIS = "0".repeat(64);

    public AuditRecord {
        Objects.requireNonNull(entry, "entry");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        requireHash(previousHash, "previousHash");
        requireHash(hash, "hash");
    }

    /** A plain loop, not a regular expression: the writer builds two of these checks per record it chains. */
    static void requireHash(String value, String field) {
        if (value == null || value.length() != 64) {
            throw new IllegalArgumentException(field + " must be 64 lower-case hex digits");
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                throw new IllegalArgumentException(field + " must be 64 lower-case hex digits");
            }
        }
    }
}
