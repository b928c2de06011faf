package io.gatehouse.http;

import io.gatehouse.core.access.Action;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of a protocol's route table: method, path template, the permission it needs and its handler.
 * Templates use {@code {param}} for one segment and {@code {param+}} for one or more segments (repository
 * names contain slashes). The permission is declared here so no handler can forget to check it; a null
 * action marks an endpoint whose handler asks the decision point itself (the token endpoint). A route marked
 * {@link #pullGated()} serves manifest content: the decision point also applies the pull gates to it.
 */
public record Route(
        String method,
        String template,
        Action action,
        Action alternative,
        RouteHandler handler,
        Pattern pattern,
        List<String> params,
        boolean pullGated) {

    /**
     * This route also admits callers who may do {@code other}. Used for blob existence checks (HEAD), which
     * every push client makes before uploading: a push-only robot must be able to ask whether a layer is
     * already there, without being able to read it.
     */
    public Route orAllowing(Action other) {
        return new Route(method, template, action, other, handler, pattern, params, pullGated);
    }

    /**
     * This route hands out a manifest named by its {@code {name}} and {@code {reference}} parameters: besides
     * the route's permission, the pull gates (vulnerability policy) decide, and the handler serves the digest
     * they checked.
     */
    public Route gatedPull() {
        if (action != Action.PULL || !params.contains("name") || !params.contains("reference")) {
            throw new IllegalStateException(template + ": only a manifest pull route can be gated");
        }
        return new Route(method, template, action, alternative, handler, pattern, params, true);
    }

    public static Route get(String template, Action action, RouteHandler handler) {
        return of("GET", template, action, handler);
    }

    public static Route head(String template, Action action, RouteHandler handler) {
        return of("HEAD", template, action, handler);
    }

    public static Route put(String template, Action action, RouteHandler handler) {
        return of("PUT", template, action, handler);
    }

    public static Route post(String template, Action action, RouteHandler handler) {
        return of("POST", template, action, handler);
    }

    public static Route patch(String template, Action action, RouteHandler handler) {
        return of("PATCH", template, action, handler);
    }

    public static Route delete(String template, Action action, RouteHandler handler) {
        return of("DELETE", template, action, handler);
    }

    private static final Pattern PARAM = Pattern.compile("\\{([a-z]+)(\\+?)}");

    public static Route of(String method, String template, Action action, RouteHandler handler) {
        List<String> params = new ArrayList<>();
        StringBuilder regex = new StringBuilder("^");
        Matcher m = PARAM.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+?)");
            params.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append('$');
        return new Route(
                method, template, action, null, handler, Pattern.compile(regex.toString()), List.copyOf(params), false);
    }

    /** The path parameters if the path matches this route's template. */
    public Optional<Map<String, String>> match(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            values.put(params.get(i), m.group(i + 1));
        }
        return Optional.of(values);
    }
}
