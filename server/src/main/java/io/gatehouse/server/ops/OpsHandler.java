package io.gatehouse.server.ops;

import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.http.Exchange;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness, readiness and Prometheus metrics for operators and load balancers. */
public final class OpsHandler {
    private final MetadataStore metadata;
    private final PrometheusMeterRegistry registry;
    private volatile boolean stopping;

    public OpsHandler(MetadataStore metadata, BlobStore blobs, PrometheusMeterRegistry registry) {
        this.metadata = metadata;
        this.registry = registry;
    }

    /** Readiness turns false as shutdown begins, so load balancers stop sending new work. */
    public void markStopping() {
        stopping = true;
    }

    public void healthz(Exchange ex) throws Exception {
        ex.sendJson(200, Map.of("status", "ok"));
    }

    public void readyz(Exchange ex) throws Exception {
        boolean database = metadata.isHealthy();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", database && !stopping ? "ready" : "not ready");
        body.put("database", database ? "ok" : "unavailable");
        if (stopping) {
            body.put("shutdown", "in progress");
        }
        ex.sendJson(database && !stopping ? 200 : 503, body);
    }

    public void metrics(Exchange ex) throws Exception {
        ex.sendText(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }
}
