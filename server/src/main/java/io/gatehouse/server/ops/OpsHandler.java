package io.gatehouse.server.ops;

import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.http.Exchange;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.server.advisory.AdvisoriesHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness, readiness and Prometheus metrics for operators and load balancers. */
public final class OpsHandler {
    private final MetadataStore metadata;
    private final PrometheusMeterRegistry registry;
    private final AdvisoryDatabase advisories;
    private volatile boolean stopping;

    public OpsHandler(
            MetadataStore metadata, BlobStore blobs, PrometheusMeterRegistry registry, AdvisoryDatabase advisories) {
        this.metadata = metadata;
        this.registry = registry;
        this.advisories = advisories;
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
        // A stale advisory database is a warning, not unreadiness: pulls and pushes still work.
        var status = advisories.checkStaleness();
        body.put("advisories", AdvisoriesHandler.json(status));
        if (status.stale()) {
            body.put(
                    "warnings",
                    java.util.List.of("advisory database is stale: "
                            + status.age()
                                    .map(a -> "last imported " + a.toHours() + "h ago")
                                    .orElse("never imported")
                            + " (limit " + status.maxAge().toHours() + "h)"));
        }
        ex.sendJson(database && !stopping ? 200 : 503, body);
    }

    public void metrics(Exchange ex) throws Exception {
        ex.sendText(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }
}
