package io.gatehouse.core.audit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An entry as stored: its place in the one chain ({@code sequence}, 1 for the first record ever), the hash of
 * the record before it and its own hash (SHA-256 hex over its canonical form and {@code previousHash}).
 */
public record AuditRecord(long sequence, AuditEntry entry, String previousHash, String hash) {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

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

    static void requireHash(String value, String field) {
        if (value == null || !SHA256_HEX.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 64 lower-case hex digits");
        }
    }
}
