package io.gatehouse.scan.os;

import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.EntryBytes;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;

/**
 * Installed Alpine (and Wolfi) packages from apk's database {@code /lib/apk/db/installed}: {@code P:} name,
 * {@code V:} version, {@code A:} architecture, {@code o:} origin, the source package advisories name.
 */
public final class ApkInstalledExtractor implements Extractor {
    @Override
    public String name() {
        return "apk-installed";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return path.equals("/lib/apk/db/installed") || path.equals("/usr/lib/apk/db/installed");
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        String text = new String(EntryBytes.read(content, path, limits), StandardCharsets.UTF_8);
        var packages = new ArrayList<DetectedPackage>();
        for (Map<String, String> record : ControlStanzas.parse(text)) {
            String name = record.get("P");
            String version = record.get("V");
            if (name == null || version == null) continue;
            packages.add(new DetectedPackage(
                    "apk",
                    name,
                    version,
                    record.get("o"),
                    version,
                    "",
                    OsPurl.of("apk", name, version, Map.of("arch", record.getOrDefault("A", ""))),
                    layer,
                    path));
        }
        return FileFacts.packages(packages);
    }
}
