package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The Ed25519 key that signs audit checkpoints. It lives in a file outside the database (by default
 * {@code <dataDir>/audit-signing.key}, owner-only), generated on first start: whoever can write the
 * database but not this file cannot forge a checkpoint after rewriting the chain. (Keeping it in the database
 * would protect only against edits made without database access to the key table, which is almost nobody.)
 * Nodes of one cluster share the file (mount the same secret), so each can verify the others' checkpoints.
 */
public final class AuditSigningKey {
    private final String keyId;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private AuditSigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = HexFormat.of()
                .formatHex(AuditChain.sha256(publicKey.getEncoded()))
                .substring(0, 16);
    }

    /** Reads the key file, creating it (and its directory) with a fresh key if it does not exist. */
    public static AuditSigningKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
                if (lines.size() < 2) {
                    throw new IllegalStateException("audit signing key file " + file + " is malformed");
                }
                KeyFactory factory = KeyFactory.getInstance("Ed25519");
                return new AuditSigningKey(
                        factory.generatePrivate(new PKCS8EncodedKeySpec(
                                Base64.getDecoder().decode(lines.get(0).trim()))),
                        factory.generatePublic(new X509EncodedKeySpec(
                                Base64.getDecoder().decode(lines.get(1).trim()))));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            String text = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n"
                    + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n";
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            try {
                Files.createFile(
                        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temp);
            }
            Files.writeString(temp, text, StandardCharsets.US_ASCII, StandardOpenOption.SYNC);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new AuditSigningKey(pair.getPrivate(), pair.getPublic());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit signing key " + file, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("audit signing key file " + file + " is malformed", e);
        }
    }

    public String keyId() {
        return keyId;
    }

    public AuditCheckpoint sign(long sequence, String hash, Instant at) {
        return sign(sequence, hash, at, Optional.empty());
    }

    public AuditCheckpoint sign(long sequence, String hash, Instant at, Optional<Instant> retentionCutoff) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            // Microseconds, as the databases keep them, so the stored checkpoint reads back exactly as signed.
            at = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            retentionCutoff = retentionCutoff.map(c -> c.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
            s.update(AuditCheckpoint.signedText(sequence, hash, at, retentionCutoff)
                    .getBytes(StandardCharsets.UTF_8));
            return new AuditCheckpoint(
                    sequence,
                    hash,
                    at,
                    retentionCutoff,
                    keyId,
                    Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint", e);
        }
    }

    /** Whether this key signed the checkpoint exactly as it reads now. */
    public boolean signed(AuditCheckpoint checkpoint) {
        if (!checkpoint.keyId().equals(keyId)) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey);
            s.update(checkpoint.signedText().getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(checkpoint.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
