package io.gatehouse.storage.blob;

import io.gatehouse.core.error.NotFound;
import java.util.regex.Pattern;

/** Upload ids are lower-case UUIDs; anything else cannot name an upload, so no id can reach outside the store. */
final class UploadIds {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private UploadIds() {}

    static String check(String uploadId) {
        if (uploadId == null || !UUID.matcher(uploadId).matches()) {
            throw new NotFound(NotFound.Kind.UPLOAD, "blob upload unknown to registry");
        }
        return uploadId;
    }
}
