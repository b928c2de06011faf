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

    /** Requests being handled now; shutdown waits for this to reach zero before closing connections. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** Waits until no request is in flight, or the timeout passes; true if the server went idle. */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
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
        inFlight.incrementAndGet(); // undone by the callback (record), or below when the callback will not run
        try {
            boolean handled = super.handle(request, response, recording);
            if (!handled) {
                inFlight.decrementAndGet(); // our callback will never run
                request.setAttribute(Dispatcher.ROUTE_ATTRIBUTE, "unmatched");
            }
            return handled;
        } catch (Throwable t) {
            inFlight.decrementAndGet(); // Jetty fails the outer callback, not ours
            throw t;
        } finally {
            MDC.remove("request_id");
        }
    }

    private void record(Request request, Response response, long start) {
        inFlight.decrementAndGet();
        Object route = request.getAttribute(Dispatcher.ROUTE_ATTRIBUTE);
        Timer.builder("gatehouse.http.requests")
                .tag("route", route == null ? "unmatched" : route.toString())
                .tag("method", request.getMethod())
                .tag("status", Integer.toString(response.getStatus()))
                .register(registry)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
