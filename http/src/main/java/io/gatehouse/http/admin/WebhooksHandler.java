package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;
import static io.gatehouse.http.admin.JsonBodies.body;
import static io.gatehouse.http.admin.JsonBodies.object;
import static io.gatehouse.http.admin.JsonBodies.strings;
import static io.gatehouse.http.admin.JsonBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.audit.webhook.Webhooks;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.store.WebhookStore.Attempt;
import io.gatehouse.core.store.WebhookStore.WebhookRecord;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Webhooks under {@code /api/v1/webhooks} (system-wide, system admin) and
 * {@code /api/v1/projects/{project}/webhooks} (one project's events, project admin). The secret is in the
 * create response only.
 */
public final class WebhooksHandler {
    private static final int MAX_LOG = 1000;

    private final Webhooks webhooks;

    public WebhooksHandler(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (String base : List.of("/api/v1/webhooks", "/api/v1/projects/{project}/webhooks")) {
            routes.add(get(base, Action.MANAGE, this::list));
            routes.add(post(base, Action.MANAGE, this::create));
            routes.add(delete(base + "/{id}", Action.MANAGE, this::remove));
            routes.add(get(base + "/{id}/deliveries", Action.MANAGE, this::deliveries));
            routes.add(post(base + "/{id}/test", Action.MANAGE, this::test));
        }
        return List.copyOf(routes);
    }

    void list(Exchange ex) throws Exception {
        var list = webhooks.list(project(ex)).stream().map(w -> json(w, false)).toList();
        ex.sendJson(200, Map.of("webhooks", list));
    }

    void create(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        JsonNode events = body.get("events");
        if (events == null || !events.isArray()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "events is required: a list of event types");
        }
        var created = webhooks.create(
                actor(ex),
                project(ex),
                Optional.ofNullable(text(body, "id", false)),
                text(body, "url", true),
                strings(events, "events"));
        ex.sendJson(201, json(created.webhook(), true));
    }

    void remove(Exchange ex) throws Exception {
        webhooks.delete(actor(ex), project(ex), ex.pathParam("id", String::valueOf));
        ex.send(204);
    }

    void deliveries(Exchange ex) throws Exception {
        int limit = ex.queryInt("limit").orElse(100);
        if (limit < 1 || limit > MAX_LOG) {
            throw new Invalid(Invalid.Kind.PARAMETER, "limit must be between 1 and " + MAX_LOG);
        }
        var log = webhooks.attempts(project(ex), ex.pathParam("id", String::valueOf), limit).stream()
                .map(WebhooksHandler::json)
                .toList();
        ex.sendJson(200, Map.of("deliveries", log));
    }

    void test(Exchange ex) throws Exception {
        var delivery = webhooks.test(actor(ex), project(ex), ex.pathParam("id", String::valueOf));
        ex.sendJson(
                202, object("deliveryId", delivery.id(), "eventId", delivery.eventId(), "type", delivery.eventType()));
    }

    private static Optional<String> project(Exchange ex) {
        return Optional.ofNullable(ex.pathParam("project", v -> v));
    }

    private static Webhooks.Actor actor(Exchange ex) {
        var context = ex.context();
        return new Webhooks.Actor(
                ex.caller().principal().name(),
                context == null ? null : context.sourceAddress(),
                context == null ? null : context.requestId());
    }

    private static Map<String, Object> json(WebhookRecord w, boolean withSecret) {
        Map<String, Object> out = object(
                "id", w.id(),
                "scope", w.project().map(p -> "project").orElse("system"),
                "url", w.url().toString(),
                "events", new TreeSet<>(w.eventTypes()),
                "enabled", w.enabled(),
                "createdBy", w.createdBy(),
                "createdAt", w.createdAt().toString());
        w.project().ifPresent(p -> out.put("project", p));
        if (withSecret) {
            out.put("secret", w.secret());
        }
        return out;
    }

    private static Map<String, Object> json(Attempt a) {
        Map<String, Object> out = object(
                "deliveryId", a.deliveryId(),
                "eventId", a.eventId(),
                "type", a.eventType(),
                "attempt", a.attempt(),
                "at", a.at().toString(),
                "statusCode", a.statusCode(),
                "succeeded", a.succeeded(),
                "durationMillis", a.durationMillis());
        if (a.error() != null) {
            out.put("error", a.error());
        }
        return out;
    }
}
