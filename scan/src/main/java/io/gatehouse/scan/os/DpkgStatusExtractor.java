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
import java.util.regex.Pattern;

/**
 * Installed Debian/Ubuntu packages from dpkg's database: {@code /var/lib/dpkg/status}, or one file per package
 * under {@code /var/lib/dpkg/status.d/} as distroless images have it. Each binary package is mapped to its source
 * package and version ({@code Source: glibc} or {@code Source: glibc (2.36-9)}), the names Debian and Ubuntu
 * advisories use.
 */
public final class DpkgStatusExtractor implements Extractor {
    private static final String STATUS = "/var/lib/dpkg/status";
    private static final String STATUS_D = "/var/lib/dpkg/status.d/";
    private static final Pattern SOURCE = Pattern.compile("^(\\S+)(?:\\s+\\((\\S+)\\))?$");

    @Override
    public String name() {
        return "dpkg-status";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        if (path.equals(STATUS)) return true;
        return path.startsWith(STATUS_D)
                && path.indexOf('/', STATUS_D.length()) < 0
                && !path.endsWith(".md5sums"); // distroless keeps each package's checksums beside it
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        String text = new String(EntryBytes.read(content, path, limits), StandardCharsets.UTF_8);
        var packages = new ArrayList<DetectedPackage>();
        for (Map<String, String> stanza : ControlStanzas.parse(text)) {
            String name = stanza.get("Package");
            String version = stanza.get("Version");
            if (name == null || version == null || !installed(stanza.get("Status"))) continue;
            String sourceName = name;
            String sourceVersion = version;
            String source = stanza.get("Source");
            if (source != null) {
                var m = SOURCE.matcher(source);
                if (m.matches()) {
                    sourceName = m.group(1);
                    if (m.group(2) != null) sourceVersion = m.group(2);
                }
            }
            String arch = stanza.get("Architecture");
            packages.add(new DetectedPackage(
                    "deb",
                    name,
                    version,
                    sourceName,
                    sourceVersion,
                    "",
                    OsPurl.of("deb", name, version, Map.of("arch", arch == null ? "" : arch)),
                    layer,
                    path));
        }
        return FileFacts.packages(packages);
    }

    /** {@code Status: want flag status}; distroless files have no Status, their packages are installed. */
    private static boolean installed(String status) {
        if (status == null) return true;
        String[] words = status.trim().split("\\s+");
        return words.length == 3 && words[2].equals("installed");
    }
}
