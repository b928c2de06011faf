package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.scan.report.ReportFormat;
import io.gatehouse.scan.report.ScanReportJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Vulnerability scans of pushed images: {@code gatehouse scan REF [--wait]} queues one and prints its summary,
 * {@code gatehouse scan report REF --json} prints the latest report. REF is {@code repo:tag} or
 * {@code repo@sha256:...} on the server given by {@code --server}. (Scanning a local image before pushing,
 * {@code scan local}, is a further subcommand.)
 */
public final class ScanCommands {
    static final String PENDING_HEADER = "Gatehouse-Scan-Pending";

    private ScanCommands() {}

    @Command(
            name = "scan",
            description = "Scan a pushed image (REF: repo:tag or repo@sha256:...) on demand, or show its report.",
            subcommands = {Report.class, ScanLocalCommand.class})
    public static final class Scan implements Callable<Integer> {
        @Mixin
        AdminClient client;

        // Optional here so that 'scan report REF' (a subcommand) parses; required when 'scan' itself runs.
        @Parameters(
                paramLabel = "REF",
                arity = "0..1",
                description = "repo:tag or repo@sha256:... (no host: see --server).")
        String ref;

        @Option(names = "--wait", description = "Wait for the scan to finish and print its summary.")
        boolean waitForIt;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "PT5M",
                description = "How long --wait waits (ISO-8601, e.g. PT30S; default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            if (ref == null) {
                client.err()
                        .println("gatehouse: scan needs REF (repo:tag or repo@sha256:...); see gatehouse scan --help");
                client.err().flush();
                return 2;
            }
            Optional<Ref> parsed = Ref.parse(ref, client);
            Optional<String> auth = parsed.isEmpty() ? Optional.empty() : client.authorization();
            if (auth.isEmpty()) {
                return 2;
            }
            Ref r = parsed.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reference", r.reference());
            var queued = client.send(auth.get(), "POST", "/api/v1/repositories/" + r.repository() + "/scans", body);
            if (queued.isEmpty()) {
                return 1;
            }
            if (!queued.get().ok() || !waitForIt) {
                return client.print(
                        queued.get(),
                        a -> "scan of " + a.path("repository").asText() + "@"
                                + a.path("artifact").asText() + " queued");
            }
            String digest = queued.get().body().path("artifact").asText();
            Instant deadline = Instant.now().plus(timeout);
            // The report is done once no scan of it is queued or running (a failed re-scan keeps the last good one).
            while (true) {
                var answer = client.send(auth.get(), "GET", reportPath(r.repository(), digest));
                if (answer.isEmpty()) {
                    return 1;
                }
                boolean pending = answer.get()
                        .headers()
                        .firstValue(PENDING_HEADER)
                        .map(Boolean::parseBoolean)
                        .orElse(false);
                if (!answer.get().ok() || !pending) {
                    return client.print(answer.get(), ScanCommands::summary);
                }
                if (Instant.now().isAfter(deadline)) {
                    client.err().println("gatehouse: the scan of " + ref + " did not finish within " + timeout);
                    client.err().flush();
                    return 3;
                }
                Thread.sleep(250);
            }
        }
    }

    @Command(name = "report", description = "The latest scan report of a pushed image (--json: the whole report).")
    static final class Report implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "REF", description = "repo:tag or repo@sha256:... (no host: see --server).")
        String ref;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                description = "sarif, cyclonedx (SBOM + VEX), table or json, rendered from the server's report.")
        String format;

        @Override
        public Integer call() throws Exception {
            Optional<Ref> parsed = Ref.parse(ref, client);
            ReportFormat rendering;
            try {
                rendering = format == null ? null : ReportFormat.parse(format);
            } catch (IllegalArgumentException e) {
                client.err().println("gatehouse: " + e.getMessage());
                client.err().flush();
                return 2;
            }
            if (parsed.isEmpty()) {
                return 2;
            }
            return client.call(
                    "GET",
                    reportPath(parsed.get().repository(), parsed.get().reference()),
                    null,
                    rendering == null ? ScanCommands::summary : body -> render(rendering, body));
        }
    }

    /** The server's JSON report in another format; the codec reads what the server wrote. */
    static String render(ReportFormat format, JsonNode body) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            format.render(ScanReportJson.decode(body.toString().getBytes(StandardCharsets.UTF_8)), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8).stripTrailing();
    }

    static String reportPath(String repository, String reference) {
        // Tags and digests are path-safe as they are (the server does not decode path segments).
        return "/api/v1/repositories/" + repository + "/scans/" + reference;
    }

    /** {@code repo:tag} or {@code repo@digest}; a bare repo means its {@code latest} tag, as docker reads it. */
    record Ref(String repository, String reference) {
        static Optional<Ref> parse(String text, AdminClient client) {
            int at = text.indexOf('@');
            Ref ref;
            if (at > 0) {
                ref = new Ref(text.substring(0, at), text.substring(at + 1));
            } else {
                int colon = text.lastIndexOf(':');
                ref = colon > text.lastIndexOf('/') && colon > 0
                        ? new Ref(text.substring(0, colon), text.substring(colon + 1))
                        : new Ref(text, "latest");
            }
            if (ref.repository().isEmpty()
                    || ref.reference().isEmpty()
                    || ref.repository().contains("://")) {
                client.err().println("gatehouse: " + text + " is not repo:tag or repo@sha256:...");
                client.err().flush();
                return Optional.empty();
            }
            return Optional.of(ref);
        }
    }

    /** One line for the verdict, one per finding (worst first). */
    static String summary(JsonNode report) {
        var sb = new StringBuilder();
        String status = report.path("status").asText();
        sb.append(report.path("artifact").asText()).append(": ").append(status);
        if (status.equals("complete")) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String s : List.of("critical", "high", "medium", "low", "unknown")) {
                counts.put(s, 0);
            }
            for (JsonNode f : report.path("findings")) {
                counts.merge(f.path("severity").asText(), 1, Integer::sum);
            }
            sb.append(", ")
                    .append(report.path("packages").size())
                    .append(" packages, ")
                    .append(report.path("findings").size())
                    .append(" findings");
            counts.forEach((k, v) -> {
                if (v > 0) sb.append(", ").append(v).append(' ').append(k);
            });
            sb.append(" (scanned ").append(report.path("scannedAt").asText()).append(')');
            for (JsonNode f : report.path("findings")) {
                sb.append("\n  ")
                        .append(f.path("severity").asText().toUpperCase(java.util.Locale.ROOT))
                        .append(' ')
                        .append(f.path("id").asText())
                        .append(' ')
                        .append(f.path("package").asText());
                if (!f.path("version").asText().isEmpty()) {
                    sb.append(' ').append(f.path("version").asText());
                }
                if (f.path("fixedVersions").size() > 0) {
                    sb.append(" (fixed in ")
                            .append(f.path("fixedVersions").get(0).asText())
                            .append(')');
                }
                if (f.path("certainty").asText().equals("unknown")) {
                    sb.append(" [version not comparable: may be affected]");
                }
            }
        }
        if (!report.path("error").asText().isEmpty()) {
            sb.append("\n  ").append(report.path("error").asText());
        }
        return sb.toString();
    }
}
