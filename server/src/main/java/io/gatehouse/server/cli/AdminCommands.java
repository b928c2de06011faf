package io.gatehouse.server.cli;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The admin commands; each calls the admin API of a running server. */
public final class AdminCommands {
    private AdminCommands() {}

    @Command(
            name = "user",
            description = "Manage local users.",
            subcommands = {UserCreate.class, CliSecretCommand.class})
    public static final class User {}

    @Command(name = "create", description = "Create a local user; the password is read from standard input.")
    static final class UserCreate implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;

        InputStream stdin = System.in;

        @Override
        public Integer call() throws Exception {
            String password = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
            return client.call(
                    "POST", "/api/v1/users", Map.of("name", name, "password", password), a -> "created user " + name);
        }
    }

    @Command(
            name = "project",
            description = "Manage projects.",
            subcommands = {ProjectCreate.class, ProjectUpdate.class})
    public static final class Project {}

    @Command(name = "create", description = "Create a project (private unless --public).")
    static final class ProjectCreate implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--public", description = "Anyone may pull from it.")
        boolean isPublic;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "POST",
                    "/api/v1/projects",
                    Map.of("name", name, "public", isPublic),
                    a -> "created project " + name);
        }
    }

    @Command(name = "update", description = "Change a project's visibility or allowed networks.")
    static final class ProjectUpdate implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = "--allow-cidr",
                split = ",",
                paramLabel = "CIDR",
                description = "Networks allowed to reach the project.")
        List<String> cidrs;

        @Option(names = "--public", negatable = true, description = "Make the project public (--no-public: private).")
        Boolean isPublic;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (cidrs != null) {
                body.put("allowedCidrs", cidrs);
            }
            if (isPublic != null) {
                body.put("public", isPublic);
            }
            return client.call("PATCH", "/api/v1/projects/" + name, body, a -> "updated project " + name);
        }
    }

    @Command(name = "role", description = "Manage role bindings.", subcommands = RoleGrant.class)
    public static final class Role {}

    @Command(name = "grant", description = "Grant a role in a project or one of its repositories.")
    static final class RoleGrant implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "ROLE", description = "reader, writer, deleter, admin or a custom role.")
        String role;

        @Option(names = "--project", required = true)
        String project;

        @Option(names = "--repository", description = "Limit the binding to this repository of the project.")
        String repository;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        static final class Who {
            @Option(names = "--user")
            String user;

            @Option(names = "--group")
            String group;

            @Option(names = "--robot")
            String robot;
        }

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", role);
            if (repository != null) {
                body.put("repository", repository.contains("/") ? repository : project + "/" + repository);
            }
            if (who.user != null) {
                body.put("user", who.user);
            } else if (who.group != null) {
                body.put("group", who.group);
            } else {
                body.put("robot", who.robot);
            }
            return client.call(
                    "POST",
                    "/api/v1/projects/" + project + "/bindings",
                    body,
                    a -> "granted " + role + " on " + a.path("scope").asText());
        }
    }

    @Command(
            name = "robot",
            description = "Manage robot accounts.",
            subcommands = {RobotCreate.class, RobotRevoke.class})
    public static final class Robot {}

    @Command(name = "create", description = "Create a robot account; prints its login name and secret (shown once).")
    static final class RobotCreate implements Callable<Integer> {
        private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--project", required = true)
        String project;

        @Option(
                names = "--actions",
                required = true,
                split = ",",
                paramLabel = "ACTION",
                description = "Some of pull, push, delete.")
        List<String> actions;

        @Option(
                names = "--expires",
                paramLabel = "DURATION",
                description = "Lifetime such as 12h or 30d; default: never.")
        String expires;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("actions", actions);
            if (expires != null) {
                body.put("expiresInSeconds", seconds(expires));
            }
            return client.call(
                    "POST",
                    "/api/v1/projects/" + project + "/robots",
                    body,
                    a -> "name: " + a.path("name").asText() + "\nsecret: "
                            + a.path("secret").asText()
                            + (a.has("expiresAt")
                                    ? "\nexpires: " + a.path("expiresAt").asText()
                                    : ""));
        }

        static long seconds(String value) {
            Matcher m = DURATION.matcher(value.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "--expires: expected a duration like 12h or 30d, got '" + value + "'");
            }
            long n = Long.parseLong(m.group(1));
            return n
                    * switch (m.group(2)) {
                        case "s" -> 1L;
                        case "m" -> 60L;
                        case "h" -> 3600L;
                        default -> 86400L;
                    };
        }
    }

    @Command(name = "revoke", description = "Revoke a robot account at once.")
    static final class RobotRevoke implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "LOGIN_NAME")
        String loginName;

        @Option(names = "--project", required = true)
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "DELETE",
                    "/api/v1/projects/" + project + "/robots/" + loginName,
                    null,
                    a -> "revoked " + loginName);
        }
    }
}
