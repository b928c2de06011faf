package io.gatehouse.audit.webhook;

import java.util.List;
import java.util.Set;

/**
 * The event types a webhook can subscribe to, by their short name; on the wire each is prefixed with
 * {@link #PREFIX} (the CloudEvents {@code type}). Later issues emit the declared-but-not-yet-emitted ones
 * (quota, scanning, policy) without changing what webhooks accept.
 */
public final class EventTypes {
    public static final String PREFIX = "io.gatehouse.";

    public static final String ARTIFACT_PUSHED = "artifact.pushed";
    /** Every allowed pull; only for webhooks that ask for it (a busy registry pulls a lot). */
    public static final String ARTIFACT_PULLED = "artifact.pulled";

    public static final String ARTIFACT_DELETED = "artifact.deleted";
    public static final String TAG_MOVED = "tag.moved";
    public static final String TAG_DELETED = "tag.deleted";
    public static final String ACCESS_DENIED = "access.denied";
    public static final String BREAKGLASS_USED = "breakglass.used";
    public static final String ANOMALY_DETECTED = "anomaly.detected";
    public static final String QUOTA_WARNING = "quota.warning";
    public static final String SCAN_COMPLETED = "scan.completed";
    public static final String VULNERABILITY_FOUND = "vulnerability.found";
    public static final String POLICY_VIOLATION = "policy.violation";

    /** Sent by the test-delivery command whatever the webhook subscribes to. */
    public static final String WEBHOOK_TEST = "webhook.test";

    /** What a webhook may subscribe to, in documentation order. */
    public static final List<String> SUBSCRIBABLE = List.of(
            ARTIFACT_PUSHED,
            ARTIFACT_PULLED,
            ARTIFACT_DELETED,
            TAG_MOVED,
            TAG_DELETED,
            ACCESS_DENIED,
            BREAKGLASS_USED,
            ANOMALY_DETECTED,
            QUOTA_WARNING,
            SCAN_COMPLETED,
            VULNERABILITY_FOUND,
            POLICY_VIOLATION);

    private static final Set<String> KNOWN = Set.copyOf(SUBSCRIBABLE);

    private EventTypes() {}

    public static boolean isSubscribable(String type) {
        return KNOWN.contains(type);
    }
}
