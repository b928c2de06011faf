package io.gatehouse.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A signed statement that record {@code sequence} had hash {@code hash}: whoever rewrites the chain up to it
 * (even recomputing every hash) cannot sign the new head without the server's key.
 *
 * @param retentionCutoff set on the checkpoint retention leaves where it deleted the records before it (all
 *     older than this instant): only such a checkpoint may start the log, so deleting the first records up to
 *     an ordinary checkpoint is still noticed
 * @param keyId which audit signing key signed it
 * @param signature base64 Ed25519 signature over {@link #signedText()}
 */
public record AuditCheckpoint(
        long sequence, String hash, Instant at, Optional<Instant> retentionCutoff, String keyId, String signature) {
    public AuditCheckpoint {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
        AuditRecord.requireHash(hash, "hash");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(retentionCutoff, "retentionCutoff");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
    }

    /** The exact text that is signed. */
    public String signedText() {
        return signedText(sequence, hash, at, retentionCutoff);
    }

    public static String signedText(long sequence, String hash, Instant at, Optional<Instant> retentionCutoff) {
        return "gatehouse-audit-checkpoint\n" + sequence + "\n" + hash + "\n" + at
                + retentionCutoff.map(c -> "\nretention-cutoff " + c).orElse("");
    }
}
