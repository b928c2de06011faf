package io.gatehouse.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.Request;

/** Request ids: taken from a sane incoming X-Request-Id or generated, stored on the request. */
public final class RequestIds {
    public static final String ATTRIBUTE = "gatehouse.requestId";
    public static final String HEADER = "X-Request-Id";

    private RequestIds() {}

    public static String assign(Request request) {
        String incoming = request.getHeaders().get(HEADER);
        String id = incoming != null && incoming.matches("[A-Za-z0-9._-]{8,64}") ? incoming : generate();
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    /**
     * A UUID version 7 (RFC 9562): milliseconds since the epoch, then random bits. Ids made later sort later, so
     * the audit log's request-id index grows at its end instead of rewriting random pages of the B-tree on every
     * commit; and no SecureRandom on each request (a request id is a label for correlation, not a secret).
     */
    static String generate() {
        var random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    public static String current(Request request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id != null ? id.toString() : assign(request);
    }
}
