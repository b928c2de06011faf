package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The hash chain: a record's hash is SHA-256 over its canonical form, which ends with the previous record's
 * hash. The canonical form writes every field in a fixed order, each as its UTF-8 byte length, a colon and the
 * value ({@code -} for null), so no two different records share one. The sequence number is not hashed: order
 * is what the previous-hash links say, and a record moved to another place breaks the links around it.
 */
public final class AuditChain {
    private static final byte[] NULL_FIELD = "-\n".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(AuditChain::newSha256);

    private AuditChain() {}

    public static String hash(String previousHash, AuditEntry e) {
        MessageDigest out = SHA256.get();
        out.reset();
        field(out, e.at().toString());
        field(out, e.kind());
        field(out, e.principal());
        field(out, e.principalType());
        field(out, e.authMethod());
        field(out, e.sourceAddress());
        field(out, e.userAgent());
        field(out, e.action());
        field(out, e.project());
        field(out, e.repository());
        field(out, e.reference());
        field(out, e.result());
        field(out, e.reason());
        field(out, e.requestId());
        field(out, Integer.toString(e.details().size()));
        for (Map.Entry<String, String> d : e.details().entrySet()) {
            field(out, d.getKey());
            field(out, d.getValue());
        }
        field(out, previousHash);
        return HEX.formatHex(out.digest());
    }

    /** The record that follows {@code previous} (null for the first ever). */
    public static AuditRecord next(long sequence, String previousHash, AuditEntry entry) {
        return new AuditRecord(sequence, entry, previousHash, hash(previousHash, entry));
    }

    public static boolean intact(AuditRecord r) {
        return hash(r.previousHash(), r.entry()).equals(r.hash());
    }

    /** Feeds the digest directly (no intermediate string): the writer hashes every record on its hot path. */
    private static void field(MessageDigest out, String value) {
        if (value == null) {
            out.update(NULL_FIELD);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.update((byte) ':');
        out.update(bytes);
        out.update((byte) '\n');
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
