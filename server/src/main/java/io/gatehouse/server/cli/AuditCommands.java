package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse audit}: read, verify and export the tamper-evident audit log; switch pull recording. */
public final class AuditCommands {
    private AuditCommands() {}

    @Command(
            name = "audit",
            description = "Read, verify and export the audit log (system admin).",
            subcommands = {Query.class, Verify.class, Export.class, Pulls.class})
    public static final class Audit {}

    /** The filters {@code query} and {@code export} share, as API query parameters. */
    static final class Filters {
        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "Records at or after this instant (ISO-8601, e.g. 2026-12-01T00:00:00Z).")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "Records before this instant.")
        String until;

        @Option(names = "--principal", paramLabel = "NAME", description = "A user or robot name, or anonymous.")
        String principal;

        @Option(names = "--repository", paramLabel = "REPO", description = "A repository, e.g. teama/app.")
        String repository;

        @Option(
                names = "--action",
                paramLabel = "ACTION",
                description = "pull, push, delete, manage, login, or an admin change such as project.create.")
        String action;

        @Option(names = "--result", paramLabel = "RESULT", description = "allowed or denied.")
        String result;

        @Option(names = "--request-id", paramLabel = "ID", description = "One request's X-Request-Id.")
        String requestId;

        String query() {
            List<String> parts = new ArrayList<>();
            add(parts, "since", since);
            add(parts, "until", until);
            add(parts, "principal", principal);
            add(parts, "repository", repository);
            add(parts, "action", action);
            add(parts, "result", result);
            add(parts, "requestId", requestId);
            return String.join("&", parts);
        }

        private static void add(List<String> parts, String name, String value) {
            if (value != null) {
                parts.add(name + "=" + AdminClient.encode(value));
            }
        }
    }

    /** Pages through {@code /api/v1/audit/records}, handing each record to {@code each}; the exit code. */
    interface RecordSink {
        void accept(JsonNode record) throws IOException;
    }

    static int page(AdminClient client, Filters filters, int pageSize, RecordSink each)
            throws IOException, InterruptedException {
        Optional<String> authorization = client.authorization();
        if (authorization.isEmpty()) {
            return 2;
        }
        String cursor = null;
        do {
            String path = "/api/v1/audit/records?limit=" + pageSize
                    + (filters.query().isEmpty() ? "" : "&" + filters.query())
                    + (cursor == null ? "" : "&cursor=" + AdminClient.encode(cursor));
            Optional<AdminClient.Answer> answer = client.send(authorization.get(), "GET", path);
            if (answer.isEmpty()) {
                return 1;
            }
            if (!answer.get().ok()) {
                client.err().println("gatehouse: " + answer.get().error());
                client.err().flush();
                return 1;
            }
            for (JsonNode record : answer.get().body().path("records")) {
                each.accept(record);
            }
            JsonNode next = answer.get().body().path("next");
            cursor = next.isTextual() ? next.asText() : null;
        } while (cursor != null);
        return 0;
    }

    @Command(
            name = "query",
            description = "Print audit records, oldest first (all pages); with --json one JSON object per line.")
    static final class Query implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Mixin
        Filters filters;

        @Option(names = "--page-size", defaultValue = "500", description = "Records fetched per request (1 to 1000).")
        int pageSize;

        @Override
        public Integer call() throws Exception {
            int code = page(
                    client,
                    filters,
                    pageSize,
                    r -> client.out().println(client.json ? AdminClient.JSON.writeValueAsString(r) : human(r)));
            client.out().flush();
            return code;
        }

        static String human(JsonNode r) {
            String resource = r.path("repository").isTextual()
                    ? r.path("repository").asText()
                            + (r.path("reference").isTextual()
                                    ? "@" + r.path("reference").asText()
                                    : "")
                    : r.path("details").path("target").asText(r.path("project").asText(""));
            return String.join(
                    "  ",
                    "#" + r.path("sequence").asText(),
                    r.path("time").asText(),
                    r.path("kind").asText(),
                    r.path("principal").asText("-"),
                    r.path("action").asText("-"),
                    resource.isEmpty() ? "-" : resource,
                    r.path("result").asText("-"),
                    r.path("sourceAddress").asText("-"),
                    r.path("reason").isTextual() ? "(" + r.path("reason").asText() + ")" : "");
        }
    }

    @Command(
            name = "verify",
            description = "Check the hash chain and signed checkpoints; exits 1 naming the first record that was"
                    + " modified, deleted, reordered or inserted.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Override
        public Integer call() throws Exception {
            Optional<String> authorization = client.authorization();
            if (authorization.isEmpty()) {
                return 2;
            }
            Optional<AdminClient.Answer> answer = client.send(authorization.get(), "POST", "/api/v1/audit/verify");
            if (answer.isEmpty()) {
                return 1;
            }
            JsonNode body = answer.get().body();
            if (!answer.get().ok()) {
                return client.print(answer.get(), b -> "");
            }
            boolean intact = body.path("intact").asBoolean(false);
            if (client.json) {
                client.out().println(body);
            } else if (intact) {
                client.out()
                        .println("audit log intact: " + body.path("records").asLong() + " records, "
                                + body.path("checkpoints").asLong() + " signed checkpoints");
            }
            client.out().flush();
            if (!intact) {
                JsonNode finding = body.path("finding");
                client.err()
                        .println("gatehouse: audit log tampered: record "
                                + finding.path("sequence").asLong() + " ("
                                + finding.path("problem").asText() + "): "
                                + finding.path("message").asText());
                client.err().flush();
                return 1;
            }
            return 0;
        }
    }

    @Command(
            name = "export",
            description = "Write audit records to JSON Lines files in a directory, one file per --max-file-size,"
                    + " optionally gzip-compressed; or, with --archive, have the server run its configured S3"
                    + " export (audit.export.*) now.")
    static final class Export implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Mixin
        Filters filters;

        @Option(names = "--to", paramLabel = "DIR", description = "Directory to write to (created if missing).")
        Path dir;

        @Option(
                names = "--archive",
                description = "Export to the server's S3 archive now: everything due that it does not hold yet.")
        boolean archive;

        @Option(names = "--gzip", description = "Compress each file (.jsonl.gz).")
        boolean gzip;

        @Option(
                names = "--max-file-size",
                defaultValue = "67108864",
                paramLabel = "BYTES",
                description = "Start a new file once this many bytes of JSON were written to one (default 64 MiB).")
        long maxFileSize;

        private OutputStream file;
        private long written;
        private final List<Path> files = new ArrayList<>();
        private long records;

        @Override
        public Integer call() throws Exception {
            if (archive == (dir != null)) {
                client.err().println("gatehouse: give either --to DIR or --archive");
                return 2;
            }
            if (archive) {
                return client.call("POST", "/api/v1/audit/export", null, Export::archived);
            }
            if (maxFileSize < 1) {
                client.err().println("gatehouse: --max-file-size must be positive");
                return 2;
            }
            Files.createDirectories(dir);
            int code;
            try {
                code = page(client, filters, 1000, this::write);
            } finally {
                if (file != null) {
                    file.close();
                }
            }
            String summary = "exported " + records + " records to " + files.size() + " file(s) in " + dir;
            if (client.json) {
                client.out()
                        .println(AdminClient.JSON.writeValueAsString(Map.of(
                                "records",
                                records,
                                "files",
                                files.stream().map(Path::toString).toList())));
            } else {
                client.out().println(summary);
            }
            client.out().flush();
            return code;
        }

        static String archived(JsonNode b) {
            return "exported " + b.path("records").asLong() + " records in "
                    + b.path("objects").size() + " object(s); the archive holds the log through record "
                    + b.path("exportedThrough").asLong();
        }

        private void write(JsonNode record) throws IOException {
            byte[] line = (AdminClient.JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
            if (file == null || written + line.length > maxFileSize && written > 0) {
                if (file != null) {
                    file.close();
                }
                // Named for the first record in it, so files sort in log order and a rerun never overwrites.
                Path next = dir.resolve(String.format(
                        "audit-%012d.jsonl%s", record.path("sequence").asLong(), gzip ? ".gz" : ""));
                OutputStream out = Files.newOutputStream(next, StandardOpenOption.CREATE_NEW);
                file = gzip ? new GZIPOutputStream(out) : out;
                files.add(next);
                written = 0;
            }
            file.write(line);
            written += line.length;
            records++;
        }
    }

    @Command(
            name = "pulls",
            description = "Show, or with --on/--off switch, whether allowed pulls in a project are recorded"
                    + " (denials and admin changes always are).")
    static final class Pulls implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "PROJECT")
        String project;

        static final class Switch {
            @Option(names = "--on", required = true, description = "Record allowed pulls (the default).")
            boolean on;

            @Option(
                    names = "--off",
                    required = true,
                    description = "Stop recording allowed pulls (hot public projects).")
            boolean off;
        }

        @ArgGroup(exclusive = true)
        Switch change;

        @Override
        public Integer call() throws Exception {
            String path = "/api/v1/audit/pulls/" + AdminClient.encode(project);
            if (change == null) {
                return client.call("GET", path, null, Pulls::human);
            }
            return client.call("PUT", path, Map.of("recordPulls", change.on), Pulls::human);
        }

        static String human(JsonNode b) {
            return "project " + b.path("project").asText() + ": allowed pulls "
                    + (b.path("recordPulls").asBoolean() ? "are" : "are NOT") + " recorded";
        }
    }
}
