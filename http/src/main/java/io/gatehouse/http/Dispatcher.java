package io.gatehouse.http;

import io.gatehouse.access.AccessDecisionPoint;
import io.gatehouse.access.Authenticator;
import io.gatehouse.access.AuthorizationDecision;
import io.gatehouse.access.Caller;
import io.gatehouse.access.RequestContext;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Denied;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.RegistryException;
import io.gatehouse.core.error.TooManyRequests;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.error.Unsupported;
import io.gatehouse.core.model.RepositoryName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches a request against one protocol's route table, identifies the caller, asks the single decision
 * point for the route's permission, then runs the handler and renders domain errors in the protocol's
 * format. Handlers therefore never see an unauthenticated or unauthorized request.
 */
public final class Dispatcher extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** The request attribute holding the matched route template, for metrics. */
    public static final String ROUTE_ATTRIBUTE = "gatehouse.route";

    private final String prefix;
    private final List<Route> routes;
    private final Authenticator authenticator;
    private final AccessDecisionPoint decisions;
    private final ErrorRenderer errors;
    private final Challenge challenge;
    private final TrafficMetrics metrics;
    private final ClientAddress clientAddress;

    /** Builds the WWW-Authenticate header for a 401. */
    @FunctionalInterface
    public interface Challenge {
        String header(Exchange exchange, Optional<Resource> resource, Action action, boolean insufficientScope);
    }

    public Dispatcher(
            String prefix,
            List<Route> routes,
            Authenticator authenticator,
            AccessDecisionPoint decisions,
            ErrorRenderer errors,
            Challenge challenge,
            TrafficMetrics metrics,
            ClientAddress clientAddress) {
        this.prefix = prefix;
        this.routes = List.copyOf(routes);
        this.authenticator = authenticator;
        this.decisions = decisions;
        this.errors = errors;
        this.challenge = challenge;
        this.metrics = metrics;
        this.clientAddress = clientAddress;
    }

    /** This dispatcher's route table, for checks such as the OpenAPI document's completeness. */
    public List<Route> routes() {
        return routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith(prefix)) {
            return false;
        }
        RequestContext context = new RequestContext(
                clientAddress.resolve(
                        Request.getRemoteAddr(request), request.getHeaders().getValuesList("X-Forwarded-For")),
                request.getHeaders().get("User-Agent"),
                RequestIds.current(request));
        Exchange exchange = null;
        try {
            var matched = match(request.getMethod(), path);
            Route route = matched.route;
            // The audit trail names the digest or tag a manifest or blob request addresses.
            String reference = matched.params.getOrDefault("reference", matched.params.get("digest"));
            if (reference != null) {
                context = context.withReference(reference);
            }
            request.setAttribute(ROUTE_ATTRIBUTE, route.template());
            Caller caller = authenticate(request.getHeaders().get("Authorization"), context);
            exchange = new Exchange(
                    request, response, matched.params, caller, context, decisions, metrics.forRoute(route.template()));
            if (route.action() == null) {
                route.handler().handle(exchange);
                callback.succeeded();
                return true;
            }
            Optional<Resource> resource = resourceOf(exchange, matched.params);
            AuthorizationDecision decision = route.pullGated()
                    ? decisions.decidePull(caller, exchange.pathParam("name", RepositoryName::parse), context)
                    : decisions.decide(caller, route.action(), resource.orElse(Resource.REGISTRY), context);
            if (!decision.allowed() && route.alternative() != null) {
                var alternative =
                        decisions.decide(caller, route.alternative(), resource.orElse(Resource.REGISTRY), context);
                decision = alternative.allowed() ? alternative : decision;
            }
            if (!decision.allowed()) {
                refuse(exchange, caller, resource, route.action(), decision);
                callback.succeeded();
                return true;
            }
            // Serve the digest the pull gate checked, even if the tag moved since.
            decision.pinned().ifPresent(digest -> matched.params.put("reference", digest.toString()));
            route.handler().handle(exchange);
            callback.succeeded();
        } catch (RegistryException e) {
            renderError(request, response, callback, exchange, context, e);
        } catch (org.eclipse.jetty.io.EofException e) {
            // The client went away mid-transfer: nothing to answer and nothing wrong on our side.
            log.debug("connection failed during {} {}", request.getMethod(), path, e);
            callback.failed(e);
        } catch (Throwable t) {
            log.error("request failed", t);
            renderInternal(request, response, callback, exchange, context);
        }
        return true;
    }

    /** Every refused credential is recorded (audit, anomaly rules) before the 401 or 429 goes out. */
    private Caller authenticate(String authorization, RequestContext context) {
        try {
            return authenticator.authenticate(authorization, context);
        } catch (Unauthenticated | TooManyRequests e) {
            decisions.authenticationFailed(
                    Authenticator.claimedAccount(authorization).orElse(null), context, e.getMessage());
            throw e;
        }
    }

    private void refuse(
            Exchange exchange,
            Caller caller,
            Optional<Resource> resource,
            Action action,
            AuthorizationDecision decision)
            throws Exception {
        boolean insufficientScope = decision.outcome() == AuthorizationDecision.Outcome.INSUFFICIENT_SCOPE;
        if (decision.outcome() == AuthorizationDecision.Outcome.AUTHENTICATION_REQUIRED || insufficientScope) {
            exchange.header("WWW-Authenticate", challenge.header(exchange, resource, action, insufficientScope));
            errors.render(
                    exchange,
                    new Unauthenticated(caller.isAnonymous() ? "authentication required" : decision.reason()));
        } else {
            errors.render(exchange, new Denied(decision.reason()));
        }
    }

    private void renderError(
            Request request,
            Response response,
            Callback callback,
            Exchange exchange,
            RequestContext context,
            RegistryException e) {
        try {
            Exchange target = exchange != null ? exchange : anonymousExchange(request, response, context);
            if (e instanceof Unauthenticated) {
                target.header(
                        "WWW-Authenticate", challenge.header(target, Optional.empty(), Action.AUTHENTICATE, false));
            }
            if (e instanceof TooManyRequests limited) {
                showLimit(target, limited);
            }
            if (target.isCommitted()) {
                callback.failed(e);
            } else {
                errors.render(target, e);
                callback.succeeded();
            }
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    /** Retry-After, and the limit in the IETF draft's {@code RateLimit-*} headers, which clients can act on. */
    private static void showLimit(Exchange exchange, TooManyRequests limited) {
        String seconds = Long.toString(limited.retryAfterSeconds());
        exchange.header("Retry-After", seconds);
        exchange.header("RateLimit-Limit", Integer.toString(limited.limit()));
        exchange.header("RateLimit-Remaining", "0");
        exchange.header("RateLimit-Reset", seconds);
    }

    private void renderInternal(
            Request request, Response response, Callback callback, Exchange exchange, RequestContext context) {
        try {
            Exchange target = exchange != null ? exchange : anonymousExchange(request, response, context);
            if (target.isCommitted()) {
                callback.failed(new IllegalStateException("response already committed"));
            } else {
                errors.renderInternal(target);
                callback.succeeded();
            }
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    private Exchange anonymousExchange(Request request, Response response, RequestContext context) {
        return new Exchange(
                request, response, Map.of(), Caller.ANONYMOUS, context, decisions, metrics.forRoute("unmatched"));
    }

    private record Matched(Route route, Map<String, String> params) {}

    private Matched match(String method, String path) {
        boolean pathKnown = false;
        String lookup = "HEAD".equals(method) ? "HEAD" : method;
        for (Route route : routes) {
            var params = route.match(path);
            if (params.isEmpty()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(lookup)) {
                return new Matched(route, params.get());
            }
        }
        if (pathKnown) {
            throw new Unsupported("method " + method + " not allowed here");
        }
        throw new NotFound(NotFound.Kind.ROUTE, "no such endpoint");
    }

    private static Optional<Resource> resourceOf(Exchange exchange, Map<String, String> params) {
        if (params.containsKey("name")) {
            return Optional.of(Resource.repository(exchange.pathParam("name", RepositoryName::parse)));
        }
        if (params.containsKey("project")) {
            return Optional.of(new Resource.Project(exchange.pathParam("project", Dispatcher::projectName)));
        }
        return Optional.empty();
    }

    /** A project name is one repository-name component: the first segment of the repositories it owns. */
    public static String projectName(String value) {
        if (value == null || value.contains("/")) {
            throw new Invalid(Invalid.Kind.NAME, "invalid project name");
        }
        return RepositoryName.parse(value).value();
    }
}
