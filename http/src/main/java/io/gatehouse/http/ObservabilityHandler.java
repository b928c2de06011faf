package io.gatehouse.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Wraps every request: assigns the request id (response header and logging MDC, so each log line carries
 * it) and records a timer by route, method and status once the response completes.
 */
public final class ObservabilityHandler extends Handler.Wrapper {
    private final MeterRegistry registry;

    public ObservabilityHandler(Handler next, MeterRegistry registry) {
        super(next);
        this.registry = registry;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String requestId = RequestIds.assign(request);
        response.getHeaders().put(RequestIds.HEADER, requestId);
        long start = System.nanoTime();
        Callback recording = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                record(request, response, start);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                record(request, response, start);
                super.failed(failure);
            }
        };
        MDC.put("request_id", requestId);
        try {
            boolean handled = super.handle(request, response, recording);
            if (!handled) {
                request.setAttribute(Dispatcher.ROUTE_ATTRIBUTE, "unmatched");
            }
            return handled;
        } finally {
            MDC.remove("request_id");
        }
    }

    private void record(Request request, Response response, long start) {
        Object route = request.getAttribute(Dispatcher.ROUTE_ATTRIBUTE);
        Timer.builder("gatehouse.http.requests")
                .tag("route", route == null ? "unmatched" : route.toString())
                .tag("method", request.getMethod())
                .tag("status", Integer.toString(response.getStatus()))
                .register(registry)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
