package io.gatehouse.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Admin commands for the OSV advisory database: import a dump, show how current it is. */
public final class AdvisoryCommands {
    private AdvisoryCommands() {}

    @Command(
            name = "advisories",
            description = "The vulnerability advisory database (OSV format), imported offline.",
            subcommands = {Import.class, Status.class})
    public static final class Advisories {}

    @Command(
            name = "import",
            description = "Import OSV advisories from a zip (e.g. an OSV all.zip dump) or a directory of OSV JSON"
                    + " files (zipped on the fly while uploading). Unchanged records are skipped, withdrawn ones"
                    + " removed.")
    static final class Import implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Parameters(paramLabel = "PATH", description = "A zip of OSV JSON files, or a directory of them.")
        Path path;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(path)) {
                client.err().println("gatehouse: " + path + " does not exist");
                client.err().flush();
                return 2;
            }
            HttpRequest.BodyPublisher body = Files.isDirectory(path)
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> zipped(path))
                    : HttpRequest.BodyPublishers.ofFile(path);
            String source = path.toAbsolutePath().normalize().toString();
            return client.upload(
                    "/api/v1/advisories?source=" + AdminClient.encode(source),
                    "application/zip",
                    body,
                    AdvisoryCommands::describeImport);
        }
    }

    @Command(name = "status", description = "When the advisory database was last imported, and whether it is stale.")
    static final class Status implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Override
        public Integer call() throws Exception {
            return client.call("GET", "/api/v1/advisories/status", null, AdvisoryCommands::describeStatus);
        }
    }

    /** The directory's *.json files as a zip stream, written by a helper thread as the upload reads it. */
    static InputStream zipped(Path dir) {
        try {
            var in = new PipedInputStream(1 << 16);
            var out = new PipedOutputStream(in);
            Thread.ofVirtual().name("advisory-zip").start(() -> writeZip(dir, out));
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeZip(Path dir, OutputStream sink) {
        try (var zip = new ZipOutputStream(sink);
                Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted()::iterator) {
                zip.putNextEntry(new ZipEntry(dir.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            // The upload then ends early and the server refuses the truncated zip.
            try {
                sink.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    static String describeImport(JsonNode a) {
        var sb = new StringBuilder();
        sb.append("imported ")
                .append(a.path("source").asText())
                .append(": ")
                .append(a.path("added").asInt())
                .append(" added, ")
                .append(a.path("updated").asInt())
                .append(" updated, ")
                .append(a.path("removed").asInt())
                .append(" removed, ")
                .append(a.path("unchanged").asInt())
                .append(" unchanged, ")
                .append(a.path("rejectedCount").asInt())
                .append(" rejected");
        for (JsonNode r : a.path("rejected")) {
            sb.append("\n  rejected ")
                    .append(r.path("file").asText())
                    .append(": ")
                    .append(r.path("reason").asText());
        }
        return sb.toString();
    }

    static String describeStatus(JsonNode s) {
        if (s.path("importedAt").isNull() || s.path("importedAt").isMissingNode()) {
            return "advisory database: never imported (stale); run gatehouse advisories import PATH";
        }
        long hours = s.path("ageSeconds").asLong() / 3600;
        return String.join(
                "\n",
                List.of(
                        "advisory database: " + s.path("advisories").asLong() + " advisories"
                                + (s.path("stale").asBoolean() ? " (STALE)" : ""),
                        "last import: " + s.path("importedAt").asText() + " (" + hours + "h ago) from "
                                + s.path("source").asText(),
                        "stale after: " + s.path("maxAgeSeconds").asLong() / 3600 + "h"));
    }
}
