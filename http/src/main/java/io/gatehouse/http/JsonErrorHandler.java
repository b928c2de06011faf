package io.gatehouse.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before any route runs (malformed URIs, oversized headers) get a small JSON body in
 * the OCI error shape instead of an HTML page or a stack trace.
 */
public final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String code = status == 401
                ? "UNAUTHORIZED"
                : status == 404 ? "NOT_FOUND" : status >= 500 ? "INTERNAL_ERROR" : "UNSUPPORTED";
        String body = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"request refused by the HTTP layer (status "
                + status + ")\",\"detail\":{\"requestId\":\"" + RequestIds.current(request) + "\"}}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }
}
