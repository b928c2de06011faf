package io.gatehouse.audit.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on every delivery: {@code X-Gatehouse-Signature: sha256=<hex>}, the HMAC-SHA256 with the
 * webhook's secret (its UTF-8 bytes) over {@code <timestamp>.<body>}, where the timestamp is the
 * {@code X-Gatehouse-Timestamp} header (Unix seconds). Covering the timestamp lets a receiver refuse a
 * replayed delivery by its age.
 */
public final class WebhookSignature {
    public static final String SIGNATURE_HEADER = "X-Gatehouse-Signature";
    public static final String TIMESTAMP_HEADER = "X-Gatehouse-Timestamp";

    private WebhookSignature() {}

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** What a receiver does: recompute and compare in constant time. */
    public static boolean verify(String secret, long timestamp, byte[] body, String header) {
        return header != null
                && MessageDigest.isEqual(
                        sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
                        header.getBytes(StandardCharsets.US_ASCII));
    }
}
