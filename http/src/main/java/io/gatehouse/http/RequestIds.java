package io.gatehouse.http;

import java.util.UUID;
import org.eclipse.jetty.server.Request;

/** Request ids: taken from a sane incoming X-Request-Id or generated, stored on the request. */
public final class RequestIds {
    public static final String ATTRIBUTE = "gatehouse.requestId";
    public static final String HEADER = "X-Request-Id";

    private RequestIds() {}

    public static String assign(Request request) {
        String incoming = request.getHeaders().get(HEADER);
        String id = incoming != null && incoming.matches("[A-Za-z0-9._-]{8,64}")
                ? incoming
                : UUID.randomUUID().toString();
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    public static String current(Request request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id != null ? id.toString() : assign(request);
    }
}
