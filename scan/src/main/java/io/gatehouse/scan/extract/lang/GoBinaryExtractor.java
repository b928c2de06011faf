package io.gatehouse.scan.extract.lang;

import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Go modules compiled into ELF executables, from the build information the Go linker embeds: the main module (when
 * it has a real version), every dependency (after its {@code =>} replacement) and the Go standard library as the
 * module {@code stdlib}, as osv-scanner reports it, since Go advisories name {@code stdlib} for the runtime. A
 * dependency replaced by a local directory ({@code => ./fork}) keeps the name and version it replaces: the code
 * claims to be that module, and reporting it errs towards a finding rather than silence.
 *
 * <p>{@code version} keeps Go's {@code v} prefix ({@code v1.2.3}, {@code go1.19.8} for stdlib); {@code sourceVersion}
 * drops it, as OSV's Go ranges write versions. The file is read once and never buffered beyond a small window; the
 * search gives up after 16 times {@link ExtractionLimits#maxFileBytes()}.
 */
public final class GoBinaryExtractor implements Extractor {
    private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};
    /** {@code go1.21.3}, {@code go1.22rc1}, with any {@code X:...} experiment suffix cut. */
    private static final Pattern GO_VERSION = Pattern.compile("go(1(\\.\\d+){1,2}(rc\\d+|beta\\d+)?)");
    /** Smaller files are not Go binaries: even an empty program links to over a megabyte. */
    private static final long MIN_SIZE = 64 * 1024;

    @Override
    public String name() {
        return "go-binary";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return executable && size >= MIN_SIZE;
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        byte[] head = content.readNBytes(ELF.length);
        if (!Arrays.equals(head, ELF)) return FileFacts.NONE;
        long searchLimit = limits.maxFileBytes() > Long.MAX_VALUE / 16 ? Long.MAX_VALUE : limits.maxFileBytes() * 16;
        var info = GoBuildInfoReader.read(content, searchLimit);
        if (info.isEmpty()) return FileFacts.NONE;
        List<DetectedPackage> packages = new ArrayList<>();
        info.get().main().filter(m -> m.version().startsWith("v")).ifPresent(m -> packages.add(module(m, layer, path)));
        for (var dep : info.get().deps()) {
            // "(devel)": a module built from a checkout has no version to match advisories against
            if (dep.version().startsWith("v")) packages.add(module(dep, layer, path));
        }
        var go = GO_VERSION.matcher(info.get().goVersion());
        if (go.lookingAt()) {
            String version = go.group(1);
            packages.add(new DetectedPackage(
                    "golang",
                    "stdlib",
                    "go" + version,
                    null,
                    version,
                    "Go",
                    Purls.of("golang", null, "stdlib", "v" + version),
                    layer,
                    path));
        }
        return FileFacts.packages(packages);
    }

    private static DetectedPackage module(GoBuildInfo.Module module, String layer, String path) {
        String version = module.version();
        int slash = module.path().lastIndexOf('/');
        String purl = Purls.of(
                "golang",
                slash > 0 ? module.path().substring(0, slash) : null,
                module.path().substring(slash + 1),
                version);
        return new DetectedPackage(
                "golang",
                module.path(),
                version,
                null,
                version.startsWith("v") ? version.substring(1) : version,
                "Go",
                purl,
                layer,
                path);
    }
}
