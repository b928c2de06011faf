package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The CVE allowlists: advisories the pull policy accepts until they expire. */
public final class ScanPolicyCommands {
    private ScanPolicyCommands() {}

    @Command(
            name = "cve",
            description = "Accept advisories that the pull policy would refuse, for a while and with a reason.",
            subcommands = {CveAllow.class, CveList.class, CveRevoke.class})
    public static final class Cve {}

    /** The list a command works on: the project's with --project, else the system-wide one. */
    static final class Scope {
        @Option(
                names = "--project",
                paramLabel = "PROJECT",
                description =
                        "The project's allowlist (its admins); without it, the system-wide list (system" + " admins).")
        String project;

        String path() {
            return project == null
                    ? "/api/v1/cve-allowlist"
                    : "/api/v1/projects/" + AdminClient.encode(project) + "/cve-allowlist";
        }

        String name() {
            return project == null ? "the system allowlist" : "the allowlist of project " + project;
        }
    }

    @Command(name = "allow", description = "Accept an advisory (id or alias, e.g. a CVE) until it expires.")
    static final class CveAllow implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Mixin
        Scope scope;

        @Parameters(paramLabel = "ID", description = "Advisory id or alias, e.g. CVE-2023-45853.")
        String id;

        @Option(names = "--reason", required = true, description = "Why it is acceptable (shown in lists and audit).")
        String reason;

        @Option(
                names = "--expires",
                required = true,
                paramLabel = "DATE|DURATION",
                description = "When the entry stops counting: 30d, 12h, 2026-06-30 (its start, UTC) or an instant.")
        String expires;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("reason", reason);
            body.put("expires", expires);
            return client.call(
                    "POST",
                    scope.path(),
                    body,
                    a -> "allowed " + a.path("id").asText() + " on " + scope.name() + " until "
                            + a.path("expiresAt").asText());
        }
    }

    @Command(name = "list", description = "List an allowlist; expired entries are marked and no longer count.")
    static final class CveList implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Mixin
        Scope scope;

        @Override
        public Integer call() throws Exception {
            return client.call("GET", scope.path(), null, a -> AdminCommands.lines(a.path("entries"), CveList::line));
        }

        static String line(JsonNode e) {
            return e.path("id").asText() + "  "
                    + (e.path("expired").asBoolean() ? "EXPIRED " : "until ")
                    + e.path("expiresAt").asText() + "  by "
                    + e.path("createdBy").asText() + ": "
                    + e.path("reason").asText();
        }
    }

    @Command(name = "revoke", description = "Remove an advisory from an allowlist: its findings count again.")
    static final class CveRevoke implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Mixin
        Scope scope;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() throws Exception {
            return client.call(
                    "DELETE",
                    scope.path() + "/" + AdminClient.encode(id),
                    null,
                    a -> "revoked " + id + " from " + scope.name());
        }
    }
}
