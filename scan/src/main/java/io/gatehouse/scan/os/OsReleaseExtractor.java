package io.gatehouse.scan.os;

import io.gatehouse.scan.sbom.EntryBytes;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import io.gatehouse.scan.sbom.OsRelease;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The distribution from {@code /etc/os-release} or {@code /usr/lib/os-release} (shell-style assignments). */
public final class OsReleaseExtractor implements Extractor {
    /** os-release is a few hundred bytes; anything much larger is not one. */
    private static final long MAX_BYTES = 64 * 1024;

    @Override
    public String name() {
        return "os-release";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return path.equals("/etc/os-release") || path.equals("/usr/lib/os-release");
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        var bounded = new ExtractionLimits(
                limits.maxUncompressedBytes(),
                limits.maxEntries(),
                limits.maxPathLength(),
                limits.maxCompressionRatio(),
                Math.min(MAX_BYTES, limits.maxFileBytes()),
                limits.maxNestingDepth());
        Map<String, String> fields = parse(new String(EntryBytes.read(content, path, bounded), StandardCharsets.UTF_8));
        String id = fields.getOrDefault("ID", "linux");
        var os = new OsRelease(id, fields.getOrDefault("VERSION_ID", ""), fields.getOrDefault("PRETTY_NAME", id));
        return new FileFacts(List.of(), List.of(), Optional.of(os));
    }

    /** {@code KEY=value}, {@code KEY="value"} or {@code KEY='value'}; comments and other lines are ignored. */
    static Map<String, String> parse(String text) {
        var fields = new HashMap<String, String>();
        for (String line : text.split("\n")) {
            line = line.strip();
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq <= 0) continue;
            fields.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
        }
        return fields;
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                && value.charAt(value.length() - 1) == value.charAt(0)) {
            value = value.substring(1, value.length() - 1);
            if (value.indexOf('\\') >= 0) value = value.replaceAll("\\\\(.)", "$1");
        }
        return value;
    }
}
