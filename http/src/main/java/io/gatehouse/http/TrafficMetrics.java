package io.gatehouse.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Bytes in and out per route, as Prometheus counters. */
public final class TrafficMetrics {
    private final MeterRegistry registry;
    private final Map<String, Exchange.Traffic> byRoute = new ConcurrentHashMap<>();

    public TrafficMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    Exchange.Traffic forRoute(String route) {
        return byRoute.computeIfAbsent(route, this::create);
    }

    private Exchange.Traffic create(String route) {
        Counter received = Counter.builder("gatehouse.http.received.bytes")
                .tag("route", route)
                .register(registry);
        Counter sent =
                Counter.builder("gatehouse.http.sent.bytes").tag("route", route).register(registry);
        return new Exchange.Traffic() {
            @Override
            public InputStream countIn(InputStream stream) {
                return new FilterInputStream(stream) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            received.increment();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            received.increment(n);
                        }
                        return n;
                    }
                };
            }

            @Override
            public void countOut(long bytes) {
                sent.increment(bytes);
            }
        };
    }
}
