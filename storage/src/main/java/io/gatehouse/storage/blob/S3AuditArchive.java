package io.gatehouse.storage.blob;

import io.gatehouse.core.audit.AuditArchive;
import io.gatehouse.core.error.Unavailable;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Exported audit records in an S3 bucket under a prefix ({@code <prefix>audit-….jsonl.gz}). A PutObject appears
 * whole or not at all, which the exporter relies on. Give the bucket versioning or an object lock if the
 * archive itself must resist deletion.
 */
public final class S3AuditArchive implements AuditArchive, AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String endpoint;

    public S3AuditArchive(S3Settings settings) {
        this.s3 = S3Clients.create(settings);
        this.bucket = settings.bucket();
        String p = settings.prefix();
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.endpoint =
                settings.endpoint() == null ? "aws" : settings.endpoint().toString();
    }

    @Override
    public List<String> names() {
        try {
            List<String> names = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
                    .contents()) {
                String name = o.key().substring(prefix.length());
                if (!name.contains("/")) {
                    names.add(name);
                }
            }
            return names;
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    @Override
    public void put(String name, byte[] content) {
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("archive object names have no slash: " + name);
        }
        try {
            s3.putObject(
                    b -> b.bucket(bucket)
                            .key(prefix + name)
                            .contentType(name.endsWith(".gz") ? "application/gzip" : "application/x-ndjson"),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix + " at " + endpoint;
    }

    @Override
    public void close() {
        s3.close();
    }

    private Unavailable failed(SdkException e) {
        return new Unavailable("audit archive " + describe() + " failed: " + e.getMessage(), e);
    }
}
