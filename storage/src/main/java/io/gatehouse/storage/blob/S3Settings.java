package io.gatehouse.storage.blob;

import java.net.URI;

/**
 * Where an {@link S3BlobStore} keeps its objects. {@code endpoint} is null for AWS itself; {@code prefix} is
 * prepended to every key ("" or for example {@code "gatehouse/"}). Without an access key the AWS default
 * credential chain applies (environment, profile, instance role). {@code pathStyle} addresses the bucket in
 * the path, as most S3-compatible servers need.
 */
public record S3Settings(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        String accessKey,
        String secretKey,
        boolean pathStyle) {

    public S3Settings {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("S3 region is required");
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket is required");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("S3 access key and secret key go together");
        }
        prefix = prefix == null ? "" : prefix;
    }

    /** Never shows the secret key. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                + ", accessKey=" + accessKey + ", secretKey=" + (secretKey == null ? "null" : "****")
                + ", pathStyle=" + pathStyle + "]";
    }
}
