package io.gatehouse.oci.http;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Denied;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.QuotaExceeded;
import io.gatehouse.core.error.RegistryException;
import io.gatehouse.core.error.TooManyRequests;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.error.Unsupported;
import io.gatehouse.http.ErrorRenderer;
import io.gatehouse.http.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders domain errors as the spec's body {@code {"errors":[{"code","message","detail"}]}} with the right
 * status. The switch is exhaustive over the sealed hierarchy, so a new error kind cannot go unmapped.
 */
public final class OciErrorRenderer implements ErrorRenderer {
    private static final Logger log = LoggerFactory.getLogger(OciErrorRenderer.class);

    /** A code, and the status to send when it differs from the code's usual one. */
    record Mapped(OciErrorCode code, int status) {
        Mapped(OciErrorCode code) {
            this(code, code.status());
        }
    }

    static Mapped map(RegistryException e) {
        return switch (e) {
            case NotFound nf ->
                switch (nf.kind()) {
                    case BLOB -> new Mapped(OciErrorCode.BLOB_UNKNOWN);
                    case MANIFEST, SCAN_REPORT -> new Mapped(OciErrorCode.MANIFEST_UNKNOWN);
                    case REPOSITORY -> new Mapped(OciErrorCode.NAME_UNKNOWN);
                    case UPLOAD -> new Mapped(OciErrorCode.BLOB_UPLOAD_UNKNOWN);
                    case ROUTE -> new Mapped(OciErrorCode.UNSUPPORTED, 404);
                    case PROJECT, WEBHOOK -> new Mapped(OciErrorCode.NAME_UNKNOWN);
                };
            case Invalid inv ->
                switch (inv.kind()) {
                    case DIGEST -> new Mapped(OciErrorCode.DIGEST_INVALID);
                    case NAME -> new Mapped(OciErrorCode.NAME_INVALID);
                    case TAG, MANIFEST -> new Mapped(OciErrorCode.MANIFEST_INVALID);
                    case MANIFEST_REFERENCE -> new Mapped(OciErrorCode.MANIFEST_BLOB_UNKNOWN);
                    case MANIFEST_TOO_LARGE -> new Mapped(OciErrorCode.MANIFEST_INVALID, 413);
                    case SIZE -> new Mapped(OciErrorCode.SIZE_INVALID);
                    case UPLOAD -> new Mapped(OciErrorCode.BLOB_UPLOAD_INVALID);
                    case UPLOAD_RANGE -> new Mapped(OciErrorCode.BLOB_UPLOAD_INVALID, 416);
                    case READ_RANGE -> new Mapped(OciErrorCode.SIZE_INVALID, 416);
                    case PAGINATION -> new Mapped(OciErrorCode.PAGINATION_NUMBER_INVALID);
                    case PARAMETER -> new Mapped(OciErrorCode.UNSUPPORTED, 400);
                };
            case Unauthenticated u -> new Mapped(OciErrorCode.UNAUTHORIZED);
            case Denied d -> new Mapped(OciErrorCode.DENIED);
            case Conflict c -> new Mapped(OciErrorCode.BLOB_UPLOAD_INVALID, 409);
            case Unsupported u -> new Mapped(OciErrorCode.UNSUPPORTED);
            case Unavailable u -> new Mapped(OciErrorCode.UNAVAILABLE);
            case QuotaExceeded q -> new Mapped(OciErrorCode.DENIED, 507);
            case TooManyRequests t -> new Mapped(OciErrorCode.TOOMANYREQUESTS);
        };
    }

    @Override
    public void render(Exchange ex, RegistryException e) throws Exception {
        Mapped mapped = map(e);
        Object detail = e.detail();
        String message = e.getMessage();
        if (mapped.status() >= 500) {
            log.error("storage or database failure: {}", e.getMessage(), e.getCause());
            detail = Map.of("requestId", ex.context().requestId());
            message = message + " (request id " + ex.context().requestId() + ")";
        }
        send(ex, mapped.status(), mapped.code().name(), message, detail);
    }

    @Override
    public void renderInternal(Exchange ex) throws Exception {
        String id = ex.context().requestId();
        send(
                ex,
                500,
                OciErrorCode.INTERNAL_ERROR.name(),
                "internal error (request id " + id + ")",
                Map.of("requestId", id));
    }

    private static void send(Exchange ex, int status, String code, String message, Object detail) throws Exception {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (detail != null) {
            error.put("detail", detail);
        }
        ex.sendJson(status, Map.of("errors", List.of(error)));
    }
}
