package io.gatehouse.core.access.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A robot as stored: its rights, who made it, and its secret only as an Argon2id hash. */
public record RobotRecord(
        RobotAccount account, String secretHash, String createdBy, Instant createdAt, Optional<Instant> lastUsed) {
    /** The hash of a federated robot, which has no secret: no password verifies against it. */
    public static final String NO_SECRET = "!";

    public RobotRecord {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(secretHash, "secretHash");
        lastUsed = lastUsed == null ? Optional.empty() : lastUsed;
    }

    @Override
    public String toString() {
        return "RobotRecord[" + account.name() + "]";
    }
}
