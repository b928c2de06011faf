package io.gatehouse.scan.layer;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.extract.lang.LanguageExtractors;
import io.gatehouse.scan.os.ApkInstalledExtractor;
import io.gatehouse.scan.os.Distro;
import io.gatehouse.scan.os.DpkgStatusExtractor;
import io.gatehouse.scan.os.OsReleaseExtractor;
import io.gatehouse.scan.os.RpmDatabaseExtractor;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.OsRelease;
import io.gatehouse.scan.sbom.Sbom;
import io.gatehouse.scan.sbom.SbomExtraction;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SBOM of an image from its layers, bottom first: each layer is streamed once through {@link LayerWalk}, the
 * results merged as an overlay filesystem would merge the layers, then OS packages get their ecosystem and purl
 * from the image's {@code os-release}.
 *
 * <p>Limits exceeded become {@value #LIMIT_FINDING} findings (HIGH: the SBOM is then incomplete by an attacker's
 * design, which must not pass as clean) and stop that layer, or the whole image for the image-wide limits. A
 * layer that cannot be decompressed or parsed throws {@link LayerFormatException}: the scan fails with its
 * message.
 */
public final class ImageExtractor implements SbomExtraction {
    public static final String LIMIT_FINDING = "GATEHOUSE-LAYER-LIMIT";
    public static final String UNSAFE_PATH_FINDING = "GATEHOUSE-LAYER-UNSAFE-PATH";
    public static final String EXTRACTOR_ERROR_FINDING = "GATEHOUSE-EXTRACTOR-ERROR";
    public static final String UNKNOWN_OS_FINDING = "GATEHOUSE-OS-UNKNOWN";
    private static final List<String> OS_RELEASE_PATHS = List.of("/etc/os-release", "/usr/lib/os-release");

    private final List<Extractor> extractors;

    public ImageExtractor(List<Extractor> extractors) {
        this.extractors = List.copyOf(extractors);
    }

    /** The OS extractors (os-release, dpkg, apk, rpm) and the language ones (Maven, npm, PyPI, Go, pickle). */
    public static ImageExtractor withDefaultExtractors() {
        var extractors = new ArrayList<Extractor>(List.of(
                new OsReleaseExtractor(),
                new DpkgStatusExtractor(),
                new ApkInstalledExtractor(),
                new RpmDatabaseExtractor()));
        extractors.addAll(LanguageExtractors.all());
        return new ImageExtractor(extractors);
    }

    public List<Extractor> extractors() {
        return extractors;
    }

    @Override
    public Sbom extract(List<LayerSource> layers, ExtractionLimits limits) throws IOException {
        var budget = new LayerBudget(limits);
        var image = new ImageFacts();
        var findings = new ArrayList<ContentFinding>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSource layer = layers.get(i);
            budget.startLayer(layer.digest());
            try (InputStream stored = layer.open();
                    InputStream tar = LayerDecompression.open(stored, budget)) {
                new LayerWalk(extractors, limits, budget, image, i, layer.digest()).walk(tar);
            } catch (UnsafePathException e) {
                findings.add(new ContentFinding(
                        UNSAFE_PATH_FINDING, Severity.HIGH, "path", e.getMessage(), layer.digest(), ""));
            } catch (LayerFormatException e) {
                throw e;
            } catch (IOException e) {
                // A limit may surface wrapped by the tar reader or an extractor: the budget knows what happened.
                if (!(budget.failure() instanceof LayerLimitExceededException limit)) {
                    throw new LayerFormatException(
                            "layer " + layer.digest() + " (" + (i + 1) + " of " + layers.size()
                                    + ") is not a readable tar stream: " + e.getMessage(),
                            e);
                }
                findings.add(new ContentFinding(
                        LIMIT_FINDING, Severity.HIGH, limit.limit(), limit.getMessage(), layer.digest(), ""));
                if (limit.imageWide()) break;
            }
        }
        return sbom(image, findings);
    }

    private static Sbom sbom(ImageFacts image, List<ContentFinding> findings) {
        Optional<OsRelease> os = osRelease(image);
        Optional<Distro> distro = os.flatMap(Distro::of);
        var packages = new ArrayList<DetectedPackage>();
        var all = new ArrayList<>(findings);
        boolean undecided = false;
        for (ImageFacts.Found found : image.found()) {
            for (FileFacts facts : found.facts()) {
                all.addAll(facts.findings());
                for (DetectedPackage p : facts.packages()) {
                    if (Distro.isOsPackage(p)) {
                        if (distro.isPresent()) {
                            p = distro.get().complete(p);
                        } else {
                            undecided = true;
                            p = withPurl(p, Distro.purl(p, null, null));
                        }
                    }
                    packages.add(p);
                }
            }
        }
        if (undecided) {
            all.add(new ContentFinding(
                    UNKNOWN_OS_FINDING,
                    Severity.UNKNOWN,
                    os.map(o -> o.id() + " " + o.versionId()).orElse("no os-release"),
                    "OS packages were found but the distribution is "
                            + os.map(o -> "not one advisories are matched for (" + o.prettyName() + ")")
                                    .orElse("unknown (no /etc/os-release)")
                            + ", so they cannot be checked",
                    "",
                    ""));
        }
        return new Sbom(os, packages, all);
    }

    /** {@code /etc/os-release}, wherever its links lead, else {@code /usr/lib/os-release}. */
    private static Optional<OsRelease> osRelease(ImageFacts image) {
        for (String path : OS_RELEASE_PATHS) {
            Optional<OsRelease> os = image.resolve(path)
                    .flatMap(image::at)
                    .flatMap(found -> found.facts().stream()
                            .flatMap(facts -> facts.os().stream())
                            .findFirst());
            if (os.isPresent()) return os;
        }
        return Optional.empty();
    }

    private static DetectedPackage withPurl(DetectedPackage p, String purl) {
        return new DetectedPackage(
                p.type(),
                p.name(),
                p.version(),
                p.sourceName(),
                p.sourceVersion(),
                p.ecosystem(),
                purl,
                p.layer(),
                p.path());
    }
}
