package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
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
            subcommands = {UserCreate.class, UserList.class, CliSecretCommand.class})
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

    @Command(name = "list", description = "List local users.")
    static final class UserList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    "/api/v1/users",
                    null,
                    a -> lines(a.path("users"), u -> u.path("name").asText()));
        }
    }

    @Command(
            name = "project",
            description = "Manage projects.",
            subcommands = {ProjectCreate.class, ProjectUpdate.class, ProjectList.class})
    public static final class Project {}

    @Command(name = "list", description = "List projects.")
    static final class ProjectList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    "/api/v1/projects",
                    null,
                    a -> lines(
                            a.path("projects"),
                            p -> p.path("name").asText()
                                    + (p.path("public").asBoolean() ? " (public)" : "")
                                    + (p.path("allowedCidrs").isEmpty() ? "" : " allow " + join(p.path("allowedCidrs")))
                                    + (p.path("expectedCidrs").isEmpty()
                                            ? ""
                                            : " expect " + join(p.path("expectedCidrs")))));
        }
    }

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

    @Command(
            name = "update",
            description = "Change a project's visibility, allowed networks or pull policy (vulnerability threshold).")
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

        @Option(
                names = "--expected-cidr",
                split = ",",
                paramLabel = "CIDR",
                description = "Networks pulls are expected from; a pull from elsewhere is served but raises an alert"
                        + " (\"\" clears).")
        List<String> expectedCidrs;

        @Option(names = "--public", negatable = true, description = "Make the project public (--no-public: private).")
        Boolean isPublic;

        @Option(
                names = "--block-severity",
                paramLabel = "SEVERITY",
                description = "Refuse pulls of images with a finding this severe or worse: critical, high, medium,"
                        + " low or none.")
        String blockSeverity;

        @Option(
                names = "--block-unscanned",
                negatable = true,
                description = "Refuse pulls of images not scanned yet or whose scan failed (--no-block-unscanned:"
                        + " allow them).")
        Boolean blockUnscanned;

        @Override
        public Integer call() throws Exception {
            boolean policy = blockSeverity != null || blockUnscanned != null;
            if (cidrs == null && expectedCidrs == null && isPublic == null && policy) {
                return updatePolicy();
            }
            int exit = updateSettings();
            return exit == 0 && policy ? updatePolicy() : exit;
        }

        private int updatePolicy() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (blockSeverity != null) {
                body.put("blockSeverity", blockSeverity);
            }
            if (blockUnscanned != null) {
                body.put("blockUnscanned", blockUnscanned);
            }
            return client.call(
                    "PUT",
                    "/api/v1/projects/" + name + "/scan-policy",
                    body,
                    a -> "project " + name + ": pulls blocked at severity "
                            + a.path("blockSeverity").asText()
                            + (a.path("blockUnscanned").asBoolean()
                                    ? ", and of unscanned images"
                                    : "; unscanned images allowed"));
        }

        private int updateSettings() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (cidrs != null) {
                body.put("allowedCidrs", cidrs);
            }
            if (expectedCidrs != null) {
                // --expected-cidr "" clears the list: the rule stops watching the project
                body.put(
                        "expectedCidrs",
                        expectedCidrs.stream().filter(c -> !c.isBlank()).toList());
            }
            if (isPublic != null) {
                body.put("public", isPublic);
            }
            return client.call("PATCH", "/api/v1/projects/" + name, body, a -> "updated project " + name);
        }
    }

    @Command(
            name = "role",
            description = "Manage role bindings and custom roles.",
            subcommands = {RoleGrant.class, RoleRevoke.class, RoleBindings.class, RoleDefine.class, RoleList.class})
    public static final class Role {}

    /** Who a binding names: exactly one of a user, a group or a robot. */
    static final class Who {
        @Option(names = "--user")
        String user;

        @Option(names = "--group")
        String group;

        @Option(names = "--robot", description = "The robot's login name, e.g. robot$teama+ci.")
        String robot;

        String kind() {
            return user != null ? "user" : group != null ? "group" : "robot";
        }

        String name() {
            return user != null ? user : group != null ? group : robot;
        }
    }

    static String fullRepository(String project, String repository) {
        return repository.contains("/") ? repository : project + "/" + repository;
    }

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

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", role);
            if (repository != null) {
                body.put("repository", fullRepository(project, repository));
            }
            body.put(who.kind(), who.name());
            return client.call(
                    "POST",
                    "/api/v1/projects/" + project + "/bindings",
                    body,
                    a -> "granted " + role + " on " + a.path("scope").asText());
        }
    }

    @Command(name = "revoke", description = "Remove a role binding (the same options as grant name it).")
    static final class RoleRevoke implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "ROLE")
        String role;

        @Option(names = "--project", required = true)
        String project;

        @Option(names = "--repository", description = "The repository of a repository binding.")
        String repository;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Who who;

        @Override
        public Integer call() throws Exception {
            String query = "?role=" + AdminClient.encode(role) + "&" + who.kind() + "="
                    + AdminClient.encode(who.name())
                    + (repository == null
                            ? ""
                            : "&repository=" + AdminClient.encode(fullRepository(project, repository)));
            return client.call(
                    "DELETE",
                    "/api/v1/projects/" + project + "/bindings" + query,
                    null,
                    a -> "revoked " + role + " from " + who.kind() + " " + who.name());
        }
    }

    @Command(name = "bindings", description = "List the role bindings of a project and its repositories.")
    static final class RoleBindings implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--project", required = true)
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    "/api/v1/projects/" + project + "/bindings",
                    null,
                    a -> lines(a.path("bindings"), b -> {
                        String kind = b.has("user") ? "user" : b.has("group") ? "group" : "robot";
                        return b.path("role").asText() + " " + kind + ":"
                                + b.path(kind).asText() + " on "
                                + b.path("scope").asText();
                    }));
        }
    }

    @Command(name = "define", description = "Define a custom role: a named set of actions (system admins).")
    static final class RoleDefine implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = "--actions",
                required = true,
                split = ",",
                paramLabel = "ACTION",
                description = "Some of pull, push, delete, manage.")
        List<String> actions;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "POST",
                    "/api/v1/roles",
                    Map.of("name", name, "actions", actions),
                    a -> "defined role " + name + ": " + join(a.path("actions")));
        }
    }

    @Command(name = "list", description = "List the built-in and custom roles.")
    static final class RoleList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    "/api/v1/roles",
                    null,
                    a -> lines(
                            a.path("roles"),
                            r -> r.path("name").asText() + ": " + join(r.path("actions"))
                                    + (r.path("builtIn").asBoolean() ? " (built in)" : "")));
        }
    }

    @Command(
            name = "robot",
            description = "Manage robot accounts.",
            subcommands = {RobotCreate.class, RobotRevoke.class, RobotList.class})
    public static final class Robot {}

    @Command(name = "list", description = "List a project's robots with expiry, revocation and last use.")
    static final class RobotList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--project", required = true)
        String project;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "GET",
                    "/api/v1/projects/" + project + "/robots",
                    null,
                    a -> lines(
                            a.path("robots"),
                            r -> r.path("name").asText() + " " + join(r.path("actions"))
                                    + (r.path("revoked").asBoolean() ? " revoked" : "")
                                    + (r.path("expired").asBoolean() ? " expired" : "")
                                    + (r.path("expiresAt").isTextual()
                                            ? " expires " + r.path("expiresAt").asText()
                                            : "")
                                    + " last used "
                                    + r.path("lastUsed").asText("never")));
        }
    }

    @Command(
            name = "create",
            description = "Create a robot account; prints its login name and secret (shown once), or with"
                    + " --issuer binds it to an OIDC issuer and gives it no secret.")
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

        @Option(
                names = "--issuer",
                paramLabel = "URL",
                description = "Keyless: log in with OIDC tokens from this issuer instead of a secret.")
        String issuer;

        @Option(
                names = "--audience",
                paramLabel = "AUD",
                description = "With --issuer: the audience tokens must carry (default: gatehouse).")
        String audience;

        @Option(
                names = "--claim",
                paramLabel = "NAME=VALUE",
                description = "With --issuer: a claim tokens must carry, exactly or as a glob (*); repeatable.")
        Map<String, String> claims;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("actions", actions);
            if (expires != null) {
                body.put("expiresInSeconds", seconds(expires));
            }
            if (issuer != null) {
                body.put(
                        "federation",
                        Map.of(
                                "issuer",
                                issuer,
                                "audience",
                                audience == null ? "gatehouse" : audience,
                                "claims",
                                claims == null ? Map.of() : claims));
                return client.call(
                        "POST",
                        "/api/v1/projects/" + project + "/robots",
                        body,
                        a -> "name: " + a.path("name").asText()
                                + "\nsecret: none (log in with an OIDC token from " + issuer + " as the password)"
                                + (a.has("expiresAt")
                                        ? "\nexpires: " + a.path("expiresAt").asText()
                                        : ""));
            }
            if (audience != null || claims != null) {
                throw new IllegalArgumentException("--audience and --claim need --issuer");
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

    @Command(
            name = "keys",
            description = "Manage the keys registry tokens are signed with.",
            subcommands = {KeysList.class, KeysRotate.class})
    public static final class Keys {}

    @Command(name = "list", description = "List the token signing keys (ids and ages; never key material).")
    static final class KeysList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Override
        public Integer call() throws Exception {
            return client.call("GET", "/api/v1/system/signing-keys", null, AdminCommands::keyLines);
        }
    }

    @Command(
            name = "rotate",
            description = "Sign new tokens with a fresh key now; older keys verify until their tokens expire.")
    static final class KeysRotate implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(
                names = "--revoke-others",
                description = "Also delete every other key at once: all tokens issued so far stop working"
                        + " (use when a key may have leaked).")
        boolean revokeOthers;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "POST",
                    "/api/v1/system/signing-keys/rotate",
                    Map.of("revokeOthers", revokeOthers),
                    a -> "now signing with "
                            + a.path("signingKey").path("keyId").asText()
                            + (revokeOthers ? " (all other keys revoked)" : "")
                            + "\n" + keyLines(a));
        }
    }

    private static String keyLines(JsonNode answer) {
        return lines(
                answer.path("keys"),
                key -> key.path("keyId").asText() + "  created "
                        + key.path("createdAt").asText()
                        + (key.path("signing").asBoolean() ? "  signing" : "  verifying only"));
    }

    /** One line per element, or "(none)". */
    static String lines(JsonNode array, Function<JsonNode, String> line) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(line.apply(n)));
        return out.isEmpty() ? "(none)" : String.join("\n", out);
    }

    static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return String.join(",", out);
    }
}
