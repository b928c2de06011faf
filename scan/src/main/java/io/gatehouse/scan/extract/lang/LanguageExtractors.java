package io.gatehouse.scan.extract.lang;

import io.gatehouse.scan.sbom.Extractor;
import java.util.List;

/**
 * The language-package extractors and the pickle scanner, for the layer walker to offer files to. Note that one
 * file can be wanted by two of them (an executable {@code model.bin} by {@link GoBinaryExtractor} and
 * {@link PickleExtractor}): each needs its own pass over the bytes.
 */
public final class LanguageExtractors {
    private LanguageExtractors() {}

    public static List<Extractor> all() {
        return List.of(
                new JavaArchiveExtractor(),
                new NpmPackageExtractor(),
                new PythonPackageExtractor(),
                new GoBinaryExtractor(),
                new PickleExtractor());
    }
}
