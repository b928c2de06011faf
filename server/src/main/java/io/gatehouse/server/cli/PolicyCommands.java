package io.gatehouse.server.cli;

import static io.gatehouse.server.cli.AdminCommands.join;
import static io.gatehouse.server.cli.AdminCommands.lines;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Admin commands for deny rules, repository labels and group membership. */
public final class PolicyCommands {
    private PolicyCommands() {}

    @Command(
            name = "deny",
            description = "Manage deny rules: refusals that override every role.",
            subcommands = {DenyAdd.class, DenyList.class, DenyRemove.class})
    public static final class Deny {}

    @Command(name = "add", description = "Add a deny rule (system-wide, or for one project with --project).")
    static final class DenyAdd implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--id", required = true, description = "The rule's name, e.g. no-prod-deletes.")
        String id;

        @Option(
                names = "--actions",
                required = true,
                split = ",",
                paramLabel = "ACTION",
                description = "What the rule refuses: some of pull, push, delete.")
        List<String> actions;

        @Option(
                names = "--repository",
                paramLabel = "GLOB",
                description = "Repositories it applies to: * within a segment, ** across (default: all).")
        String repository;

        @Option(
                names = "--label",
                paramLabel = "KEY=VALUE",
                description = "Only repositories carrying this label (repeatable: all must match).")
        Map<String, String> labels;

        @Option(names = "--exempt-user", paramLabel = "USER", split = ",", description = "Users it does not apply to.")
        List<String> exemptUsers;

        @Option(names = "--exempt-group", paramLabel = "GROUP", split = ",")
        List<String> exemptGroups;

        @Option(names = "--exempt-robot", paramLabel = "ROBOT", split = ",")
        List<String> exemptRobots;

        @Option(names = "--project", description = "Make it a rule of this project (project admins may).")
        String project;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("actions", actions);
            if (repository != null) {
                body.put("repository", repository);
            }
            body.put("labels", labels == null ? Map.of() : labels);
            body.put(
                    "exempt",
                    Map.of(
                            "users", orEmpty(exemptUsers),
                            "groups", orEmpty(exemptGroups),
                            "robots", orEmpty(exemptRobots)));
            return client.call("POST", base(project), body, a -> "added deny rule " + describe(a));
        }
    }

    @Command(name = "list", description = "List deny rules (all, or one project's with --project).")
    static final class DenyList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--project")
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call("GET", base(project), null, a -> lines(a.path("denyRules"), PolicyCommands::describe));
        }
    }

    @Command(name = "remove", description = "Remove a deny rule.")
    static final class DenyRemove implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--project", description = "The project the rule belongs to.")
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call("DELETE", base(project) + "/" + id, null, a -> "removed deny rule " + id);
        }
    }

    @Command(
            name = "repository",
            description = "Manage repository labels (selectors for deny rules).",
            subcommands = {RepositoryLabel.class, RepositoryLabels.class})
    public static final class Repository {}

    @Command(name = "label", description = "Replace a repository's labels, e.g. env=production (system admins).")
    static final class RepositoryLabel implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(index = "0", paramLabel = "REPOSITORY", description = "Full name, e.g. teama/api.")
        String repository;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "0..*")
        List<String> labels;

        @Option(names = "--clear", description = "Remove all labels.")
        boolean clear;

        @Override
        public Integer call() throws Exception {
            List<String> given = labels == null ? List.of() : labels;
            if (given.isEmpty() != clear) {
                throw new IllegalArgumentException("give KEY=VALUE labels, or --clear to remove them all");
            }
            Map<String, String> body = new LinkedHashMap<>();
            for (String label : given) {
                int eq = label.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("labels are KEY=VALUE, got '" + label + "'");
                }
                body.put(label.substring(0, eq), label.substring(eq + 1));
            }
            return client.call(
                    "PUT",
                    "/api/v1/repositories/" + repository + "/labels",
                    Map.of("labels", body),
                    a -> repository + ": " + labelText(a.path("labels")));
        }
    }

    @Command(name = "labels", description = "Show a repository's labels.")
    static final class RepositoryLabels implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "REPOSITORY")
        String repository;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    "/api/v1/repositories/" + repository + "/labels",
                    null,
                    a -> repository + ": " + labelText(a.path("labels")));
        }
    }

    @Command(
            name = "group",
            description = "Manage membership of local users in groups.",
            subcommands = {GroupAddMember.class, GroupRemoveMember.class})
    public static final class Group {}

    @Command(name = "add-member", description = "Add a local user to a group.")
    static final class GroupAddMember implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Option(names = "--user", required = true)
        String user;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "POST",
                    "/api/v1/groups/" + group + "/members",
                    Map.of("user", user),
                    a -> "added " + user + " to group " + group);
        }
    }

    @Command(name = "remove-member", description = "Remove a user from a group.")
    static final class GroupRemoveMember implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Option(names = "--user", required = true)
        String user;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "DELETE",
                    "/api/v1/groups/" + group + "/members/" + user,
                    null,
                    a -> "removed " + user + " from group " + group);
        }
    }

    private static String base(String project) {
        return project == null ? "/api/v1/deny-rules" : "/api/v1/projects/" + project + "/deny-rules";
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static String describe(JsonNode rule) {
        List<String> parts = new ArrayList<>();
        parts.add((rule.path("project").isTextual() ? rule.path("project").asText() + "/" : "")
                + rule.path("id").asText() + ": refuses " + join(rule.path("actions")));
        parts.add("on "
                + (rule.path("repository").asText().isEmpty()
                        ? "**"
                        : rule.path("repository").asText()));
        if (!rule.path("labels").isEmpty()) {
            parts.add("labelled " + labelText(rule.path("labels")));
        }
        List<String> exempt = new ArrayList<>();
        rule.path("exempt")
                .properties()
                .forEach(e ->
                        e.getValue().forEach(n -> exempt.add(e.getKey().replaceAll("s$", "") + ":" + n.asText())));
        if (!exempt.isEmpty()) {
            parts.add("except " + String.join(",", exempt));
        }
        return String.join(" ", parts);
    }

    private static String labelText(JsonNode labels) {
        List<String> out = new ArrayList<>();
        labels.properties().forEach(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return out.isEmpty() ? "(no labels)" : String.join(",", out);
    }
}
