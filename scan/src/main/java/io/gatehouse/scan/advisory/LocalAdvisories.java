package io.gatehouse.scan.advisory;

import io.gatehouse.scan.advisory.ImportResult.Rejected;
import io.gatehouse.scan.match.OsvAdvisoryIndex;
import io.gatehouse.scan.match.OsvMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An advisory index built in memory from an OSV zip or directory, without the server's database: for scanning a
 * local image before it is pushed. Files are read as the import reads them (same bounds, same codec); withdrawn
 * advisories are left out, and a file that cannot be parsed is rejected with its reason.
 *
 * @param rejectedCount all rejected files; {@code rejected} lists the first {@link AdvisoryImporter#MAX_REPORTED}
 */
public record LocalAdvisories(OsvAdvisoryIndex index, int advisories, int rejectedCount, List<Rejected> rejected) {

    /** @throws IllegalArgumentException when {@code path} is neither a readable zip nor a directory */
    public static LocalAdvisories load(Path path, OsvMatcher matcher) throws IOException {
        var codec = new OsvCodec();
        Map<String, Advisory> byId = new LinkedHashMap<>();
        var rejected = new ArrayList<Rejected>();
        int[] rejectedCount = {0};
        OsvFiles.walk(path, new OsvFiles.Visitor() {
            @Override
            public void accept(String name, InputStream json) throws IOException {
                try {
                    Advisory a = codec.parse(name, codec.readBounded(name, json));
                    if (byId.putIfAbsent(a.id(), a) != null) reject(name, a.id() + " appears twice");
                } catch (InvalidAdvisoryException e) {
                    reject(e.source(), e.reason());
                }
            }

            @Override
            public void reject(String name, String reason) {
                if (rejectedCount[0]++ < AdvisoryImporter.MAX_REPORTED) rejected.add(new Rejected(name, reason));
            }
        });
        byId.values().removeIf(a -> a.withdrawn().isPresent());
        var index = new OsvAdvisoryIndex(byId.values(), matcher, "local:" + path.getFileName());
        return new LocalAdvisories(index, byId.size(), rejectedCount[0], List.copyOf(rejected));
    }
}
