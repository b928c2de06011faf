package io.gatehouse.http.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.http.Exchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading the admin API's JSON bodies into domain values, with a 400 that names the field for bad input. */
final class JsonBodies {
    private static final int MAX_BODY = 64 * 1024;

    private JsonBodies() {}

    static JsonNode body(Exchange ex) throws IOException {
        return ex.bodyJsonObject(MAX_BODY, false);
    }

    /** Like {@link #body}, but an empty body means {@code {}} (for requests whose every field is optional). */
    static JsonNode optionalBody(Exchange ex) throws IOException {
        return ex.bodyJsonObject(MAX_BODY, true);
    }

    static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new Invalid(Invalid.Kind.PARAMETER, field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid(Invalid.Kind.PARAMETER, field + " must be a string");
        }
        return v.asText();
    }

    static List<String> strings(JsonNode node, String field) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new Invalid(Invalid.Kind.PARAMETER, field + ": expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw new Invalid(Invalid.Kind.PARAMETER, field + ": expected a list of strings");
            }
            out.add(n.asText());
        }
        return out;
    }

    static Map<String, String> stringMap(JsonNode node, String field) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new Invalid(Invalid.Kind.PARAMETER, field + ": expected an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new Invalid(Invalid.Kind.PARAMETER, field + "." + entry.getKey() + " must be a string");
            }
            out.put(entry.getKey(), entry.getValue().asText());
        }
        return out;
    }

    /** Action names as in token scopes ({@code pull}, {@code push}, {@code delete}, {@code manage}). */
    static Set<Action> actions(List<String> names) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : names) {
            actions.add(Action.fromScopeName(name)
                    .orElseThrow(() -> new Invalid(Invalid.Kind.PARAMETER, "unknown action " + name)));
        }
        return actions;
    }

    /** Exactly one of {@code user}, {@code group}, {@code robot}, read by {@code value}. */
    static Subject subject(java.util.function.Function<String, String> value) {
        List<Subject> given = new ArrayList<>();
        if (value.apply("user") != null) {
            given.add(new Subject.User(value.apply("user")));
        }
        if (value.apply("group") != null) {
            given.add(new Subject.Group(value.apply("group")));
        }
        if (value.apply("robot") != null) {
            given.add(new Subject.Robot(value.apply("robot")));
        }
        if (given.size() != 1) {
            throw new Invalid(Invalid.Kind.PARAMETER, "name exactly one of user, group, robot");
        }
        return given.getFirst();
    }

    static String kind(Subject subject) {
        return switch (subject) {
            case Subject.User u -> "user";
            case Subject.Group g -> "group";
            case Subject.Robot r -> "robot";
        };
    }

    static Map<String, Object> binding(RoleBinding binding) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", binding.role());
        out.put("scope", AccessAdministration.scopeName(binding.scope()));
        if (binding.scope() instanceof BindingScope.Repository(var repository)) {
            out.put("repository", repository.value());
        }
        out.put(kind(binding.subject()), binding.subject().name());
        return out;
    }

    /** A JSON object with its fields in the order given (Map.of would shuffle them). */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    static AccessAdministration.Actor actor(Exchange ex) {
        return new AccessAdministration.Actor(ex.caller().principal().name(), ex.context());
    }
}
