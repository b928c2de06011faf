package io.gatehouse.scan.extract.lang;

import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Installed Python distributions: {@code *.dist-info/METADATA} (wheels, pip), {@code *.egg-info/PKG-INFO} and a
 * bare {@code *.egg-info} file (setuptools, distutils), {@code *.egg/EGG-INFO/PKG-INFO}. Only the RFC 822 header
 * block is read (up to the first empty line): {@code Name} and {@code Version}. The purl carries the PEP 503
 * normalised name, as the purl spec asks for PyPI.
 */
public final class PythonPackageExtractor implements Extractor {
    private static final Pattern NOT_NORMAL = Pattern.compile("[-_.]+");
    /** The header block is a few KiB; a longer one is not metadata. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    @Override
    public String name() {
        return "python-metadata";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return path.endsWith(".dist-info/METADATA")
                || path.endsWith(".egg-info/PKG-INFO")
                || path.endsWith(".egg-info")
                || path.endsWith(".egg/EGG-INFO/PKG-INFO");
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        String name = null;
        String version = null;
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        var reader = new BufferedReader(new InputStreamReader(
                new ReadBudget(Math.min(MAX_HEADER_BYTES, limits.maxFileBytes())).wrap(content), decoder));
        try {
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0 || Character.isWhitespace(line.charAt(0))) continue; // continuation lines
                String field = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (field.equals("name") && name == null) name = value;
                if (field.equals("version") && version == null) version = value;
                if (name != null && version != null) break;
            }
        } catch (ReadBudget.Exceeded e) {
            return FileFacts.NONE; // no end to the headers: not metadata
        }
        if (name == null || name.isEmpty() || version == null || version.isEmpty()) return FileFacts.NONE;
        return FileFacts.packages(List.of(new DetectedPackage(
                "pypi",
                name,
                version,
                null,
                null,
                "PyPI",
                Purls.of("pypi", null, normalise(name), version),
                layer,
                path)));
    }

    /** PEP 503: lower case, runs of {@code - _ .} become one {@code -}. */
    static String normalise(String name) {
        return NOT_NORMAL.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }
}
