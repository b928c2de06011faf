package io.gatehouse.server.cli;

import static io.gatehouse.server.cli.AdminCommands.join;
import static io.gatehouse.server.cli.AdminCommands.lines;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Admin commands for webhooks: system-wide, or one project's with {@code --project}. */
public final class WebhookCommands {
    private WebhookCommands() {}

    @Command(
            name = "webhook",
            description = "Manage webhooks: signed CloudEvents sent to a URL when things happen.",
            subcommands = {Create.class, ListWebhooks.class, Delete.class, Deliveries.class, Test.class})
    public static final class Webhook {}

    @Command(name = "create", description = "Create a webhook; prints its id and its secret (shown only this once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--url", required = true, description = "Where to POST events (https).")
        String url;

        @Option(
                names = "--events",
                required = true,
                split = ",",
                paramLabel = "TYPE",
                description = "Event types, e.g. artifact.pushed,access.denied.")
        List<String> events;

        @Option(names = "--id", description = "Name it (default: a generated id).")
        String id;

        @Option(names = "--project", description = "Only this project's events (project admins may).")
        String project;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (id != null) {
                body.put("id", id);
            }
            body.put("url", url);
            body.put("events", events);
            return client.call(
                    "POST",
                    base(project),
                    body,
                    a -> "created webhook " + describe(a) + "\nsecret: "
                            + a.path("secret").asText()
                            + "\n(the secret is not shown again: receivers need it to verify X-Gatehouse-Signature)");
        }
    }

    @Command(name = "list", description = "List webhooks (system-wide, or one project's with --project).")
    static final class ListWebhooks implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--project")
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call("GET", base(project), null, a -> lines(a.path("webhooks"), WebhookCommands::describe));
        }
    }

    @Command(name = "delete", description = "Delete a webhook with its queued deliveries and log.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--project", description = "The project the webhook belongs to.")
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call("DELETE", base(project) + "/" + id, null, a -> "deleted webhook " + id);
        }
    }

    @Command(name = "deliveries", description = "Show a webhook's delivery log, newest attempt first.")
    static final class Deliveries implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--project", description = "The project the webhook belongs to.")
        String project;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many attempts (1-1000).")
        int limit;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    base(project) + "/" + id + "/deliveries?limit=" + limit,
                    null,
                    a -> lines(a.path("deliveries"), WebhookCommands::attempt));
        }
    }

    @Command(name = "test", description = "Send a test event (io.gatehouse.webhook.test) to a webhook now.")
    static final class Test implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--project", description = "The project the webhook belongs to.")
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "POST",
                    base(project) + "/" + id + "/test",
                    null,
                    a -> "queued test event " + a.path("eventId").asText() + " (see: gatehouse webhook deliveries " + id
                            + (project == null ? "" : " --project " + project) + ")");
        }
    }

    static String base(String project) {
        return project == null ? "/api/v1/webhooks" : "/api/v1/projects/" + project + "/webhooks";
    }

    static String describe(JsonNode w) {
        return w.path("id").asText() + " " + w.path("url").asText() + " events=" + join(w.path("events"))
                + (w.has("project") ? " project=" + w.path("project").asText() : " (system-wide)");
    }

    static String attempt(JsonNode a) {
        return a.path("at").asText() + " " + a.path("type").asText() + " event="
                + a.path("eventId").asText()
                + " attempt=" + a.path("attempt").asInt() + " "
                + (a.path("succeeded").asBoolean()
                        ? "delivered HTTP " + a.path("statusCode").asInt()
                        : "failed: " + a.path("error").asText())
                + " (" + a.path("durationMillis").asLong() + " ms)";
    }
}
